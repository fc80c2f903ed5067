package dev.phi4j.pipeline.io;

import dev.phi4j.core.schema.Column;
import dev.phi4j.core.schema.ColumnType;
import dev.phi4j.core.schema.RecordSchema;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records to Spark's external {@link Row}s and back, column by column as {@link RecordSchema} lays them
 * out. Rows use the types Spark itself hands out (Scala {@code Seq} for arrays, Scala {@code Map} for
 * maps, {@code Row} for structs), so {@code Row.getList} and friends work on either side.
 */
final class RowConversion {

    private RowConversion() {}

    static Row toRow(RecordSchema<?> schema, StructType structType, Record record) {
        List<Column> columns = schema.columns();
        Object[] values = new Object[columns.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = toSpark(columns.get(i).type(), columns.get(i).valueIn(record),
                    structType.fields()[i].dataType());
        }
        return new GenericRowWithSchema(values, structType);
    }

    private static Object toSpark(ColumnType type, Object value, DataType dataType) {
        if (type instanceof ColumnType.ListOf list) {
            List<Object> elements = new ArrayList<>();
            if (list.intArray()) {
                Arrays.stream((int[]) value).forEach(elements::add);
            } else {
                DataType elementType = ((ArrayType) dataType).elementType();
                ((List<?>) value).forEach(element -> elements.add(toSpark(list.element(), element, elementType)));
            }
            return JavaConverters.asScalaBuffer(elements).toList();
        } else if (type instanceof ColumnType.MapOf) {
            return JavaConverters.mapAsScalaMap((Map<?, ?>) value);
        } else if (type instanceof ColumnType.Nested nested) {
            return toRow(nested.schema(), (StructType) dataType, (Record) value);
        } else if (type instanceof ColumnType.EnumName enumName) {
            return enumName.encode(value);
        }
        return value;
    }

    /** Reads columns by name, so rows with extra or reordered columns convert too. */
    static <R extends Record> R fromRow(RecordSchema<R> schema, Row row, String prefix) {
        List<Column> columns = schema.columns();
        Object[] values = new Object[columns.size()];
        for (int i = 0; i < values.length; i++) {
            Column column = columns.get(i);
            String path = prefix + column.name();
            int index = indexOf(row, column.name(), path, schema);
            if (row.isNullAt(index)) {
                throw new IllegalArgumentException("column '" + path + "' is null; " + schema.type().getSimpleName()
                        + " needs a value");
            }
            values[i] = fromSpark(column.type(), row, index, path);
        }
        return schema.newRecord(values);
    }

    private static int indexOf(Row row, String name, String path, RecordSchema<?> schema) {
        try {
            return row.fieldIndex(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("row has no column '" + path + "', which "
                    + schema.type().getSimpleName() + " needs; it has " + List.of(row.schema().fieldNames()), e);
        }
    }

    private static Object fromSpark(ColumnType type, Row row, int index, String path) {
        if (type instanceof ColumnType.ListOf list) {
            List<Object> elements = row.getList(index);
            if (elements.contains(null)) {
                throw new IllegalArgumentException("column '" + path + "' holds a null element");
            }
            if (list.intArray()) {
                return elements.stream().mapToInt(element -> (Integer) element).toArray();
            } else if (list.element() instanceof ColumnType.Nested nested) {
                return elements.stream().map(element -> fromRow(nested.schema(), (Row) element, path + "[].")).toList();
            } else if (list.element() instanceof ColumnType.EnumName enumName) {
                return elements.stream().map(element -> enumName.decode((String) element, path + "[]")).toList();
            }
            return elements;
        } else if (type instanceof ColumnType.MapOf) {
            Map<Object, Object> entries = new LinkedHashMap<>(row.getJavaMap(index));
            if (entries.containsValue(null)) {
                throw new IllegalArgumentException("column '" + path + "' holds a null value");
            }
            return entries;
        } else if (type instanceof ColumnType.Nested nested) {
            return fromRow(nested.schema(), row.getStruct(index), path + ".");
        } else if (type instanceof ColumnType.EnumName enumName) {
            return enumName.decode(row.getString(index), path);
        }
        return row.get(index);
    }
}

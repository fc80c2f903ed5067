package dev.phi4j.pipeline.io;

import dev.phi4j.core.schema.ColumnType;
import dev.phi4j.core.schema.RecordSchema;
import dev.phi4j.core.schema.SchemaMismatchException;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.Arrays;
import java.util.List;

/**
 * Spark SQL types from {@link RecordSchema}, mirroring its Parquet layout: required columns become
 * non-nullable fields, lists arrays without null elements, maps with non-null values.
 */
final class SparkTypes {

    private SparkTypes() {}

    static StructType structType(RecordSchema<?> schema) {
        List<StructField> fields = schema.columns().stream()
                .map(column -> DataTypes.createStructField(column.name(), dataType(column.type()), false))
                .toList();
        return DataTypes.createStructType(fields);
    }

    static DataType dataType(ColumnType type) {
        if (type instanceof ColumnType.ListOf list) {
            return DataTypes.createArrayType(dataType(list.element()), false);
        } else if (type instanceof ColumnType.MapOf map) {
            return DataTypes.createMapType(DataTypes.StringType, dataType(map.value()), false);
        } else if (type instanceof ColumnType.Nested nested) {
            return structType(nested.schema());
        } else if (type instanceof ColumnType.EnumName) {
            return DataTypes.StringType;
        }
        return switch ((ColumnType.Scalar) type) {
            case STRING -> DataTypes.StringType;
            case INT -> DataTypes.IntegerType;
            case LONG -> DataTypes.LongType;
            case DOUBLE -> DataTypes.DoubleType;
            case BOOLEAN -> DataTypes.BooleanType;
        };
    }

    /**
     * Checks that {@code actual}, a dataset's schema, has every column of {@code schema} with the same
     * type, ignoring nullability (Spark writes every column nullable) and extra columns.
     */
    static void requireColumns(StructType actual, RecordSchema<?> schema, String path) {
        requireFields(actual, structType(schema), path, "", schema.type().getSimpleName());
    }

    private static void requireFields(StructType actual, StructType expected, String path, String prefix,
                                      String record) {
        List<String> present = Arrays.asList(actual.fieldNames());
        for (StructField field : expected.fields()) {
            String column = prefix + field.name();
            if (!present.contains(field.name())) {
                throw new SchemaMismatchException(path, column, "no column '" + column + "', which " + record
                        + " needs; the data has " + present);
            }
            requireType(actual.apply(field.name()).dataType(), field.dataType(), path, column, record);
        }
    }

    private static void requireType(DataType actual, DataType expected, String path, String column, String record) {
        if (expected instanceof StructType struct && actual instanceof StructType actualStruct) {
            requireFields(actualStruct, struct, path, column + ".", record);
        } else if (expected instanceof ArrayType array && actual instanceof ArrayType actualArray) {
            requireType(actualArray.elementType(), array.elementType(), path, column + "[]", record);
        } else if (expected instanceof MapType map && actual instanceof MapType actualMap) {
            requireType(actualMap.keyType(), map.keyType(), path, column + "{key}", record);
            requireType(actualMap.valueType(), map.valueType(), path, column + "{}", record);
        } else if (!actual.getClass().equals(expected.getClass())) {
            throw new SchemaMismatchException(path, column, "column '" + column + "' is " + actual.simpleString()
                    + " but " + record + " needs " + expected.simpleString());
        }
    }
}

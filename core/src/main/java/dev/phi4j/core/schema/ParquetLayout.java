package dev.phi4j.core.schema;

import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

import java.util.List;

/**
 * The Parquet shape of each {@link ColumnType}. Lists and maps use the standard three-level layouts of
 * the Parquet format spec (LogicalTypes.md) with the field names Spark writes by default, and strings
 * carry the STRING annotation, so Spark, DuckDB and pyarrow read the files as typed columns.
 *
 * <pre>
 * required group tokens (LIST) { repeated group list { required int32 element; } }
 * required group metadata (MAP) { repeated group key_value { required binary key (STRING); required binary value (STRING); } }
 * </pre>
 */
final class ParquetLayout {

    static final String LIST = "list";
    static final String ELEMENT = "element";
    static final String KEY_VALUE = "key_value";
    static final String KEY = "key";
    static final String VALUE = "value";

    private ParquetLayout() {}

    static MessageType messageType(String name, List<Column> columns) {
        return new MessageType(name, columns.stream().map(column -> type(column.type(), column.name())).toList());
    }

    static Type type(ColumnType type, String name) {
        if (type instanceof ColumnType.ListOf list) {
            GroupType repeated = Types.repeatedGroup().addField(type(list.element(), ELEMENT)).named(LIST);
            return Types.requiredGroup().as(LogicalTypeAnnotation.listType()).addField(repeated).named(name);
        } else if (type instanceof ColumnType.MapOf map) {
            GroupType repeated = Types.repeatedGroup()
                    .addField(type(ColumnType.Scalar.STRING, KEY))
                    .addField(type(map.value(), VALUE))
                    .named(KEY_VALUE);
            return Types.requiredGroup().as(LogicalTypeAnnotation.mapType()).addField(repeated).named(name);
        } else if (type instanceof ColumnType.Nested nested) {
            return Types.requiredGroup().addFields(nested.schema().messageType().getFields().toArray(Type[]::new))
                    .named(name);
        }
        PrimitiveTypeName primitive = primitive(type);
        return primitive == PrimitiveTypeName.BINARY
                ? Types.required(primitive).as(LogicalTypeAnnotation.stringType()).named(name)
                : Types.required(primitive).named(name);
    }

    /** The physical type of a scalar or enum column. */
    static PrimitiveTypeName primitive(ColumnType type) {
        if (type instanceof ColumnType.EnumName) {
            return PrimitiveTypeName.BINARY;
        }
        return switch ((ColumnType.Scalar) type) {
            case STRING -> PrimitiveTypeName.BINARY;
            case INT -> PrimitiveTypeName.INT32;
            case LONG -> PrimitiveTypeName.INT64;
            case DOUBLE -> PrimitiveTypeName.DOUBLE;
            case BOOLEAN -> PrimitiveTypeName.BOOLEAN;
        };
    }
}

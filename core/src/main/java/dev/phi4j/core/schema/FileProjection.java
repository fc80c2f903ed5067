package dev.phi4j.core.schema;

import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Matches a file's schema against a {@link RecordSchema} by column name and returns the file's own
 * types for just those columns. Reading with the file's types rather than ours is what lets files
 * written by Spark be read: Spark marks every column optional and may order columns differently.
 * Columns the record does not have are not read at all.
 */
final class FileProjection {

    private final String file;
    private final String record;

    private FileProjection(String file, String record) {
        this.file = file;
        this.record = record;
    }

    /** The requested read schema; a missing or differently typed column is an error naming file and column. */
    static MessageType project(MessageType fileSchema, RecordSchema<?> schema, String file) {
        FileProjection projection = new FileProjection(file, schema.type().getSimpleName());
        return new MessageType(fileSchema.getName(), projection.fields(fileSchema, schema, ""));
    }

    private List<Type> fields(GroupType fileGroup, RecordSchema<?> schema, String prefix) {
        List<Type> fields = new ArrayList<>();
        for (Column column : schema.columns()) {
            String path = prefix + column.name();
            if (!fileGroup.containsField(column.name())) {
                throw new SchemaMismatchException(file, path, "no column '" + path + "', which " + record
                        + " needs; the file has " + fieldNames(fileGroup));
            }
            fields.add(project(fileGroup.getType(column.name()), column.type(), path));
        }
        return fields;
    }

    private Type project(Type fileType, ColumnType type, String path) {
        if (type instanceof ColumnType.ListOf list) {
            GroupType repeated = repeatedChild(fileType, path, 1, "a 3-level LIST group");
            Type element = project(repeated.getType(0), list.element(), path + "[]");
            return fileType.asGroupType().withNewFields(repeated.withNewFields(element));
        } else if (type instanceof ColumnType.MapOf map) {
            GroupType repeated = repeatedChild(fileType, path, 2, "a MAP group of key_value pairs");
            Type key = project(repeated.getType(0), ColumnType.Scalar.STRING, path + "{key}");
            Type value = project(repeated.getType(1), map.value(), path + "{}");
            return fileType.asGroupType().withNewFields(repeated.withNewFields(key, value));
        } else if (type instanceof ColumnType.Nested nested) {
            if (fileType.isPrimitive() || fileType.isRepetition(Type.Repetition.REPEATED)) {
                throw mismatch(path, fileType, "a group of " + nested.schema().type().getSimpleName() + " columns");
            }
            return fileType.asGroupType().withNewFields(fields(fileType.asGroupType(), nested.schema(), path + "."));
        }
        PrimitiveTypeName expected = ParquetLayout.primitive(type);
        if (!fileType.isPrimitive() || fileType.isRepetition(Type.Repetition.REPEATED)
                || fileType.asPrimitiveType().getPrimitiveTypeName() != expected) {
            throw mismatch(path, fileType, expected.name().toLowerCase(Locale.ROOT));
        }
        return fileType;
    }

    /** The repeated middle level of a LIST or MAP group, checked to have {@code width} fields. */
    private GroupType repeatedChild(Type fileType, String path, int width, String expected) {
        if (!fileType.isPrimitive() && !fileType.isRepetition(Type.Repetition.REPEATED)
                && fileType.asGroupType().getFieldCount() == 1) {
            Type child = fileType.asGroupType().getType(0);
            if (!child.isPrimitive() && child.isRepetition(Type.Repetition.REPEATED)
                    && child.asGroupType().getFieldCount() == width) {
                return child.asGroupType();
            }
        }
        throw mismatch(path, fileType, expected);
    }

    private SchemaMismatchException mismatch(String path, Type fileType, String expected) {
        return new SchemaMismatchException(file, path, "column '" + path + "' is " + fileType.toString().trim()
                + " but " + record + " needs " + expected);
    }

    private static List<String> fieldNames(GroupType group) {
        return group.getFields().stream().map(Type::getName).toList();
    }
}

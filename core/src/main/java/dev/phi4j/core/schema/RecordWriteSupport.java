package dev.phi4j.core.schema;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;

import java.util.List;
import java.util.Map;

/**
 * Streams records straight into Parquet's {@link RecordConsumer}, walking the {@link RecordSchema}
 * instead of building an intermediate {@code Group} per row.
 */
final class RecordWriteSupport<R extends Record> extends WriteSupport<R> {

    /** Footer key naming the record class, so a reader can tell what a file holds without guessing. */
    static final String RECORD_KEY = "phi4j.record";

    private final RecordSchema<R> schema;
    private RecordConsumer out;

    RecordWriteSupport(RecordSchema<R> schema) {
        this.schema = schema;
    }

    @Override
    public WriteContext init(Configuration configuration) {
        return new WriteContext(schema.messageType(), Map.of(RECORD_KEY, schema.type().getName()));
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.out = recordConsumer;
    }

    @Override
    public void write(R record) {
        out.startMessage();
        writeFields(schema, record);
        out.endMessage();
    }

    private void writeFields(RecordSchema<?> recordSchema, Record record) {
        List<Column> columns = recordSchema.columns();
        for (int i = 0; i < columns.size(); i++) {
            Column column = columns.get(i);
            Object value = column.valueIn(record);
            if (value == null) {
                throw new NullPointerException(recordSchema.type().getSimpleName() + "." + column.component()
                        + " is null; every column is required");
            }
            out.startField(column.name(), i);
            writeValue(column.type(), value);
            out.endField(column.name(), i);
        }
    }

    private void writeValue(ColumnType type, Object value) {
        if (type instanceof ColumnType.ListOf list) {
            writeList(list, value);
        } else if (type instanceof ColumnType.MapOf map) {
            writeMap(map, (Map<?, ?>) value);
        } else if (type instanceof ColumnType.Nested nested) {
            out.startGroup();
            writeFields(nested.schema(), (Record) value);
            out.endGroup();
        } else if (type instanceof ColumnType.EnumName enumName) {
            out.addBinary(Binary.fromString(enumName.encode(value)));
        } else {
            switch ((ColumnType.Scalar) type) {
                case STRING -> out.addBinary(Binary.fromString((String) value));
                case INT -> out.addInteger((Integer) value);
                case LONG -> out.addLong((Long) value);
                case DOUBLE -> out.addDouble((Double) value);
                case BOOLEAN -> out.addBoolean((Boolean) value);
            }
        }
    }

    /** An empty list is a LIST group with no repeated child, which readers tell apart from a null list. */
    private void writeList(ColumnType.ListOf list, Object value) {
        out.startGroup();
        if (list.intArray()) {
            int[] ints = (int[]) value;
            if (ints.length > 0) {
                out.startField(ParquetLayout.LIST, 0);
                for (int element : ints) {
                    out.startGroup();
                    out.startField(ParquetLayout.ELEMENT, 0);
                    out.addInteger(element);
                    out.endField(ParquetLayout.ELEMENT, 0);
                    out.endGroup();
                }
                out.endField(ParquetLayout.LIST, 0);
            }
        } else {
            List<?> elements = (List<?>) value;
            if (!elements.isEmpty()) {
                out.startField(ParquetLayout.LIST, 0);
                for (Object element : elements) {
                    out.startGroup();
                    out.startField(ParquetLayout.ELEMENT, 0);
                    writeValue(list.element(), element);
                    out.endField(ParquetLayout.ELEMENT, 0);
                    out.endGroup();
                }
                out.endField(ParquetLayout.LIST, 0);
            }
        }
        out.endGroup();
    }

    private void writeMap(ColumnType.MapOf map, Map<?, ?> entries) {
        out.startGroup();
        if (!entries.isEmpty()) {
            out.startField(ParquetLayout.KEY_VALUE, 0);
            for (Map.Entry<?, ?> entry : entries.entrySet()) {
                out.startGroup();
                out.startField(ParquetLayout.KEY, 0);
                out.addBinary(Binary.fromString((String) entry.getKey()));
                out.endField(ParquetLayout.KEY, 0);
                out.startField(ParquetLayout.VALUE, 1);
                writeValue(map.value(), entry.getValue());
                out.endField(ParquetLayout.VALUE, 1);
                out.endGroup();
            }
            out.endField(ParquetLayout.KEY_VALUE, 0);
        }
        out.endGroup();
    }
}

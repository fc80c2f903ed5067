package dev.phi4j.core.schema;

import org.apache.parquet.column.Dictionary;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.Type;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * Parquet's push-style converters, one per {@link ColumnType}, that assemble records directly while
 * a file is decoded. Each converter hands its finished value to a sink supplied by its parent. The
 * requested schema comes from {@link FileProjection}, so child {@code i} of a record group is column
 * {@code i} of its {@link RecordSchema}.
 */
final class RecordConverters {

    private RecordConverters() {}

    static Converter forType(ColumnType type, Type requested, Consumer<Object> sink, String path, String file) {
        if (type instanceof ColumnType.ListOf list && list.intArray()) {
            return new IntArrayConverter(sink, path, file);
        } else if (type instanceof ColumnType.ListOf list) {
            return new ListConverter(list.element(), requested.asGroupType(), sink, path, file);
        } else if (type instanceof ColumnType.MapOf map) {
            return new MapConverter(map.value(), requested.asGroupType(), sink, path, file);
        } else if (type instanceof ColumnType.Nested nested) {
            return new RecordConverter(nested.schema(), requested.asGroupType(), sink, path + ".", file);
        }
        return new ScalarConverter(type, sink, path);
    }

    private static SchemaMismatchException nullValue(String file, String path) {
        return new SchemaMismatchException(file, path, "column '" + path + "' holds a null; phi4j records need a value");
    }

    /** A record's columns; builds the record through its canonical constructor when the group ends. */
    static final class RecordConverter extends GroupConverter {

        private final RecordSchema<?> schema;
        private final Converter[] children;
        private final Object[] values;
        private final Consumer<Object> sink;
        private final String prefix;
        private final String file;

        RecordConverter(RecordSchema<?> schema, GroupType requested, Consumer<Object> sink, String prefix, String file) {
            this.schema = schema;
            this.sink = sink;
            this.prefix = prefix;
            this.file = file;
            List<Column> columns = schema.columns();
            this.values = new Object[columns.size()];
            this.children = new Converter[columns.size()];
            for (int i = 0; i < children.length; i++) {
                int index = i;
                Column column = columns.get(i);
                children[i] = forType(column.type(), requested.getType(i), value -> values[index] = value,
                        prefix + column.name(), file);
            }
        }

        @Override
        public Converter getConverter(int fieldIndex) {
            return children[fieldIndex];
        }

        @Override
        public void start() {
            Arrays.fill(values, null);
        }

        @Override
        public void end() {
            for (int i = 0; i < values.length; i++) {
                if (values[i] == null) {
                    throw nullValue(file, prefix + schema.columns().get(i).name());
                }
            }
            sink.accept(schema.newRecord(values));
        }
    }

    /** A 3-level LIST: the outer group is the list, each repeated inner group holds one element. */
    static final class ListConverter extends GroupConverter {

        private final Consumer<Object> sink;
        private final RepeatedGroup repeated;
        private List<Object> elements;

        ListConverter(ColumnType element, GroupType requested, Consumer<Object> sink, String path, String file) {
            this.sink = sink;
            Type elementType = requested.getType(0).asGroupType().getType(0);
            Converter elementConverter = forType(element, elementType, value -> elements.add(value), path + "[]", file);
            this.repeated = new RepeatedGroup(() -> elements.size(), elementConverter, path + "[]", file);
        }

        @Override
        public Converter getConverter(int fieldIndex) {
            return repeated;
        }

        @Override
        public void start() {
            elements = new ArrayList<>();
        }

        @Override
        public void end() {
            sink.accept(elements);
        }
    }

    /** A LIST of int32 collected into an {@code int[]} without boxing: token shards are mostly this. */
    static final class IntArrayConverter extends GroupConverter {

        private final Consumer<Object> sink;
        private final RepeatedGroup repeated;
        private int[] buffer = new int[1024];
        private int size;

        IntArrayConverter(Consumer<Object> sink, String path, String file) {
            this.sink = sink;
            PrimitiveConverter element = new PrimitiveConverter() {
                @Override
                public void addInt(int value) {
                    if (size == buffer.length) {
                        buffer = Arrays.copyOf(buffer, 2 * size);
                    }
                    buffer[size++] = value;
                }
            };
            this.repeated = new RepeatedGroup(() -> size, element, path + "[]", file);
        }

        @Override
        public Converter getConverter(int fieldIndex) {
            return repeated;
        }

        @Override
        public void start() {
            size = 0;
        }

        @Override
        public void end() {
            sink.accept(Arrays.copyOf(buffer, size));
        }
    }

    /** A 3-level MAP: each repeated key_value group adds one entry. */
    static final class MapConverter extends GroupConverter {

        private final Consumer<Object> sink;
        private final GroupConverter keyValue;
        private Map<String, Object> entries;
        private String key;
        private Object value;

        MapConverter(ColumnType valueType, GroupType requested, Consumer<Object> sink, String path, String file) {
            this.sink = sink;
            GroupType keyValueType = requested.getType(0).asGroupType();
            Converter keyConverter = forType(ColumnType.Scalar.STRING, keyValueType.getType(0),
                    k -> key = (String) k, path + "{key}", file);
            Converter valueConverter = forType(valueType, keyValueType.getType(1), v -> value = v, path + "{}", file);
            this.keyValue = new GroupConverter() {
                @Override
                public Converter getConverter(int fieldIndex) {
                    return fieldIndex == 0 ? keyConverter : valueConverter;
                }

                @Override
                public void start() {
                    key = null;
                    value = null;
                }

                @Override
                public void end() {
                    if (key == null) {
                        throw nullValue(file, path + "{key}");
                    }
                    if (value == null) {
                        throw nullValue(file, path + "{}");
                    }
                    entries.put(key, value);
                }
            };
        }

        @Override
        public Converter getConverter(int fieldIndex) {
            return keyValue;
        }

        @Override
        public void start() {
            entries = new LinkedHashMap<>();
        }

        @Override
        public void end() {
            sink.accept(entries);
        }
    }

    /** The repeated middle level of a list; an entry that delivered no element held a null. */
    private static final class RepeatedGroup extends GroupConverter {

        private final IntSupplier size;
        private final Converter element;
        private final String path;
        private final String file;
        private int sizeAtStart;

        RepeatedGroup(IntSupplier size, Converter element, String path, String file) {
            this.size = size;
            this.element = element;
            this.path = path;
            this.file = file;
        }

        @Override
        public Converter getConverter(int fieldIndex) {
            return element;
        }

        @Override
        public void start() {
            sizeAtStart = size.getAsInt();
        }

        @Override
        public void end() {
            if (size.getAsInt() == sizeAtStart) {
                throw nullValue(file, path);
            }
        }
    }

    /**
     * A primitive column. Strings and enum names are decoded once per dictionary entry rather than once
     * per row, which matters for low-cardinality columns such as {@code source} and {@code role}.
     */
    static final class ScalarConverter extends PrimitiveConverter {

        private final ColumnType type;
        private final Consumer<Object> sink;
        private final String path;
        private Object[] dictionary;

        ScalarConverter(ColumnType type, Consumer<Object> sink, String path) {
            this.type = type;
            this.sink = sink;
            this.path = path;
        }

        @Override
        public boolean hasDictionarySupport() {
            return type == ColumnType.Scalar.STRING || type instanceof ColumnType.EnumName;
        }

        @Override
        public void setDictionary(Dictionary parquetDictionary) {
            dictionary = new Object[parquetDictionary.getMaxId() + 1];
            for (int id = 0; id < dictionary.length; id++) {
                dictionary[id] = decode(parquetDictionary.decodeToBinary(id));
            }
        }

        @Override
        public void addValueFromDictionary(int dictionaryId) {
            sink.accept(dictionary[dictionaryId]);
        }

        @Override
        public void addBinary(Binary value) {
            sink.accept(decode(value));
        }

        @Override
        public void addInt(int value) {
            sink.accept(value);
        }

        @Override
        public void addLong(long value) {
            sink.accept(value);
        }

        @Override
        public void addDouble(double value) {
            sink.accept(value);
        }

        @Override
        public void addBoolean(boolean value) {
            sink.accept(value);
        }

        private Object decode(Binary value) {
            String text = value.toStringUsingUTF8();
            return type instanceof ColumnType.EnumName enumName ? enumName.decode(text, path) : text;
        }
    }
}

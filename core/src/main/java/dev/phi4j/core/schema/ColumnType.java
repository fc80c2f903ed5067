package dev.phi4j.core.schema;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The kinds of value a record component may hold, as far as storage is concerned. Parquet, Spark and the
 * generated reference each translate these few cases, so a record needs no per-format code.
 */
public sealed interface ColumnType {

    /** A single primitive value; strings are UTF-8. */
    enum Scalar implements ColumnType {
        STRING, INT, LONG, DOUBLE, BOOLEAN
    }

    /** An enum constant, stored as its lower-case name so files stay readable without the Java enum. */
    record EnumName(Class<?> type, Map<String, Enum<?>> byName) implements ColumnType {

        public EnumName(Class<?> type) {
            this(type, constants(type).stream()
                    .collect(Collectors.toUnmodifiableMap(EnumName::nameOf, Function.identity())));
        }

        /** The stored names, in declaration order. */
        public List<String> names() {
            return constants(type).stream().map(EnumName::nameOf).toList();
        }

        public String encode(Object constant) {
            return nameOf((Enum<?>) constant);
        }

        /** The constant stored as {@code name}; an unknown name is an error listing the known ones. */
        public Enum<?> decode(String name, String column) {
            Enum<?> constant = byName.get(name);
            if (constant == null) {
                throw new IllegalArgumentException("column '" + column + "' holds '" + name + "', which is not a "
                        + type.getSimpleName() + "; expected one of " + names());
            }
            return constant;
        }

        private static List<Enum<?>> constants(Class<?> type) {
            return Arrays.stream(type.getEnumConstants()).<Enum<?>>map(constant -> (Enum<?>) constant).toList();
        }

        private static String nameOf(Enum<?> constant) {
            return constant.name().toLowerCase(Locale.ROOT);
        }
    }

    /** A list; {@code intArray} says the Java side is {@code int[]} rather than a {@code List}. */
    record ListOf(ColumnType element, boolean intArray) implements ColumnType {}

    /** A map with string keys. */
    record MapOf(ColumnType value) implements ColumnType {}

    /** A record inside a record, stored as a group of its own columns. */
    record Nested(RecordSchema<?> schema) implements ColumnType {}
}

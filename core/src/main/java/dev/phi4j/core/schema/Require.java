package dev.phi4j.core.schema;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks shared by the records' compact constructors. Every message names the offending field as
 * {@code Record.component}, because a bad record is usually found far from the code that built it.
 */
final class Require {

    private Require() {}

    static <T> T nonNull(T value, String field) {
        if (value == null) {
            throw new NullPointerException(field + " must not be null");
        }
        return value;
    }

    static String nonBlank(String value, String field) {
        if (nonNull(value, field).isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
        return value;
    }

    static String id(IdKind kind, String id, String field) {
        nonNull(id, field);
        if (!id.startsWith(kind.prefix()) || id.length() == kind.prefix().length()) {
            throw new IllegalArgumentException(field + " must be an id starting with '" + kind.prefix()
                    + "', got '" + id + "'");
        }
        return id;
    }

    /** An unmodifiable copy whose entries each carry a known kind prefix, so a reader can follow them. */
    static List<String> lineage(List<String> lineage, String field) {
        List<String> copy = list(lineage, field);
        for (int i = 0; i < copy.size(); i++) {
            try {
                RecordIds.kindOf(copy.get(i));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(field + "[" + i + "]: " + e.getMessage(), e);
            }
        }
        return copy;
    }

    static <T> List<T> list(List<T> list, String field) {
        nonNull(list, field);
        List<T> copy = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            copy.add(nonNull(list.get(i), field + "[" + i + "]"));
        }
        return Collections.unmodifiableList(copy);
    }

    static <T> List<T> nonEmpty(List<T> list, String field) {
        List<T> copy = list(list, field);
        if (copy.isEmpty()) {
            throw new IllegalArgumentException(field + " must not be empty");
        }
        return copy;
    }

    /**
     * An unmodifiable copy sorted by key: the written column then does not depend on the caller's map
     * implementation, so the same record always produces the same bytes.
     */
    static <V> Map<String, V> map(Map<String, V> map, String field) {
        nonNull(map, field);
        TreeMap<String, V> copy = new TreeMap<>();
        map.forEach((key, value) -> copy.put(nonNull(key, field + " key"), nonNull(value, field + "[" + key + "]")));
        return Collections.unmodifiableMap(copy);
    }

    static int atLeast(int value, int min, String field) {
        if (value < min) {
            throw new IllegalArgumentException(field + " must be ≥ " + min + ", got " + value);
        }
        return value;
    }

    static int between(int value, int min, int max, String field) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + " must be in [" + min + ", " + max + "], got " + value);
        }
        return value;
    }

    static double unitInterval(double value, String field) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(field + " must be in [0, 1], got " + value);
        }
        return value;
    }

    static double finite(double value, String field) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(field + " must be a finite number, got " + value);
        }
        return value;
    }
}

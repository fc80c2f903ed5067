package dev.phi4j.core.config;

import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a config record back into a {@link ConfigNode} tree (for presets that YAML overrides) and
 * into YAML text (for {@code phi4j config show}). Both use the same scalar spelling the binder reads.
 */
public final class RecordTrees {

    private RecordTrees() {}

    public static ConfigNode.Mapping toTree(Record record, Location location) {
        return (ConfigNode.Mapping) toNode(record, record.getClass(), null, location);
    }

    /**
     * {@code declared} is the type the value stands for, {@code listed} the {@link Variants} on its component (or
     * null); a variants interface makes a record carry its tag.
     */
    private static ConfigNode toNode(Object value, Type declared, Variants listed, Location location) {
        Class<?> declaredClass = ConfigKeys.rawClass(declared);
        if (declaredClass == Optional.class) {
            declared = ConfigKeys.typeArgument(declared, 0);
            declaredClass = ConfigKeys.rawClass(declared);
        }
        if (value instanceof Record record) {
            Map<String, ConfigNode> entries = new LinkedHashMap<>();
            Map<String, Location> keys = new LinkedHashMap<>();
            Variants variants = declaredClass.isInterface() ? ConfigKeys.variants(declared, listed) : null;
            if (variants != null) {
                entries.put(variants.key(), new ConfigNode.Scalar(ConfigKeys.tag(record.getClass()), location));
                keys.put(variants.key(), location);
            }
            for (RecordComponent component : record.getClass().getRecordComponents()) {
                Object child = read(component, record);
                if (child instanceof Optional<?> optional) {
                    if (optional.isEmpty()) {
                        continue;
                    }
                    child = optional.get();
                }
                String key = ConfigKeys.yamlKey(component.getName());
                entries.put(key, toNode(child, component.getGenericType(), component.getAnnotation(Variants.class),
                        location));
                keys.put(key, location);
            }
            return new ConfigNode.Mapping(entries, keys, location);
        }
        if (value instanceof List<?> list) {
            List<ConfigNode> items = new ArrayList<>();
            Type element = declaredClass == List.class ? ConfigKeys.typeArgument(declared, 0) : Object.class;
            list.forEach(item -> items.add(toNode(item, element, listed, location)));
            return new ConfigNode.Sequence(items, location);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, ConfigNode> entries = new LinkedHashMap<>();
            Map<String, Location> keys = new LinkedHashMap<>();
            Type valueType = declaredClass == Map.class ? ConfigKeys.typeArgument(declared, 1) : Object.class;
            map.forEach((k, v) -> {
                entries.put(k.toString(), toNode(v, valueType, listed, location));
                keys.put(k.toString(), location);
            });
            return new ConfigNode.Mapping(entries, keys, location);
        }
        return new ConfigNode.Scalar(scalarText(value), location);
    }

    /**
     * YAML for a config record. With {@code origins}, each leaf carries a comment saying where its value
     * came from (file:line, {@code --set}, a preset or a default), like {@code git config --show-origin}.
     */
    public static String toYaml(Record record, Map<String, Location> origins) {
        StringBuilder out = new StringBuilder();
        writeMapping(record, null, "", 0, origins, out);
        return out.toString();
    }

    /** With {@code variants}, the record stands where a variants interface is declared and gets its tag key. */
    private static void writeMapping(Record record, Variants variants, String path, int indent,
                                     Map<String, Location> origins, StringBuilder out) {
        if (variants != null) {
            out.append("  ".repeat(indent)).append(variants.key()).append(": ")
                    .append(quotedScalar(ConfigKeys.tag(record.getClass())));
            appendOrigin(origins.get(ConfigKeys.join(path, variants.key())), out);
        }
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            Object value = read(component, record);
            if (value instanceof Optional<?> optional) {
                if (optional.isEmpty()) {
                    continue;
                }
                value = optional.get();
            }
            String key = ConfigKeys.yamlKey(component.getName());
            String keyPath = ConfigKeys.join(path, key);
            out.append("  ".repeat(indent)).append(key).append(':');
            writeValue(value, component.getGenericType(), component.getAnnotation(Variants.class), keyPath, indent,
                    origins, out);
        }
    }

    /** The value of a key whose {@code key:} is already written; nested blocks go one level deeper. */
    private static void writeValue(Object value, Type declared, Variants listed, String keyPath, int indent,
                                   Map<String, Location> origins, StringBuilder out) {
        Class<?> raw = ConfigKeys.rawClass(declared);
        if (raw == Optional.class) {
            declared = ConfigKeys.typeArgument(declared, 0);
            raw = ConfigKeys.rawClass(declared);
        }
        if (value instanceof Record nested) {
            out.append('\n');
            writeMapping(nested, raw.isInterface() ? ConfigKeys.variants(declared, listed) : null, keyPath,
                    indent + 1, origins, out);
        } else if (value instanceof List<?> list && list.stream().anyMatch(item -> item instanceof Record)) {
            out.append(list.isEmpty() ? " []\n" : "\n");
            for (int i = 0; i < list.size(); i++) {
                // A record item is a mapping written one level deeper, its first line taking the "- " marker.
                StringBuilder item = new StringBuilder();
                writeMapping((Record) list.get(i), ConfigKeys.variants(declared, listed), keyPath + "[" + i + "]",
                        indent + 2, origins, item);
                String text = item.toString();
                if (text.isEmpty()) {
                    out.append("  ".repeat(indent + 1)).append("- {}\n");
                    continue;
                }
                int marker = indent * 2 + 2;
                out.append(text, 0, marker).append("- ").append(text.substring(marker + 2));
            }
        } else if (value instanceof List<?> list) {
            List<String> items = list.stream().map(RecordTrees::quotedScalar).toList();
            out.append(" [").append(String.join(", ", items)).append(']');
            appendOrigin(origins.get(keyPath + "[0]"), out);
        } else if (value instanceof Map<?, ?> map) {
            out.append(map.isEmpty() ? " {}\n" : "\n");
            Type finalDeclared = declared;
            map.forEach((k, v) -> {
                out.append("  ".repeat(indent + 1)).append(k).append(':');
                writeValue(v, ConfigKeys.typeArgument(finalDeclared, 1), listed, keyPath + "." + k, indent + 1,
                        origins, out);
            });
        } else {
            out.append(' ').append(quotedScalar(value));
            appendOrigin(origins.get(keyPath), out);
        }
    }

    private static void appendOrigin(Location origin, StringBuilder out) {
        if (origin != null) {
            out.append("  # ").append(origin);
        }
        out.append('\n');
    }

    static String scalarText(Object value) {
        if (value instanceof Enum<?> constant) {
            return ConfigKeys.enumText(constant);
        }
        if (value instanceof Double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue()) + ".0"
                    : Double.toString(d).replace('E', 'e');
        }
        return String.valueOf(value);
    }

    /** Scalars that YAML would read as something else (empty, numbers-as-strings, ': ') are quoted. */
    private static String quotedScalar(Object value) {
        String text = scalarText(value);
        boolean plainSafe = !(value instanceof String) || text.matches("[A-Za-z_./][A-Za-z0-9_./+-]*")
                && !text.matches("(?i)true|false|yes|no|on|off|null|~");
        return plainSafe ? text : '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static Object read(RecordComponent component, Record record) {
        try {
            return component.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + component.getName() + " of " + record, e);
        }
    }
}

package dev.phi4j.core.config;

import dev.phi4j.core.Doc;

import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Markdown reference of every config key, generated from the records themselves (names, types,
 * defaults, ranges, {@link Doc} lines), so the documentation cannot drift from what the loader accepts.
 */
public final class ConfigReference {

    private ConfigReference() {}

    public static String markdown(Class<? extends Record> root) {
        StringBuilder out = new StringBuilder();
        section(root, null, "", "", out);
        return out.toString();
    }

    /** With {@code tagged}, {@code type} is one of its variants and its table starts with the tag key. */
    private static void section(Class<?> type, Variants tagged, String path, String title, StringBuilder out) {
        if (!path.isEmpty()) {
            out.append("\n### `").append(path).append("`").append(title).append("\n\n");
            Doc doc = type.getAnnotation(Doc.class);
            if (doc != null) {
                out.append(doc.value()).append("\n\n");
            }
        }
        PresetSource presets = type.getAnnotation(PresetSource.class);
        if (presets != null) {
            out.append("Write a preset name (`").append(path).append(": tiny`) or start from one and override keys (`")
                    .append(path).append(": {preset: tiny, n_layers: 4}`).\n\n");
        }
        out.append("| key | type | default | description |\n|---|---|---|---|\n");
        if (tagged != null) {
            out.append("| `").append(ConfigKeys.join(path, tagged.key())).append("` | `").append(ConfigKeys.tag(type))
                    .append("` | required | selects this kind |\n");
        }
        RecordComponent[] components = type.getRecordComponents();
        for (RecordComponent component : components) {
            String key = ConfigKeys.yamlKey(component.getName());
            Doc doc = component.getAnnotation(Doc.class);
            out.append("| `").append(ConfigKeys.join(path, key)).append("` | ")
                    .append(typeText(component.getGenericType(), component.getAnnotation(Range.class),
                            component.getAnnotation(Variants.class))).append(" | ")
                    .append(defaultText(component)).append(" | ")
                    .append(doc == null ? "" : doc.value().replace("|", "\\|")).append(" |\n");
        }
        if (presets != null) {
            presetTable(presets, components, out);
        }
        for (RecordComponent component : components) {
            String key = ConfigKeys.join(path, ConfigKeys.yamlKey(component.getName()));
            Type element = component.getGenericType();
            if (ConfigKeys.rawClass(element) == List.class || ConfigKeys.rawClass(element) == Map.class) {
                element = ConfigKeys.typeArgument(element, ConfigKeys.rawClass(element) == List.class ? 0 : 1);
                key += ConfigKeys.rawClass(component.getGenericType()) == List.class ? "[]" : ".*";
            }
            Class<?> raw = ConfigKeys.rawClass(element);
            Variants variants = ConfigKeys.variants(component.getGenericType(), component.getAnnotation(Variants.class));
            if (raw.isRecord()) {
                section(raw, null, key, "", out);
            } else if (variants != null) {
                for (Class<? extends Record> variant : variants.value()) {
                    section(variant, variants, key, " with `" + variants.key() + ": " + ConfigKeys.tag(variant) + "`",
                            out);
                }
            }
        }
    }

    private static void presetTable(PresetSource source, RecordComponent[] components, StringBuilder out) {
        Presets<?> presets;
        try {
            presets = (Presets<?>) source.value().getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        out.append("\nPresets:\n\n| key |");
        presets.names().forEach(name -> out.append(" `").append(name).append("` |"));
        out.append("\n|---|");
        presets.names().forEach(name -> out.append("---|"));
        out.append('\n');
        List<Map<String, ConfigNode>> trees = presets.names().stream()
                .map(name -> RecordTrees.toTree(presets.find(name), Location.preset(name)).entries())
                .toList();
        for (RecordComponent component : components) {
            String key = ConfigKeys.yamlKey(component.getName());
            out.append("| `").append(key).append("` |");
            trees.forEach(tree -> out.append(' ').append(inline(tree.get(key))).append(" |"));
            out.append('\n');
        }
    }

    /** A preset's value in one table cell: a scalar as written, a nested record or list in YAML's flow style. */
    private static String inline(ConfigNode node) {
        if (node instanceof ConfigNode.Scalar scalar) {
            return scalar.text();
        }
        if (node instanceof ConfigNode.Sequence sequence) {
            return sequence.items().stream().map(ConfigReference::inline)
                    .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
        }
        return ((ConfigNode.Mapping) node).entries().entrySet().stream()
                .map(entry -> entry.getKey() + ": " + inline(entry.getValue()))
                .collect(java.util.stream.Collectors.joining(", ", "{", "}"));
    }

    private static String typeText(Type type, Range range, Variants listed) {
        Class<?> raw = ConfigKeys.rawClass(type);
        String text;
        if (raw == Optional.class) {
            return typeText(ConfigKeys.typeArgument(type, 0), range, listed) + ", optional";
        } else if (raw == List.class) {
            text = "list of " + typeText(ConfigKeys.typeArgument(type, 0), null, listed);
        } else if (raw == Map.class) {
            text = "map of " + typeText(ConfigKeys.typeArgument(type, 1), null, listed);
        } else if (raw.isRecord()) {
            text = "section";
        } else if (raw.isInterface() && ConfigKeys.variants(type, listed) != null) {
            Variants variants = ConfigKeys.variants(type, listed);
            text = "section with " + variants.key() + ": " + String.join(" \\| ", ConfigKeys.tags(variants));
        } else if (raw.isEnum()) {
            text = RecordBinder.enumChoices(raw).replace("|", "\\|");
        } else {
            text = raw == int.class || raw == long.class || raw == Integer.class || raw == Long.class ? "integer"
                    : raw == double.class || raw == Double.class ? "number"
                    : raw == boolean.class || raw == Boolean.class ? "boolean"
                    : raw == java.nio.file.Path.class ? "path" : "string";
        }
        if (range != null) {
            boolean hasMin = range.min() != Double.NEGATIVE_INFINITY;
            boolean hasMax = range.max() != Double.POSITIVE_INFINITY;
            if (hasMin && hasMax) {
                text += " in [" + number(range.min()) + ", " + number(range.max()) + "]";
            } else if (hasMin) {
                text += " ≥ " + number(range.min());
            } else if (hasMax) {
                text += " ≤ " + number(range.max());
            }
        }
        return text;
    }

    private static String defaultText(RecordComponent component) {
        Default fallback = component.getAnnotation(Default.class);
        if (fallback != null) {
            return "`" + fallback.value() + "`";
        }
        if (component.getType().isRecord() || component.getType() == Optional.class) {
            return "";
        }
        return "required";
    }

    private static String number(double value) {
        return value == Math.rint(value) ? String.format("%,d", (long) value) : Double.toString(value);
    }
}

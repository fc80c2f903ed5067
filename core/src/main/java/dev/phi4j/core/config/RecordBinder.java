package dev.phi4j.core.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Binds a {@link ConfigNode} tree onto Java records: every YAML key is a record component (in
 * snake_case), unknown keys, wrong types and out-of-range values are errors with the file, line and
 * full key path. Records validate cross-field rules in their compact constructors by throwing
 * {@link IllegalArgumentException}; those become config errors at the record's location.
 */
public final class RecordBinder {

    private final Map<String, Location> origins = new LinkedHashMap<>();

    private RecordBinder() {}

    /** A bound config and, for every leaf key path, where its value came from. */
    public record Bound<R>(R value, Map<String, Location> origins) {}

    public static <R extends Record> Bound<R> bind(ConfigNode.Mapping root, Class<R> type) {
        RecordBinder binder = new RecordBinder();
        R value = binder.bindRecord(root, type, "");
        return new Bound<>(value, java.util.Collections.unmodifiableMap(binder.origins));
    }

    private <R> R bindRecord(ConfigNode node, Class<R> type, String path) {
        ConfigNode.Mapping mapping = resolvePreset(node, type, path);
        List<RecordComponent> components = Arrays.asList(type.getRecordComponents());
        List<String> keys = components.stream().map(c -> ConfigKeys.yamlKey(c.getName())).toList();
        for (String written : mapping.entries().keySet()) {
            if (!keys.contains(written)) {
                String hint = ConfigKeys.closest(written, keys).map(k -> " (did you mean '" + k + "'?)").orElse("");
                throw new ConfigException(mapping.keyLocation(written), ConfigKeys.join(path, written),
                        "unknown key" + hint + "; valid keys here: " + String.join(", ", keys));
            }
        }
        Object[] arguments = new Object[components.size()];
        for (int i = 0; i < components.size(); i++) {
            RecordComponent component = components.get(i);
            String key = keys.get(i);
            arguments[i] = bindComponent(mapping, type, component, key, ConfigKeys.join(path, key));
        }
        return construct(type, arguments, mapping.location(), path);
    }

    private Object bindComponent(ConfigNode.Mapping mapping, Class<?> owner, RecordComponent component,
                                 String key, String path) {
        ConfigNode node = mapping.entries().get(key);
        Type type = component.getGenericType();
        if (node == null) {
            Default fallback = component.getAnnotation(Default.class);
            if (fallback != null) {
                node = YamlTreeReader.readValue(fallback.value(), Location.defaultValue(owner));
            } else if (component.getType().isRecord()) {
                node = ConfigNode.Mapping.empty(mapping.location());
            } else if (ConfigKeys.isOptional(type)) {
                return Optional.empty();
            } else {
                throw new ConfigException(mapping.location(), path, "required key is missing");
            }
        }
        Object value = bindValue(node, type, component.getAnnotation(Variants.class), path);
        Range range = component.getAnnotation(Range.class);
        if (range != null && value instanceof Number number) {
            double x = number.doubleValue();
            if (x < range.min() || x > range.max()) {
                throw new ConfigException(node.location(), path,
                        "must be in [" + bound(range.min()) + ", " + bound(range.max()) + "], got " + scalarText(node));
            }
        }
        return value;
    }

    /** {@code listed}: the {@link Variants} on the component the value belongs to, or null. */
    private Object bindValue(ConfigNode node, Type type, Variants listed, String path) {
        Class<?> raw = ConfigKeys.rawClass(type);
        if (raw == Optional.class) {
            boolean absent = node instanceof ConfigNode.Scalar scalar && scalar.text() == null;
            return absent ? Optional.empty()
                    : Optional.of(bindValue(node, ConfigKeys.typeArgument(type, 0), listed, path));
        }
        if (raw.isRecord()) {
            return bindRecord(node, raw, path);
        }
        Variants variants = raw == List.class || raw == Map.class ? null : ConfigKeys.variants(type, listed);
        if (variants != null) {
            return bindVariant(node, variants, path);
        }
        if (raw == List.class) {
            if (!(node instanceof ConfigNode.Sequence sequence)) {
                throw new ConfigException(node.location(), path, "expects a list, got " + describe(node));
            }
            List<Object> items = new ArrayList<>();
            for (int i = 0; i < sequence.items().size(); i++) {
                items.add(bindValue(sequence.items().get(i), ConfigKeys.typeArgument(type, 0), listed,
                        path + "[" + i + "]"));
            }
            return List.copyOf(items);
        }
        if (raw == Map.class) {
            if (!(node instanceof ConfigNode.Mapping mapping)) {
                throw new ConfigException(node.location(), path, "expects a mapping, got " + describe(node));
            }
            Map<String, Object> entries = new LinkedHashMap<>();
            mapping.entries().forEach((k, v) ->
                    entries.put(k, bindValue(v, ConfigKeys.typeArgument(type, 1), listed, ConfigKeys.join(path, k))));
            return java.util.Collections.unmodifiableMap(entries);
        }
        if (!(node instanceof ConfigNode.Scalar scalar)) {
            throw new ConfigException(node.location(), path, "expects " + typeName(raw) + ", got " + describe(node));
        }
        if (scalar.text() == null) {
            throw new ConfigException(node.location(), path, "expects " + typeName(raw) + ", got null");
        }
        origins.put(path, node.location());
        return convertScalar(scalar, raw, path);
    }

    private static Object convertScalar(ConfigNode.Scalar scalar, Class<?> type, String path) {
        String text = scalar.text().trim();
        try {
            if (type == String.class) {
                return scalar.text();
            }
            if (type == int.class || type == Integer.class) {
                return Math.toIntExact(Long.parseLong(text.replace("_", "")));
            }
            if (type == long.class || type == Long.class) {
                return Long.parseLong(text.replace("_", ""));
            }
            if (type == double.class || type == Double.class) {
                double value = Double.parseDouble(text.replace("_", ""));
                if (Double.isNaN(value) || Double.isInfinite(value)) {
                    throw new NumberFormatException();
                }
                return value;
            }
            if (type == boolean.class || type == Boolean.class) {
                return switch (text.toLowerCase(Locale.ROOT)) {
                    case "true", "yes", "on" -> true;
                    case "false", "no", "off" -> false;
                    default -> throw new IllegalArgumentException();
                };
            }
            if (type == Path.class) {
                return Path.of(text);
            }
            if (type.isEnum()) {
                return enumValue(type, text, scalar.location(), path);
            }
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new ConfigException(scalar.location(), path, "expects " + typeName(type) + ", got '" + text + "'");
        }
        throw new IllegalStateException("config type " + type.getName() + " at " + path + " is not supported");
    }

    private static Object enumValue(Class<?> type, String text, Location location, String path) {
        String wanted = text.replace('-', '_');
        for (Object constant : type.getEnumConstants()) {
            if (((Enum<?>) constant).name().equalsIgnoreCase(wanted)) {
                return constant;
            }
        }
        throw new ConfigException(location, path, "expects one of " + enumChoices(type) + ", got '" + text + "'");
    }

    /** A tagged mapping, e.g. {@code {stage: clean, min_chars: 200}}: the tag picks the record, the rest binds to it. */
    private Object bindVariant(ConfigNode node, Variants variants, String path) {
        List<String> tags = ConfigKeys.tags(variants);
        String choices = variants.key() + ": " + String.join(" | ", tags);
        if (!(node instanceof ConfigNode.Mapping mapping)) {
            throw new ConfigException(node.location(), path, "expects a mapping with " + choices + ", got " + describe(node));
        }
        String tagPath = ConfigKeys.join(path, variants.key());
        ConfigNode tagNode = mapping.entries().get(variants.key());
        if (tagNode == null) {
            throw new ConfigException(mapping.location(), tagPath, "required key is missing; expects " + choices);
        }
        if (!(tagNode instanceof ConfigNode.Scalar scalar) || scalar.text() == null) {
            throw new ConfigException(tagNode.location(), tagPath, "expects " + choices + ", got " + describe(tagNode));
        }
        String tag = scalar.text().trim();
        Class<? extends Record> chosen = ConfigKeys.variant(variants, tag).orElseThrow(() -> {
            String hint = ConfigKeys.closest(tag, tags).map(k -> " (did you mean '" + k + "'?)").orElse("");
            return new ConfigException(tagNode.location(), tagPath,
                    "unknown " + variants.key() + " '" + tag + "'" + hint + "; expects " + String.join(" | ", tags));
        });
        origins.put(tagPath, tagNode.location());
        return bindRecord(mapping.without(variants.key()), chosen, path);
    }

    static String enumChoices(Class<?> type) {
        return Arrays.stream(type.getEnumConstants())
                .map(c -> ConfigKeys.enumText((Enum<?>) c))
                .collect(Collectors.joining(" | "));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private ConfigNode.Mapping resolvePreset(ConfigNode node, Class<?> type, String path) {
        PresetSource source = type.getAnnotation(PresetSource.class);
        if (source == null) {
            if (node instanceof ConfigNode.Mapping mapping) {
                return mapping;
            }
            throw new ConfigException(node.location(), path, "expects a mapping, got " + describe(node));
        }
        Presets presets = instantiate(source.value());
        if (node instanceof ConfigNode.Scalar scalar && scalar.text() != null) {
            return presetTree(presets, scalar.text(), scalar.location(), path);
        }
        if (!(node instanceof ConfigNode.Mapping mapping)) {
            throw new ConfigException(node.location(), path,
                    "expects a preset name (" + String.join(", ", presets.names()) + ") or a mapping, got " + describe(node));
        }
        ConfigNode presetName = mapping.entries().get(ConfigKeys.PRESET);
        if (presetName == null) {
            return mapping;
        }
        String keyPath = ConfigKeys.join(path, ConfigKeys.PRESET);
        if (!(presetName instanceof ConfigNode.Scalar scalar) || scalar.text() == null) {
            throw new ConfigException(presetName.location(), keyPath, "expects a preset name, got " + describe(presetName));
        }
        return presetTree(presets, scalar.text(), scalar.location(), keyPath).overlay(mapping.without(ConfigKeys.PRESET));
    }

    private static ConfigNode.Mapping presetTree(Presets<?> presets, String name, Location location, String path) {
        Record preset = presets.find(name);
        if (preset == null) {
            throw new ConfigException(location, path,
                    "unknown preset '" + name + "'; presets: " + String.join(", ", presets.names()));
        }
        return RecordTrees.toTree(preset, Location.preset(name));
    }

    private static Presets<?> instantiate(Class<?> type) {
        try {
            return (Presets<?>) type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("preset registry " + type.getName() + " needs a public no-arg constructor", e);
        }
    }

    private <R> R construct(Class<R> type, Object[] arguments, Location location, String path) {
        Class<?>[] parameterTypes = Arrays.stream(type.getRecordComponents())
                .map(RecordComponent::getType).toArray(Class<?>[]::new);
        try {
            Constructor<R> constructor = type.getDeclaredConstructor(parameterTypes);
            return constructor.newInstance(arguments);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof InvalidConfigValue invalid) {
                String key = ConfigKeys.join(path, invalid.key());
                throw new ConfigException(origins.getOrDefault(key, location), key, invalid.getMessage());
            }
            if (e.getCause() instanceof IllegalArgumentException invalid) {
                throw new ConfigException(location, path, invalid.getMessage());
            }
            throw new IllegalStateException("cannot build " + type.getSimpleName() + " at " + path, e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type.getSimpleName() + " at " + path, e);
        }
    }

    static String typeName(Class<?> type) {
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "an integer";
        }
        if (type == double.class || type == Double.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == Path.class) {
            return "a path";
        }
        if (type.isEnum()) {
            return "one of " + enumChoices(type);
        }
        return "a string";
    }

    private static String describe(ConfigNode node) {
        if (node instanceof ConfigNode.Mapping) {
            return "a mapping";
        }
        if (node instanceof ConfigNode.Sequence) {
            return "a list";
        }
        String text = ((ConfigNode.Scalar) node).text();
        return text == null ? "null" : "'" + text + "'";
    }

    private static String scalarText(ConfigNode node) {
        return node instanceof ConfigNode.Scalar scalar ? scalar.text() : describe(node);
    }

    private static String bound(double value) {
        return value == Math.rint(value) && !Double.isInfinite(value) ? Long.toString((long) value) : Double.toString(value);
    }
}

package dev.phi4j.core.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed configuration tree that remembers where every value was written, so that binding errors
 * and {@code config show --origins} can point at a file and line. Scalars keep their source text;
 * the binder converts them by the target field's type.
 */
public sealed interface ConfigNode {

    Location location();

    /** A plain value as written, e.g. {@code 3e-4}, {@code tiny}, {@code true}; null for YAML null. */
    record Scalar(String text, Location location) implements ConfigNode {}

    record Sequence(List<ConfigNode> items, Location location) implements ConfigNode {
        public Sequence {
            items = List.copyOf(items);
        }
    }

    /** Keys keep their written order; each key remembers its own line for "unknown key" errors. */
    record Mapping(Map<String, ConfigNode> entries, Map<String, Location> keyLocations, Location location)
            implements ConfigNode {
        public Mapping {
            entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
            keyLocations = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(keyLocations));
        }

        public static Mapping empty(Location location) {
            return new Mapping(Map.of(), Map.of(), location);
        }

        public Location keyLocation(String key) {
            return keyLocations.getOrDefault(key, location);
        }

        /** Deep merge: maps merge key by key, anything else in {@code over} replaces what is here. */
        public Mapping overlay(Mapping over) {
            Map<String, ConfigNode> merged = new LinkedHashMap<>(entries);
            Map<String, Location> mergedKeys = new LinkedHashMap<>(keyLocations);
            over.entries.forEach((key, value) -> {
                ConfigNode base = merged.get(key);
                merged.put(key, merge(base, value));
                mergedKeys.put(key, over.keyLocation(key));
            });
            return new Mapping(merged, mergedKeys, over.location);
        }

        /**
         * A mapping written over a scalar keeps the scalar as its {@code preset}, so that
         * {@code model: tiny} with {@code --set model.n_layers=4} means "tiny with four layers".
         */
        private static ConfigNode merge(ConfigNode base, ConfigNode over) {
            if (over instanceof Mapping overMap) {
                if (base instanceof Mapping baseMap) {
                    return baseMap.overlay(overMap);
                }
                if (base instanceof Scalar scalar && scalar.text() != null && !overMap.entries().containsKey("preset")) {
                    Map<String, ConfigNode> preset = new LinkedHashMap<>();
                    preset.put("preset", scalar);
                    return new Mapping(preset, Map.of("preset", scalar.location()), scalar.location()).overlay(overMap);
                }
            }
            return over;
        }

        public Mapping without(String key) {
            Map<String, ConfigNode> rest = new LinkedHashMap<>(entries);
            rest.remove(key);
            Map<String, Location> restKeys = new LinkedHashMap<>(keyLocations);
            restKeys.remove(key);
            return new Mapping(rest, restKeys, location);
        }
    }
}

package dev.phi4j.core.config;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads a YAML config onto a record type: follows {@code extends:} (paths relative to the file that
 * names them; later files override earlier ones), applies {@code --set key.path=value} overrides, and
 * binds with full validation, so every error surfaces before any work starts.
 */
public final class ConfigLoader {

    private ConfigLoader() {}

    /** A loaded config, where each value came from, and the files that were read (root last). */
    public record Loaded<R extends Record>(R config, Map<String, Location> origins, List<Path> files) {

        public String toYaml(boolean withOrigins) {
            return RecordTrees.toYaml(config, withOrigins ? origins : Map.of());
        }
    }

    public static <R extends Record> Loaded<R> load(Path file, List<String> overrides, Class<R> type) {
        List<Path> files = new java.util.ArrayList<>();
        ConfigNode.Mapping tree = readWithExtends(file, new ArrayDeque<>(), files);
        for (String assignment : overrides) {
            tree = tree.overlay(parseOverride(assignment));
        }
        RecordBinder.Bound<R> bound = RecordBinder.bind(tree, type);
        return new Loaded<>(bound.value(), bound.origins(), List.copyOf(files));
    }

    /**
     * Binds only the top-level sections of {@code file} that {@code type} has components for, e.g. the
     * {@code tokenizer:} of a run config read by another command; the file's other sections are not checked.
     */
    public static <R extends Record> Loaded<R> loadSections(Path file, Class<R> type) {
        List<Path> files = new java.util.ArrayList<>();
        ConfigNode.Mapping tree = readWithExtends(file, new ArrayDeque<>(), files);
        List<String> wanted = java.util.Arrays.stream(type.getRecordComponents())
                .map(c -> ConfigKeys.yamlKey(c.getName())).toList();
        for (String key : List.copyOf(tree.entries().keySet())) {
            if (!wanted.contains(key)) {
                tree = tree.without(key);
            }
        }
        RecordBinder.Bound<R> bound = RecordBinder.bind(tree, type);
        return new Loaded<>(bound.value(), bound.origins(), List.copyOf(files));
    }

    private static ConfigNode.Mapping readWithExtends(Path file, Deque<Path> chain, List<Path> files) {
        Path normalized = file.toAbsolutePath().normalize();
        if (chain.contains(normalized)) {
            throw new ConfigException(new Location(file.toString(), 0, 0), ConfigKeys.EXTENDS,
                    "extends itself through " + chain);
        }
        ConfigNode.Mapping tree = YamlTreeReader.readFile(file);
        ConfigNode parents = tree.entries().get(ConfigKeys.EXTENDS);
        if (parents == null) {
            files.add(file);
            return tree;
        }
        chain.push(normalized);
        List<ConfigNode> names = parents instanceof ConfigNode.Sequence sequence ? sequence.items() : List.of(parents);
        ConfigNode.Mapping merged = null;
        for (ConfigNode name : names) {
            if (!(name instanceof ConfigNode.Scalar scalar) || scalar.text() == null) {
                throw new ConfigException(name.location(), ConfigKeys.EXTENDS, "expects a file name or a list of them");
            }
            Path parentFile = resolveSibling(file, scalar.text());
            ConfigNode.Mapping parent;
            try {
                parent = readWithExtends(parentFile, chain, files);
            } catch (ConfigException e) {
                if (e.location().line() == 0 && e.location().source().equals(parentFile.toString())) {
                    throw new ConfigException(scalar.location(), ConfigKeys.EXTENDS, e.getMessage());
                }
                throw e;
            }
            merged = merged == null ? parent : merged.overlay(parent);
        }
        chain.pop();
        files.add(file);
        return merged.overlay(tree.without(ConfigKeys.EXTENDS));
    }

    private static Path resolveSibling(Path file, String name) {
        Path parent = file.toAbsolutePath().getParent();
        Path relative = Path.of(name);
        Path resolved = relative.isAbsolute() ? relative : parent.resolve(relative).normalize();
        Path cwd = Path.of("").toAbsolutePath();
        return resolved.startsWith(cwd) ? cwd.relativize(resolved) : resolved;
    }

    /** {@code trainer.optimizer.lr=3e-4} → a tree holding just that value, located at the override. */
    static ConfigNode.Mapping parseOverride(String assignment) {
        int equals = assignment.indexOf('=');
        Location location = Location.override(assignment);
        if (equals <= 0) {
            throw new ConfigException(location, "", "expects key.path=value");
        }
        String[] keys = assignment.substring(0, equals).trim().split("\\.");
        ConfigNode node = YamlTreeReader.readValue(assignment.substring(equals + 1), location);
        for (int i = keys.length - 1; i >= 0; i--) {
            if (keys[i].isBlank()) {
                throw new ConfigException(location, "", "empty key segment in '" + assignment.substring(0, equals) + "'");
            }
            Map<String, ConfigNode> entries = new LinkedHashMap<>();
            entries.put(keys[i], node);
            node = new ConfigNode.Mapping(entries, Map.of(keys[i], location), location);
        }
        return (ConfigNode.Mapping) node;
    }
}

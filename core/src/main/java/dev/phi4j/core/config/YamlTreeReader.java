package dev.phi4j.core.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads YAML into a {@link ConfigNode} tree with a line and column for every key and value.
 * Jackson's tree model drops locations, so this walks the streaming parser instead.
 */
public final class YamlTreeReader {

    private static final YAMLFactory YAML = new YAMLFactory();

    private YamlTreeReader() {}

    public static ConfigNode.Mapping readFile(Path file) {
        String name = file.toString();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(new Location(name, 0, 0), "", "config file not found");
        } catch (IOException e) {
            throw new ConfigException(new Location(name, 0, 0), "", "cannot read config file: " + e.getMessage());
        }
        return readDocument(new StringReader(text), name);
    }

    /** Parses a whole document, which must be a mapping (or empty). */
    public static ConfigNode.Mapping readDocument(Reader reader, String sourceName) {
        try (JsonParser parser = YAML.createParser(reader)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return ConfigNode.Mapping.empty(new Location(sourceName, 1, 1));
            }
            ConfigNode root = readValue(parser, sourceName, "", new HashMap<>());
            if (!(root instanceof ConfigNode.Mapping mapping)) {
                throw new ConfigException(root.location(), "", "a config file must be a mapping of keys to values");
            }
            return mapping;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            Location where = at == null ? new Location(sourceName, 0, 0)
                    : new Location(sourceName, at.getLineNr(), at.getColumnNr());
            throw new ConfigException(where, "", "invalid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException(new Location(sourceName, 0, 0), "", "cannot read YAML: " + e.getMessage());
        }
    }

    /** Parses one YAML value written on the command line, e.g. the right side of {@code --set key=value}. */
    public static ConfigNode readValue(String text, Location location) {
        try (JsonParser parser = YAML.createParser(new StringReader(text))) {
            if (parser.nextToken() == null) {
                return new ConfigNode.Scalar(null, location);
            }
            return relocate(readValue(parser, location.source(), "", new HashMap<>()), location);
        } catch (IOException e) {
            throw new ConfigException(location, "", "invalid value: " + e.getMessage());
        }
    }

    /**
     * The value at the parser's current token. A value with an anchor ({@code &name}) is remembered so that a later
     * alias ({@code *name}) reads as the same value: a config can write a teacher panel once and name it in many
     * stages. Only mappings and lists carry anchors: the YAML parser does not report anchors on single values.
     */
    private static ConfigNode readValue(JsonParser parser, String source, String path, Map<String, ConfigNode> anchors)
            throws IOException {
        YAMLParser yaml = (YAMLParser) parser;
        if (yaml.isCurrentAlias()) {
            ConfigNode anchored = anchors.get(parser.getText());
            if (anchored == null) {
                throw new ConfigException(locationOf(parser, source), path, "*" + parser.getText()
                        + " refers to no anchor written before it (&" + parser.getText() + " on a mapping or a list; "
                        + "anchors on single values are not supported)");
            }
            return anchored;
        }
        String anchor = yaml.getObjectId();
        ConfigNode value = readNode(parser, source, path, anchors);
        if (anchor != null) {
            anchors.put(anchor, value);
        }
        return value;
    }

    private static ConfigNode readNode(JsonParser parser, String source, String path, Map<String, ConfigNode> anchors)
            throws IOException {
        Location here = locationOf(parser, source);
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT -> {
                Map<String, ConfigNode> entries = new LinkedHashMap<>();
                Map<String, Location> keyLocations = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    Location keyLocation = locationOf(parser, source);
                    String keyPath = path.isEmpty() ? key : path + "." + key;
                    if (entries.containsKey(key)) {
                        throw new ConfigException(keyLocation, keyPath,
                                "duplicate key (first written at line " + keyLocations.get(key).line() + ")");
                    }
                    parser.nextToken();
                    entries.put(key, readValue(parser, source, keyPath, anchors));
                    keyLocations.put(key, keyLocation);
                }
                return new ConfigNode.Mapping(entries, keyLocations, here);
            }
            case START_ARRAY -> {
                List<ConfigNode> items = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(readValue(parser, source, path + "[" + items.size() + "]", anchors));
                }
                return new ConfigNode.Sequence(items, here);
            }
            case VALUE_NULL -> {
                return new ConfigNode.Scalar(null, here);
            }
            default -> {
                return new ConfigNode.Scalar(parser.getText(), here);
            }
        }
    }

    private static Location locationOf(JsonParser parser, String source) {
        JsonLocation at = parser.currentTokenLocation();
        return new Location(source, at.getLineNr(), at.getColumnNr());
    }

    private static ConfigNode relocate(ConfigNode node, Location location) {
        if (node instanceof ConfigNode.Scalar scalar) {
            return new ConfigNode.Scalar(scalar.text(), location);
        }
        if (node instanceof ConfigNode.Sequence sequence) {
            return new ConfigNode.Sequence(
                    sequence.items().stream().map(item -> relocate(item, location)).toList(), location);
        }
        ConfigNode.Mapping mapping = (ConfigNode.Mapping) node;
        Map<String, ConfigNode> entries = new LinkedHashMap<>();
        Map<String, Location> keys = new LinkedHashMap<>();
        mapping.entries().forEach((key, value) -> {
            entries.put(key, relocate(value, location));
            keys.put(key, location);
        });
        return new ConfigNode.Mapping(entries, keys, location);
    }
}

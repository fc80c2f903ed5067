package dev.phi4j.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Config records as JSON (checkpoints, manifests) with the same snake_case keys and scalar spelling as YAML, read
 * back through {@link RecordBinder}: a record stored in JSON is validated exactly like one written in a config file.
 */
public final class ConfigJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ConfigJson() {}

    public static ObjectNode toJson(Record record) {
        return (ObjectNode) treeToJson(RecordTrees.toTree(record, Location.defaultValue(record.getClass())));
    }

    /** Binds {@code json} to {@code type}; errors name {@code source} (the file it came from) and the key. */
    public static <R extends Record> R fromJson(JsonNode json, Class<R> type, String source) {
        ConfigNode node = toNode(json, Location.file(source, 0, 0));
        if (!(node instanceof ConfigNode.Mapping mapping)) {
            throw new ConfigException(Location.file(source, 0, 0), "", "expects a JSON object for "
                    + type.getSimpleName());
        }
        return RecordBinder.bind(mapping, type).value();
    }

    private static JsonNode treeToJson(ConfigNode node) {
        if (node instanceof ConfigNode.Mapping mapping) {
            ObjectNode object = NODES.objectNode();
            mapping.entries().forEach((key, value) -> object.set(key, treeToJson(value)));
            return object;
        }
        if (node instanceof ConfigNode.Sequence sequence) {
            ArrayNode array = NODES.arrayNode();
            sequence.items().forEach(item -> array.add(treeToJson(item)));
            return array;
        }
        String text = ((ConfigNode.Scalar) node).text();
        if (text == null) {
            return NODES.nullNode();
        }
        if (text.matches("-?\\d{1,18}")) {
            return NODES.numberNode(Long.parseLong(text));
        }
        if (text.matches("-?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
            return NODES.numberNode(Double.parseDouble(text));
        }
        if (text.equals("true") || text.equals("false")) {
            return NODES.booleanNode(Boolean.parseBoolean(text));
        }
        return NODES.textNode(text);
    }

    private static ConfigNode toNode(JsonNode json, Location location) {
        if (json.isObject()) {
            Map<String, ConfigNode> entries = new LinkedHashMap<>();
            Map<String, Location> keys = new LinkedHashMap<>();
            json.fields().forEachRemaining(e -> {
                entries.put(e.getKey(), toNode(e.getValue(), location));
                keys.put(e.getKey(), location);
            });
            return new ConfigNode.Mapping(entries, keys, location);
        }
        if (json.isArray()) {
            List<ConfigNode> items = new ArrayList<>();
            json.forEach(item -> items.add(toNode(item, location)));
            return new ConfigNode.Sequence(items, location);
        }
        return new ConfigNode.Scalar(json.isNull() ? null : json.asText(), location);
    }
}

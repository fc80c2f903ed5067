package dev.phi4j.pipeline.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phi4j.pipeline.stage.ManifestJson;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The records of the sample browser, by id: documents (stage examples and the documents of packed rows), packed
 * sequences, seeds, synthetic samples, teacher calls — anything a manifest describes — each with its parents' ids,
 * so the browser can walk from a training sequence back through its documents and their lineage to the source file,
 * seed and teacher call. Written into the page as JSON.
 */
final class RecordIndex {

    private final Map<String, ObjectNode> records = new LinkedHashMap<>();

    /**
     * Adds or completes a record: fields of a record seen twice are merged (the first value of a field wins), and
     * parents are united.
     */
    ObjectNode add(String id, String type, String title) {
        ObjectNode record = records.get(id);
        if (record == null) {
            record = ManifestJson.MAPPER.createObjectNode();
            record.put("id", id);
            record.put("type", type);
            record.put("title", title);
            record.putObject("fields");
            record.putArray("parents");
            records.put(id, record);
        }
        return record;
    }

    static void field(ObjectNode record, String key, String value) {
        ObjectNode fields = (ObjectNode) record.get("fields");
        if (value != null && !value.isEmpty() && !fields.has(key)) {
            fields.put(key, value);
        }
    }

    static void text(ObjectNode record, String text) {
        if (!record.has("text") && text != null) {
            record.put("text", text);
        }
    }

    /** Text in runs, each inside or outside the loss: {@code [{"text": ..., "loss": true}]}. */
    static void runs(ObjectNode record, JsonNode runs) {
        if (!record.has("runs") && runs != null && runs.isArray()) {
            record.set("runs", runs);
        }
    }

    static void parent(ObjectNode record, String parent) {
        if (parent == null || parent.isEmpty()) {
            return;
        }
        ArrayNode parents = (ArrayNode) record.get("parents");
        for (JsonNode existing : parents) {
            if (existing.asText().equals(parent)) {
                return;
            }
        }
        parents.add(parent);
    }

    static void parents(ObjectNode record, JsonNode ids) {
        for (JsonNode id : ids) {
            parent(record, id.asText());
        }
    }

    static void fields(ObjectNode record, JsonNode object) {
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            field(record, entry.getKey(), entry.getValue().isValueNode() ? entry.getValue().asText()
                    : entry.getValue().toString());
        }
    }

    int size() {
        return records.size();
    }

    List<ObjectNode> all() {
        return List.copyOf(records.values());
    }

    /** The index as JSON safe to put inside a {@code <script>} element. */
    String json() {
        ArrayNode array = ManifestJson.MAPPER.createArrayNode();
        records.values().forEach(array::add);
        return safeForScript(array.toString());
    }

    static String safeForScript(String json) {
        return json.replace("</", "<\\/").replace("<!--", "<\\!--").replace("\u2028", "\\u2028")
                .replace("\u2029", "\\u2029");
    }
}

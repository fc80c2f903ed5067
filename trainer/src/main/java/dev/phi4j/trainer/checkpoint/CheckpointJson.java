package dev.phi4j.trainer.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The JSON files a checkpoint folder describes itself with ({@code model.json}, {@code training.json}): each opens
 * with its format and version, checked on read, so a file of another kind or version fails naming itself.
 */
public final class CheckpointJson {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CheckpointJson() {}

    /** A new description that starts with {@code format} and {@code version}. */
    public static ObjectNode start(String format, int version) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", format);
        root.put("version", version);
        return root;
    }

    public static void write(Path file, ObjectNode root) throws IOException {
        Files.writeString(file, JSON.writeValueAsString(root) + "\n");
    }

    /** Reads {@code file}, which must be of {@code format} and {@code version}; a missing file throws its I/O error. */
    public static JsonNode read(Path file, String format, int version) throws IOException {
        JsonNode root = JSON.readTree(Files.readString(file));
        if (!format.equals(root.path("format").asText()) || root.path("version").asInt() != version) {
            throw new IllegalArgumentException(file + ": not a " + format + " version " + version + " file");
        }
        return root;
    }

    /** {@code root.key}, which {@code file} must hold. */
    public static JsonNode required(JsonNode root, String key, Path file) {
        JsonNode value = root.get(key);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException(file + ": lacks '" + key + "'");
        }
        return value;
    }
}

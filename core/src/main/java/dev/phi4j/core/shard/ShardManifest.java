package dev.phi4j.core.shard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phi4j.core.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code manifest.json} of a shard set: what every shard file holds and how to check it.
 * <pre>
 * {"format": "phi4j-shards", "version": 1, "seq_len": 1024, "vocab_size": 8192, "token_type": "uint16",
 *  "loss_mask": false, "tokenizer": {"name": "...", "fingerprint": "sha256:..."},
 *  "metadata": {...producer's notes...},
 *  "splits": {"train": [{"file": "train-00000.bin", "sequences": 120, "tokens": 123000, "sha256": "..."}],
 *             "validation": [...]}}
 * </pre>
 * {@code tokens} counts the stored tokens, {@code sequences × (seq_len + 1)}.
 */
public record ShardManifest(int seqLen, int vocabSize, TokenType tokenType, boolean lossMask, String tokenizerName,
                            String tokenizerFingerprint, Map<String, String> metadata,
                            Map<String, List<ShardFile>> splits) {

    public static final String FILE_NAME = "manifest.json";
    public static final String FORMAT = "phi4j-shards";
    public static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** How a token id is stored: two bytes while the vocabulary allows it, four otherwise. */
    public enum TokenType {
        UINT16(2), INT32(4);

        private final int bytes;

        TokenType(int bytes) {
            this.bytes = bytes;
        }

        public int bytes() {
            return bytes;
        }

        public static TokenType forVocabulary(int vocabSize) {
            return vocabSize <= 1 << 16 ? UINT16 : INT32;
        }

        String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One shard file of a split. */
    public record ShardFile(String file, long sequences, long tokens, String sha256) {}

    public ShardManifest {
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        Map<String, List<ShardFile>> copy = new LinkedHashMap<>();
        splits.forEach((name, files) -> copy.put(name, List.copyOf(files)));
        splits = Collections.unmodifiableMap(copy);
    }

    /** Tokens stored per row: the inputs plus the one-token overlap that gives the last input its target. */
    public int rowLength() {
        return seqLen + 1;
    }

    public long sequences(String split) {
        return splits.getOrDefault(split, List.of()).stream().mapToLong(ShardFile::sequences).sum();
    }

    public long tokens(String split) {
        return splits.getOrDefault(split, List.of()).stream().mapToLong(ShardFile::tokens).sum();
    }

    /** Writes {@code dir/manifest.json} atomically (a temporary file renamed into place). */
    public void write(Path dir) throws IOException {
        AtomicFiles.writeString(dir.resolve(FILE_NAME), toJson());
    }

    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("seq_len", seqLen);
        root.put("vocab_size", vocabSize);
        root.put("token_type", tokenType.text());
        root.put("loss_mask", lossMask);
        ObjectNode tokenizer = root.putObject("tokenizer");
        tokenizer.put("name", tokenizerName);
        tokenizer.put("fingerprint", tokenizerFingerprint);
        ObjectNode meta = root.putObject("metadata");
        metadata.forEach(meta::put);
        ObjectNode splitNode = root.putObject("splits");
        splits.forEach((name, files) -> {
            ArrayNode list = splitNode.putArray(name);
            for (ShardFile file : files) {
                ObjectNode entry = list.addObject();
                entry.put("file", file.file());
                entry.put("sequences", file.sequences());
                entry.put("tokens", file.tokens());
                entry.put("sha256", file.sha256());
            }
        });
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads {@code dir/manifest.json}; a missing or malformed manifest is a {@link ShardException} naming it. */
    public static ShardManifest read(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new ShardException(file, Files.isDirectory(dir) ? "no shard manifest: not a phi4j shard directory"
                    : "shard directory does not exist");
        } catch (IOException e) {
            throw new ShardException(file, "unreadable shard manifest: " + e.getMessage(), e);
        }
        Fields fields = new Fields(file);
        if (!FORMAT.equals(fields.text(root, "format"))) {
            throw new ShardException(file, "format is '" + root.path("format").asText() + "', expected '" + FORMAT + "'");
        }
        int version = fields.integer(root, "version");
        if (version != VERSION) {
            throw new ShardException(file, "shard format version " + version + "; this phi4j reads version " + VERSION);
        }
        int seqLen = fields.integer(root, "seq_len");
        int vocabSize = fields.integer(root, "vocab_size");
        String tokenType = fields.text(root, "token_type");
        TokenType type;
        try {
            type = TokenType.valueOf(tokenType.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ShardException(file, "token_type '" + tokenType + "' is not uint16 or int32");
        }
        if (seqLen < 1 || vocabSize < 2) {
            throw new ShardException(file, "seq_len " + seqLen + " and vocab_size " + vocabSize + " must be ≥ 1 and ≥ 2");
        }
        if (type.bytes() == 2 && vocabSize > 1 << 16) {
            throw new ShardException(file, "token_type uint16 cannot hold vocab_size " + vocabSize);
        }
        JsonNode tokenizer = fields.object(root, "tokenizer");
        Map<String, String> metadata = new LinkedHashMap<>();
        root.path("metadata").fields().forEachRemaining(e -> metadata.put(e.getKey(), e.getValue().asText()));
        Map<String, List<ShardFile>> splits = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = fields.object(root, "splits").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> split = it.next();
            if (!split.getValue().isArray()) {
                throw new ShardException(file, "splits." + split.getKey() + " must be a list of shard files");
            }
            List<ShardFile> files = new ArrayList<>();
            for (JsonNode entry : split.getValue()) {
                files.add(new ShardFile(fields.text(entry, "file"), fields.longValue(entry, "sequences"),
                        fields.longValue(entry, "tokens"), fields.text(entry, "sha256")));
            }
            splits.put(split.getKey(), files);
        }
        return new ShardManifest(seqLen, vocabSize, type, root.path("loss_mask").asBoolean(false),
                fields.text(tokenizer, "name"), fields.text(tokenizer, "fingerprint"), metadata, splits);
    }

    /** Required-field access with errors that name the manifest and the key. */
    private record Fields(Path file) {

        JsonNode required(JsonNode node, String key) {
            JsonNode value = node.get(key);
            if (value == null || value.isNull()) {
                throw new ShardException(file, "shard manifest lacks '" + key + "'");
            }
            return value;
        }

        String text(JsonNode node, String key) {
            return required(node, key).asText();
        }

        int integer(JsonNode node, String key) {
            JsonNode value = required(node, key);
            if (!value.canConvertToInt()) {
                throw new ShardException(file, "'" + key + "' must be an integer, got " + value);
            }
            return value.intValue();
        }

        long longValue(JsonNode node, String key) {
            JsonNode value = required(node, key);
            if (!value.canConvertToLong() || value.longValue() < 0) {
                throw new ShardException(file, "'" + key + "' must be a non-negative integer, got " + value);
            }
            return value.longValue();
        }

        JsonNode object(JsonNode node, String key) {
            JsonNode value = required(node, key);
            if (!value.isObject()) {
                throw new ShardException(file, "'" + key + "' must be an object");
            }
            return value;
        }
    }
}

package dev.phi4j.pipeline.teacher;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phi4j.core.io.Sha256;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.UUID;

/**
 * Teacher answers kept on a Hadoop file system (local, HDFS, S3A), one JSON file per request, so a re-run or a retried
 * task pays for no call twice.
 * <pre>
 * DIR/ab/abcdef….json    the answer to the request whose cache key is sha256:abcdef…
 * DIR/ab/.abcdef….json.&lt;uuid&gt;.tmp   an entry being written, renamed over the entry when complete
 * </pre>
 * An entry is written whole to a temporary file beside it and renamed into place, so a killed writer never leaves a
 * readable half entry, and two tasks answering the same request (speculative execution, a retried task) each rename a
 * complete answer: whichever lands is a good one. An entry that does not parse, or does not belong to its key, is a
 * miss and is overwritten by the next answer. Only answers are stored; failures are not, so a re-run retries them.
 */
public final class ResponseCache {

    public static final String FORMAT = "phi4j-teacher-response";
    public static final int VERSION = 1;

    private static final ObjectMapper PRETTY = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    /** What an endpoint answered: the parts of a {@link ChatResult} worth keeping. */
    public record Answer(String text, String finishReason, String model, int promptTokens, int completionTokens) {}

    private static final String LOCAL = "file";

    private final Path dir;
    private final FileSystem fs;

    public ResponseCache(Path dir, Configuration conf) {
        try {
            FileSystem fileSystem = dir.getFileSystem(conf);
            // The local file system's .crc side files are renamed after their data, not with it, so two writers of one
            // key could leave one's data under the other's checksum; the entry's own parse check is the integrity check.
            this.fs = fileSystem instanceof ChecksumFileSystem checksummed ? checksummed.getRawFileSystem() : fileSystem;
            this.dir = fs.makeQualified(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the teacher response cache " + dir, e);
        }
    }

    public Path dir() {
        return dir;
    }

    /**
     * The same write-aside-and-rename on local disk through java.nio: Hadoop's local file system sets each new file's
     * permissions by running chmod when its native library is absent, which made a write cost 4 ms instead of 0.1.
     */
    private static void putLocal(Path tmp, Path file, byte[] entry) throws IOException {
        java.nio.file.Path temporary = Paths.get(tmp.toUri());
        Files.createDirectories(temporary.getParent());
        try {
            Files.write(temporary, entry, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.move(temporary, Paths.get(file.toUri()), StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * {@code sha256:} of the canonical JSON of everything that decides an answer: the endpoint (without a trailing
     * slash), the model, the messages and every sampling setting, seed included.
     */
    public static String cacheKey(String baseUrl, String model, ChatRequest request) {
        try {
            return Sha256.tagged(ChatJson.MAPPER.writeValueAsString(requestJson(baseUrl, model, request)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a request of strings and numbers always serialises", e);
        }
    }

    /** The entry file of {@code key}: two hex digits of fan-out keep any one folder small. */
    public Path file(String key) {
        String hex = hexOf(key);
        return new Path(new Path(dir, hex.substring(0, 2)), hex + ".json");
    }

    /** The stored answer for {@code key}, or empty when there is none or its file is unreadable. */
    public Optional<Answer> get(String key) {
        Path file = file(key);
        JsonNode entry;
        try (InputStream in = fs.open(file)) {
            entry = PRETTY.readTree(in);
        } catch (FileNotFoundException | JsonProcessingException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read teacher cache entry " + file, e);
        }
        return parse(entry, key);
    }

    /** Stores {@code answer} to {@code request}, replacing an unreadable entry; returns the entry's key. */
    public String put(String baseUrl, String model, ChatRequest request, Answer answer) {
        String key = cacheKey(baseUrl, model, request);
        Path file = file(key);
        Path tmp = new Path(file.getParent(), "." + file.getName() + "." + UUID.randomUUID() + ".tmp");
        try {
            byte[] entry = PRETTY.writeValueAsString(entryJson(key, baseUrl, model, request, answer))
                    .getBytes(StandardCharsets.UTF_8);
            if (LOCAL.equals(fs.getUri().getScheme())) {
                putLocal(tmp, file, entry);
                return key;
            }
            try (FSDataOutputStream out = fs.create(tmp, false)) {
                out.write(entry);
            }
            try {
                // HDFS and S3A refuse to rename onto an existing file: then either another writer stored this key
                // first, which is as good, or the file there is unreadable and is replaced.
                if (!fs.rename(tmp, file) && get(key).isEmpty()) {
                    fs.delete(file, false);
                    if (!fs.rename(tmp, file) && get(key).isEmpty()) {
                        throw new IOException("cannot rename " + tmp + " to " + file);
                    }
                }
            } finally {
                fs.delete(tmp, false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write teacher cache entry " + file, e);
        }
        return key;
    }

    private static Optional<Answer> parse(JsonNode entry, String key) {
        JsonNode answer = entry.path("answer");
        JsonNode usage = answer.path("usage");
        boolean complete = FORMAT.equals(entry.path("format").asText()) && entry.path("version").asInt() == VERSION
                && key.equals(entry.path("key").asText()) && answer.path("text").isTextual()
                && answer.path("finish_reason").isTextual() && answer.path("model").isTextual()
                && usage.path("prompt_tokens").isInt() && usage.path("completion_tokens").isInt();
        if (!complete) {
            return Optional.empty();
        }
        return Optional.of(new Answer(answer.path("text").asText(), answer.path("finish_reason").asText(),
                answer.path("model").asText(), usage.path("prompt_tokens").asInt(),
                usage.path("completion_tokens").asInt()));
    }

    private static ObjectNode entryJson(String key, String baseUrl, String model, ChatRequest request, Answer answer) {
        ObjectNode entry = PRETTY.createObjectNode();
        entry.put("format", FORMAT);
        entry.put("version", VERSION);
        entry.put("key", key);
        entry.set("request", requestJson(baseUrl, model, request));
        ObjectNode stored = entry.putObject("answer");
        stored.put("text", answer.text());
        stored.put("finish_reason", answer.finishReason());
        stored.put("model", answer.model());
        ObjectNode usage = stored.putObject("usage");
        usage.put("prompt_tokens", answer.promptTokens());
        usage.put("completion_tokens", answer.completionTokens());
        return entry;
    }

    /** The hashed request, keys in a fixed order; {@code + 0.0} turns a {@code -0.0} temperature into {@code 0.0}. */
    private static ObjectNode requestJson(String baseUrl, String model, ChatRequest request) {
        ObjectNode json = ChatJson.MAPPER.createObjectNode();
        json.put("base_url", normaliseBaseUrl(baseUrl));
        json.put("model", model);
        ChatJson.putMessages(json, request.messages());
        json.put("temperature", request.temperature() + 0.0);
        json.put("top_p", request.topP() + 0.0);
        json.put("max_tokens", request.maxTokens());
        json.put("seed", request.seed());
        return json;
    }

    static String normaliseBaseUrl(String baseUrl) {
        String url = baseUrl.strip();
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        return url;
    }

    private static String hexOf(String key) {
        if (!key.startsWith(Sha256.PREFIX) || !key.substring(Sha256.PREFIX.length()).matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a teacher cache key (sha256:<64 hex digits>): " + key);
        }
        return key.substring(Sha256.PREFIX.length());
    }
}

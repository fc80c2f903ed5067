package dev.phi4j.pipeline.teacher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.phi4j.core.schema.Message;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class ResponseCacheTest {

    private static final String URL = "http://localhost:8000/v1";
    private static final ChatRequest REQUEST = new ChatRequest(
            List.of(Message.system("Be brief."), Message.user("Name a prime.")), 0.7, 0.95, 128, 11);
    private static final ResponseCache.Answer ANSWER = new ResponseCache.Answer("7", "stop", "served", 12, 1);

    /** Local files with HDFS's and S3A's rename: a rename onto an existing file is refused. */
    public static final class NoOverwriteFileSystem extends RawLocalFileSystem {
        @Override
        public URI getUri() {
            return URI.create("noclobber:///");
        }

        @Override
        public String getScheme() {
            return "noclobber";
        }

        @Override
        public boolean rename(org.apache.hadoop.fs.Path src, org.apache.hadoop.fs.Path dst) throws IOException {
            return !exists(dst) && super.rename(src, dst);
        }
    }

    @TempDir
    Path dir;

    private ResponseCache cache(String scheme) {
        Configuration conf = new Configuration();
        conf.set("fs.noclobber.impl", NoOverwriteFileSystem.class.getName());
        conf.setBoolean("fs.noclobber.impl.disable.cache", true);
        return new ResponseCache(new org.apache.hadoop.fs.Path(scheme + "://" + dir.resolve("cache")), conf);
    }

    private Path local(ResponseCache cache, String key) {
        return Path.of(cache.file(key).toUri().getPath());
    }

    @Test
    void keyIgnoresATrailingSlashAndTheSignOfZero() {
        ChatRequest greedy = new ChatRequest(REQUEST.messages(), 0.0, 1.0, 128, 11);
        ChatRequest negativeZero = new ChatRequest(REQUEST.messages(), -0.0, 1.0, 128, 11);

        assertEquals(ResponseCache.cacheKey(URL, "m", REQUEST), ResponseCache.cacheKey(URL + "/", "m", REQUEST));
        assertEquals(ResponseCache.cacheKey(URL, "m", greedy), ResponseCache.cacheKey(URL, "m", negativeZero));
        assertTrue(ResponseCache.cacheKey(URL, "m", REQUEST).matches("sha256:[0-9a-f]{64}"));
    }

    @Test
    void keyChangesWithEverythingThatDecidesTheAnswer() {
        List<String> keys = List.of(
                ResponseCache.cacheKey(URL, "m", REQUEST),
                ResponseCache.cacheKey("http://localhost:8001/v1", "m", REQUEST),
                ResponseCache.cacheKey(URL, "m2", REQUEST),
                ResponseCache.cacheKey(URL, "m", new ChatRequest(List.of(Message.system("Be brief."),
                        Message.assistant("Name a prime.")), 0.7, 0.95, 128, 11)),
                ResponseCache.cacheKey(URL, "m", new ChatRequest(List.of(Message.system("Be brief."),
                        Message.user("Name a primes.")), 0.7, 0.95, 128, 11)),
                ResponseCache.cacheKey(URL, "m", new ChatRequest(REQUEST.messages(), 0.8, 0.95, 128, 11)),
                ResponseCache.cacheKey(URL, "m", new ChatRequest(REQUEST.messages(), 0.7, 0.9, 128, 11)),
                ResponseCache.cacheKey(URL, "m", new ChatRequest(REQUEST.messages(), 0.7, 0.95, 129, 11)),
                ResponseCache.cacheKey(URL, "m", REQUEST.withSeed(12)));

        assertEquals(keys.size(), Set.copyOf(keys).size(), keys.toString());
    }

    @Test
    void entryRoundTripsAndKeepsTheRequestForAudit() throws IOException {
        ResponseCache cache = cache("file");

        String key = cache.put(URL + "/", "m", REQUEST, ANSWER);

        assertEquals(ResponseCache.cacheKey(URL, "m", REQUEST), key);
        assertEquals(Optional.of(ANSWER), cache.get(key));
        Path file = local(cache, key);
        assertEquals(key.substring(7, 9), file.getParent().getFileName().toString());
        JsonNode entry = new ObjectMapper().readTree(file.toFile());
        assertEquals(URL, entry.path("request").path("base_url").asText());
        assertEquals("Name a prime.", entry.path("request").path("messages").path(1).path("content").asText());
        assertEquals(11, entry.path("request").path("seed").asLong());
        assertEquals(12, entry.path("answer").path("usage").path("prompt_tokens").asInt());
        assertEquals(Optional.empty(), cache.get(ResponseCache.cacheKey(URL, "m", REQUEST.withSeed(12))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "noclobber"})
    void truncatedEntryIsAMissAndTheNextAnswerReplacesIt(String scheme) throws IOException {
        ResponseCache cache = cache(scheme);
        String key = cache.put(URL, "m", REQUEST, ANSWER);
        Path file = local(cache, key);
        byte[] whole = Files.readAllBytes(file);
        for (int length : new int[] {0, 1, whole.length / 2, whole.length - 3}) {
            Files.write(file, Arrays.copyOf(whole, length));

            assertEquals(Optional.empty(), cache.get(key), "entry cut to " + length + " bytes");

            cache.put(URL, "m", REQUEST, ANSWER);
            assertEquals(Optional.of(ANSWER), cache.get(key));
        }
    }

    @Test
    void entryFiledUnderAnotherKeyIsAMiss() throws IOException {
        ResponseCache cache = cache("file");
        String key = cache.put(URL, "m", REQUEST, ANSWER);
        String other = ResponseCache.cacheKey(URL, "m", REQUEST.withSeed(99));
        Path misfiled = local(cache, other);
        Files.createDirectories(misfiled.getParent());
        Files.copy(local(cache, key), misfiled);

        assertEquals(Optional.empty(), cache.get(other));
    }

    @Test
    void onAFileSystemThatWillNotRenameOverAFileTheFirstCompleteAnswerStays() {
        ResponseCache cache = cache("noclobber");
        ResponseCache.Answer later = new ResponseCache.Answer("11", "stop", "served", 12, 1);

        String key = cache.put(URL, "m", REQUEST, ANSWER);
        cache.put(URL, "m", REQUEST, later);

        assertEquals(Optional.of(ANSWER), cache.get(key));
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "noclobber"})
    void concurrentWritersOfOneKeyLeaveOneCompleteEntryAndNoTemporaryFiles(String scheme) throws Exception {
        ResponseCache cache = cache(scheme);
        String key = ResponseCache.cacheKey(URL, "m", REQUEST);
        List<ResponseCache.Answer> answers = new ArrayList<>();
        for (int writer = 0; writer < 6; writer++) {
            answers.add(new ResponseCache.Answer("answer from task attempt " + writer + " " + "x".repeat(4000 * writer),
                    "stop", "served", 12, writer));
        }
        Set<ResponseCache.Answer> seen = ConcurrentHashMap.newKeySet();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (ResponseCache.Answer answer : answers) {
                work.add(threads.submit(() -> {
                    start.await();
                    for (int i = 0; i < 25; i++) {
                        cache.put(URL, "m", REQUEST, answer);
                    }
                    return null;
                }));
            }
            for (int reader = 0; reader < 2; reader++) {
                work.add(threads.submit(() -> {
                    start.await();
                    for (int i = 0; i < 200; i++) {
                        cache.get(key).ifPresent(seen::add);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> task : work) {
                task.get();
            }
        } finally {
            threads.shutdownNow();
        }

        assertTrue(answers.containsAll(seen), "readers only ever saw whole answers");
        assertTrue(answers.contains(cache.get(key).orElseThrow()));
        try (Stream<Path> files = Files.walk(dir.resolve("cache"))) {
            List<String> names = files.filter(Files::isRegularFile).map(f -> f.getFileName().toString()).toList();
            assertEquals(List.of(key.substring(7) + ".json"), names);
        }
    }
}

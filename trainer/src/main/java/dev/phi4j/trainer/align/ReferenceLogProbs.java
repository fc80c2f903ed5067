package dev.phi4j.trainer.align;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phi4j.core.io.AtomicFiles;
import dev.phi4j.core.io.Sha256;
import dev.phi4j.core.shard.TokenRow;
import dev.phi4j.trainer.model.PhiDecoder;
import dev.phi4j.trainer.train.MicroBatches;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The frozen reference model's log-probabilities of every pair's chosen and rejected continuation, computed once and
 * kept on disk in {@code CACHE_DIR/<reference hash>.json}, keyed by the reference checkpoint's weights hash and by
 * pair id: a restarted run, or another run from the same reference, reads them instead of running the reference
 * again. The file is rewritten (atomically) after every batch, so a crash loses at most one batch of work.
 */
public final class ReferenceLogProbs {

    /** A pair to score: its id, and its chosen and rejected rows (prompt + continuation, continuation masked in). */
    public record Pair(String id, TokenRow chosen, TokenRow rejected) {}

    /** log π_ref(chosen) and log π_ref(rejected) per pair id, and how many pairs were computed now vs read. */
    public record Result(Map<String, double[]> logps, int computed, int cached) {

        public double chosen(String id) {
            return logps.get(id)[0];
        }

        public double rejected(String id) {
            return logps.get(id)[1];
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private ReferenceLogProbs() {}

    /**
     * Every pair's reference log-probs: those in the cache as they are, the others computed {@code batchPairs} pairs
     * at a time with {@code reference} and added to the cache. The reference is asked for only when a pair is
     * missing, so a run whose pairs are all cached never loads it.
     */
    public static Result of(Supplier<ComputationGraph> reference, String referenceHash, List<Pair> pairs, int seqLen,
                            PhiDecoder.Masking masking, int batchPairs, Path cacheDir) throws IOException {
        Path file = file(cacheDir, referenceHash);
        Map<String, double[]> logps = read(file, referenceHash);
        int cached = 0;
        List<Pair> missing = new ArrayList<>();
        for (Pair pair : pairs) {
            if (logps.containsKey(pair.id())) {
                cached++;
            } else {
                missing.add(pair);
            }
        }
        for (int from = 0; from < missing.size(); from += batchPairs) {
            List<Pair> batch = missing.subList(from, Math.min(missing.size(), from + batchPairs));
            List<TokenRow> rows = new ArrayList<>();
            batch.forEach(pair -> rows.add(pair.chosen()));
            batch.forEach(pair -> rows.add(pair.rejected()));
            double[] scores = SequenceLogProbs.of(reference.get(), MicroBatches.of(rows, seqLen, masking));
            for (int i = 0; i < batch.size(); i++) {
                logps.put(batch.get(i).id(), new double[] {scores[i], scores[batch.size() + i]});
            }
            write(file, referenceHash, logps);
        }
        return new Result(logps, missing.size(), cached);
    }

    /** The cache file of one reference in {@code cacheDir}. */
    public static Path file(Path cacheDir, String referenceHash) {
        return cacheDir.resolve(referenceHash.replace(':', '-') + ".json");
    }

    /** The hash that identifies a reference model: SHA-256 of its weights file, read as a stream. */
    public static String hashOf(Path weights) throws IOException {
        MessageDigest digest = Sha256.digest();
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(weights)) {
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return Sha256.tagged(digest);
    }

    private static Map<String, double[]> read(Path file, String referenceHash) throws IOException {
        Map<String, double[]> logps = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return logps;
        }
        JsonNode root = JSON.readTree(file.toFile());
        if (!referenceHash.equals(root.path("reference").asText())) {
            throw new IOException(file + ": holds log-probs of reference " + root.path("reference").asText()
                    + ", not " + referenceHash + "; delete it or point the cache elsewhere");
        }
        root.path("pairs").fields().forEachRemaining(entry -> logps.put(entry.getKey(),
                new double[] {entry.getValue().get(0).asDouble(), entry.getValue().get(1).asDouble()}));
        return logps;
    }

    private static void write(Path file, String referenceHash, Map<String, double[]> logps) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("reference", referenceHash);
        ObjectNode pairs = root.putObject("pairs");
        logps.forEach((id, values) -> pairs.putArray(id).add(values[0]).add(values[1]));
        Files.createDirectories(file.getParent());
        AtomicFiles.writeString(file, JSON.writeValueAsString(root));
    }
}

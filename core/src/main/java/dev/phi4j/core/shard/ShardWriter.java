package dev.phi4j.core.shard;

import dev.phi4j.core.tokenizer.Tokenizer;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes a shard set: rows go to {@code <split>-00000.bin}, {@code <split>-00001.bin}, … (a new file every
 * {@code maxTokensPerShard} tokens), then {@link #finish} writes {@code manifest.json}. Everything is written into
 * {@code <dir>.partial} and renamed to {@code dir} at the end, so a crash never leaves a set that looks complete.
 */
public final class ShardWriter implements Closeable {

    /** A shard file stays well below the 2 GiB a single memory mapping can cover. */
    public static final long DEFAULT_MAX_TOKENS_PER_SHARD = 1L << 27;

    /**
     * @param seqLen            the model's context length; rows hold {@code seqLen + 1} tokens
     * @param metadata          free-form notes for the manifest (source files, packing settings)
     */
    public record Settings(int seqLen, int vocabSize, String tokenizerName, String tokenizerFingerprint,
                           boolean lossMask, long maxTokensPerShard, Map<String, String> metadata) {

        public Settings {
            if (seqLen < 1 || vocabSize < 2 || maxTokensPerShard < seqLen + 1L) {
                throw new IllegalArgumentException("seq_len " + seqLen + ", vocab_size " + vocabSize
                        + " and max tokens per shard " + maxTokensPerShard + " must allow at least one row");
            }
            metadata = Map.copyOf(metadata);
        }

        /** Rows for {@code tokenizer} without loss masks, default shard size. */
        public static Settings of(int seqLen, Tokenizer tokenizer, Map<String, String> metadata) {
            return new Settings(seqLen, tokenizer.vocabSize(), tokenizer.name(), TokenizerFingerprint.of(tokenizer),
                    false, DEFAULT_MAX_TOKENS_PER_SHARD, metadata);
        }

        public Settings withLossMask(boolean withMask) {
            return new Settings(seqLen, vocabSize, tokenizerName, tokenizerFingerprint, withMask, maxTokensPerShard,
                    metadata);
        }

        public Settings withMaxTokensPerShard(long maxTokens) {
            return new Settings(seqLen, vocabSize, tokenizerName, tokenizerFingerprint, lossMask, maxTokens, metadata);
        }
    }

    private final Path target;
    private final Path partial;
    private final Settings settings;
    private final Map<String, List<ShardManifest.ShardFile>> finished = new LinkedHashMap<>();
    private final Map<String, ShardFileWriter> open = new LinkedHashMap<>();
    private boolean done;

    private ShardWriter(Path target, Settings settings) throws IOException {
        this.target = target;
        this.partial = target.resolveSibling(target.getFileName() + ".partial");
        this.settings = settings;
        if (Files.exists(target)) {
            throw new IllegalArgumentException(target + ": already exists; a shard set is written once");
        }
        deleteTree(partial);
        Files.createDirectories(partial);
    }

    public static ShardWriter create(Path dir, Settings settings) throws IOException {
        return new ShardWriter(dir.toAbsolutePath().normalize(), settings);
    }

    /** Appends one row to {@code split} (lowercase letters, digits, underscores: e.g. train, validation). */
    public void append(String split, TokenRow row) throws IOException {
        if (done) {
            throw new IllegalStateException(target + ": already finished");
        }
        ShardFileWriter writer = open.get(split);
        if (writer == null) {
            if (!split.matches("[a-z0-9_]+")) {
                throw new IllegalArgumentException("split name '" + split + "' must match [a-z0-9_]+");
            }
            int index = finished.computeIfAbsent(split, s -> new ArrayList<>()).size();
            writer = new ShardFileWriter(partial.resolve(ShardNames.file(split, index)),
                    settings.seqLen(), settings.vocabSize(), settings.lossMask());
            open.put(split, writer);
        }
        writer.append(row);
        if ((writer.rows() + 1) * (settings.seqLen() + 1L) > settings.maxTokensPerShard()) {
            finished.get(split).add(writer.finish());
            open.remove(split);
        }
    }

    /** Closes every shard, writes the manifest and moves the set into place. */
    public ShardManifest finish() throws IOException {
        for (Map.Entry<String, ShardFileWriter> entry : open.entrySet()) {
            finished.get(entry.getKey()).add(entry.getValue().finish());
        }
        open.clear();
        ShardManifest manifest = new ShardManifest(settings.seqLen(), settings.vocabSize(),
                ShardManifest.TokenType.forVocabulary(settings.vocabSize()), settings.lossMask(),
                settings.tokenizerName(), settings.tokenizerFingerprint(), settings.metadata(), finished);
        manifest.write(partial);
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        done = true;
        return manifest;
    }

    /** Without {@link #finish}, discards everything written. */
    @Override
    public void close() throws IOException {
        if (!done) {
            for (ShardFileWriter writer : open.values()) {
                writer.close();
            }
            deleteTree(partial);
            done = true;
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

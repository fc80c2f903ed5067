package dev.phi4j.trainer.train;

import dev.phi4j.core.io.BuildCache;
import dev.phi4j.core.io.Sha256;
import dev.phi4j.core.shard.SequencePacker;
import dev.phi4j.core.shard.ShardManifest;
import dev.phi4j.core.shard.ShardNames;
import dev.phi4j.core.shard.ShardSet;
import dev.phi4j.core.shard.ShardWriter;
import dev.phi4j.core.shard.TokenizerFingerprint;
import dev.phi4j.core.tokenizer.Tokenizer;
import org.apache.hadoop.conf.Configuration;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code --text FILE}: splits text files into documents, tokenizes them with the run's tokenizer, holds out whole
 * documents as the validation split and packs both splits into a shard set, so training always reads shards. The
 * result is a pure function of the files' contents and the settings; a set already packed from the same inputs
 * (recorded in its manifest) is reused, so a resumed run trains on the very same rows.
 *
 * <p>Validation documents are the ones with the smallest SHA-256 of their text, taken until they hold
 * {@code validation_fraction} of the tokens and at least one full row: the choice does not depend on file order or
 * the run seed, and a document never straddles the splits.
 */
public final class TextPacker {

    static final String SOURCE_KEY = "source_fingerprint";

    /**
     * A packed set is marked by its shard manifest, which {@link ShardWriter} writes into the set itself (the local
     * rename that follows is atomic), and identified by the fingerprint of what it was packed from.
     */
    private static final BuildCache.Marker<ShardManifest> PACKED_SET = new BuildCache.Marker<>() {
        @Override
        public Optional<ShardManifest> read(org.apache.hadoop.fs.Path dir, Configuration conf) {
            Path local = Path.of(dir.toUri());
            return ShardSet.exists(local) ? Optional.of(ShardManifest.read(local)) : Optional.empty();
        }

        @Override
        public String identity(ShardManifest manifest) {
            return manifest.metadata().getOrDefault(SOURCE_KEY, "");
        }

        @Override
        public void write(org.apache.hadoop.fs.Path dir, ShardManifest manifest, Configuration conf) {}
    };

    private static final Pattern BLANK_LINES = Pattern.compile("\\R[ \\t]*\\R(?:[ \\t]*\\R)*");

    /**
     * What was packed. When {@code reused} (an earlier packing of the same inputs was kept), nothing was tokenized:
     * the counts are 0 and the stats null.
     */
    public record Result(ShardSet shards, long documents, long validationDocuments, SequencePacker.Stats train,
                         SequencePacker.Stats validation, boolean reused) {}

    private TextPacker() {}

    public static Result pack(List<Path> files, TrainerConfig.DataConfig.DocumentSplit split, double validationFraction,
                              Tokenizer tokenizer, int seqLen, Path outDir) throws IOException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no text files to pack (trainer.data.text_files or --text)");
        }
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(file + ": text file not found (trainer.data.text_files / --text)");
            }
        }
        String fingerprint = sourceFingerprint(files, split, validationFraction, tokenizer, seqLen);
        Packing packing = new Packing(files, split, validationFraction, tokenizer, seqLen, fingerprint);
        org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path("file", null,
                outDir.toAbsolutePath().normalize().toString());
        BuildCache.Outcome<ShardManifest> outcome = BuildCache.reuseOrBuild(dir, fingerprint, PACKED_SET,
                new Configuration(), (tmp, outdated) -> packing.writeInto(Path.of(tmp.toUri())));
        ShardSet shards = ShardSet.open(outDir);
        return outcome.reused() ? new Result(shards, 0, 0, null, null, true)
                : new Result(shards, packing.documents, packing.heldOut, packing.trainStats, packing.validationStats,
                false);
    }

    /** One packing of the text files; what it counted is kept for the {@link Result}. */
    private static final class Packing {
        private final List<Path> files;
        private final TrainerConfig.DataConfig.DocumentSplit split;
        private final double validationFraction;
        private final Tokenizer tokenizer;
        private final int seqLen;
        private final String fingerprint;
        private long documents;
        private long heldOut;
        private SequencePacker.Stats trainStats;
        private SequencePacker.Stats validationStats;

        Packing(List<Path> files, TrainerConfig.DataConfig.DocumentSplit split, double validationFraction,
                Tokenizer tokenizer, int seqLen, String fingerprint) {
            this.files = files;
            this.split = split;
            this.validationFraction = validationFraction;
            this.tokenizer = tokenizer;
            this.seqLen = seqLen;
            this.fingerprint = fingerprint;
        }

        ShardManifest writeInto(Path dir) throws IOException {
            List<String> texts = new ArrayList<>();
            for (Path file : files) {
                texts.addAll(documents(Files.readString(file, StandardCharsets.UTF_8), split));
            }
            List<int[]> encoded = texts.stream().map(tokenizer::encode).toList();
            boolean[] held = validationDocuments(texts, encoded, validationFraction, seqLen);

            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("producer", "phi4j train --text");
            metadata.put("files", String.join(", ", files.stream().map(Path::toString).toList()));
            metadata.put("documents", split.name().toLowerCase(Locale.ROOT));
            metadata.put("validation_fraction", Double.toString(validationFraction));
            metadata.put(SOURCE_KEY, fingerprint);
            int separator = tokenizer.specialTokens().endOfText();
            try (ShardWriter writer = ShardWriter.create(dir, ShardWriter.Settings.of(seqLen, tokenizer, metadata))) {
                SequencePacker train = new SequencePacker(seqLen, separator, row -> writer.append(ShardNames.TRAIN,
                        row));
                SequencePacker validation = new SequencePacker(seqLen, separator,
                        row -> writer.append(ShardNames.VALIDATION, row));
                for (int d = 0; d < encoded.size(); d++) {
                    if (held[d]) {
                        validation.add(encoded.get(d));
                        heldOut++;
                    } else {
                        train.add(encoded.get(d));
                    }
                }
                trainStats = train.finish();
                validationStats = validation.finish();
                if (trainStats.rows() == 0) {
                    throw new IllegalArgumentException("the text holds " + trainStats.tokens() + " training tokens, "
                            + "fewer than one row of context_length + 1 = " + (seqLen + 1) + ": " + files);
                }
                documents = texts.size();
                return writer.finish();
            }
        }
    }

    static List<String> documents(String text, TrainerConfig.DataConfig.DocumentSplit split) {
        List<String> documents = new ArrayList<>();
        if (split == TrainerConfig.DataConfig.DocumentSplit.FILE) {
            if (!text.isBlank()) {
                documents.add(text);
            }
            return documents;
        }
        for (String block : BLANK_LINES.split(text)) {
            String trimmed = block.replaceAll("^\\R+|\\R+$", "");
            if (!trimmed.isBlank()) {
                documents.add(trimmed);
            }
        }
        return documents;
    }

    private static boolean[] validationDocuments(List<String> documents, List<int[]> encoded, double fraction,
                                                 int seqLen) {
        boolean[] held = new boolean[documents.size()];
        if (fraction == 0) {
            return held;
        }
        long total = encoded.stream().mapToLong(tokens -> tokens.length + 1L).sum();
        List<Integer> byHash = new ArrayList<>();
        List<String> hashes = new ArrayList<>();
        for (int d = 0; d < documents.size(); d++) {
            byHash.add(d);
            hashes.add(Sha256.hex(documents.get(d)));
        }
        byHash.sort(Comparator.comparing(hashes::get));
        long tokens = 0;
        for (int d : byHash) {
            if (tokens >= fraction * total && tokens >= seqLen + 1L) {
                break;
            }
            if (total - tokens - (encoded.get(d).length + 1L) < seqLen + 1L) {
                break;                                      // keep at least one training row
            }
            held[d] = true;
            tokens += encoded.get(d).length + 1L;
        }
        return held;
    }

    private static String sourceFingerprint(List<Path> files, TrainerConfig.DataConfig.DocumentSplit split,
                                            double validationFraction, Tokenizer tokenizer, int seqLen)
            throws IOException {
        MessageDigest digest = Sha256.digest();
        for (Path file : files) {
            digest.update(Files.readAllBytes(file));
            digest.update((byte) 0);
        }
        digest.update((split + "|" + validationFraction + "|" + seqLen + "|" + TokenizerFingerprint.of(tokenizer))
                .getBytes(StandardCharsets.UTF_8));
        return Sha256.tagged(digest);
    }
}

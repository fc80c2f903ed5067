package dev.phi4j.trainer.train;

import dev.phi4j.core.shard.SequencePacker;
import dev.phi4j.core.shard.ShardSet;
import dev.phi4j.core.shard.ShardWriter;
import dev.phi4j.core.shard.TokenizerFingerprint;
import dev.phi4j.core.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

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

    public static final String TRAIN = "train";
    public static final String VALIDATION = "validation";
    static final String SOURCE_KEY = "source_fingerprint";

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
        if (ShardSet.exists(outDir)) {
            ShardSet existing = ShardSet.open(outDir);
            if (fingerprint.equals(existing.manifest().metadata().get(SOURCE_KEY))) {
                return new Result(existing, 0, 0, null, null, true);
            }
            deleteTree(outDir);
        }

        List<String> documents = new ArrayList<>();
        for (Path file : files) {
            documents.addAll(documents(Files.readString(file, StandardCharsets.UTF_8), split));
        }
        List<int[]> encoded = documents.stream().map(tokenizer::encode).toList();
        boolean[] held = validationDocuments(documents, encoded, validationFraction, seqLen);

        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("producer", "phi4j train --text");
        metadata.put("files", String.join(", ", files.stream().map(Path::toString).toList()));
        metadata.put("documents", split.name().toLowerCase(Locale.ROOT));
        metadata.put("validation_fraction", Double.toString(validationFraction));
        metadata.put(SOURCE_KEY, fingerprint);
        int separator = tokenizer.specialTokens().endOfText();
        long heldOut = 0;
        SequencePacker.Stats trainStats;
        SequencePacker.Stats validationStats;
        try (ShardWriter writer = ShardWriter.create(outDir, ShardWriter.Settings.of(seqLen, tokenizer, metadata))) {
            SequencePacker train = new SequencePacker(seqLen, separator, row -> writer.append(TRAIN, row));
            SequencePacker validation = new SequencePacker(seqLen, separator, row -> writer.append(VALIDATION, row));
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
                throw new IllegalArgumentException("the text holds " + trainStats.tokens() + " training tokens, fewer "
                        + "than one row of context_length + 1 = " + (seqLen + 1) + ": " + files);
            }
            writer.finish();
        }
        return new Result(ShardSet.open(outDir), documents.size(), heldOut, trainStats, validationStats, false);
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
            hashes.add(sha256(documents.get(d)));
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
        MessageDigest digest = digest();
        for (Path file : files) {
            digest.update(Files.readAllBytes(file));
            digest.update((byte) 0);
        }
        digest.update((split + "|" + validationFraction + "|" + seqLen + "|" + TokenizerFingerprint.of(tokenizer))
                .getBytes(StandardCharsets.UTF_8));
        return "sha256:" + HexFormat.of().formatHex(digest.digest());
    }

    private static String sha256(String text) {
        return HexFormat.of().formatHex(digest().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}

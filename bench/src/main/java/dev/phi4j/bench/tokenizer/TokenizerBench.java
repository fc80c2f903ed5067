package dev.phi4j.bench.tokenizer;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.phi4j.core.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToIntFunction;

/**
 * Encoding throughput per core: raw jtokkit {@code encodeOrdinary} on cl100k (the baseline every Phi-4
 * encode pays anyway) against any tokenizers, on one thread, best round after warm-up. The corpus is cut
 * into blocks of whole lines, the size of the documents the pipeline encodes one call at a time, so the
 * per-call overhead of a wrapper shows.
 *
 * <p>Rounds interleave the encoders (baseline, then each tokenizer, then the next round) so that all of
 * them run under the same JIT and heap state: on a large G1 heap, jtokkit alone slows down about threefold
 * once the young generation has grown, and encoders measured one after the other would be compared across
 * that change rather than with each other.
 */
public final class TokenizerBench {

    public static final String BASELINE = "jtokkit cl100k_base encodeOrdinary (baseline)";

    /**
     * @param warmupRounds   untimed passes over the corpus first, for the JIT (and the BPE piece cache)
     * @param measuredRounds timed passes; the fastest counts, as noise only ever adds time
     * @param blockChars     the corpus is encoded in blocks of whole lines of about this many characters
     */
    public record Settings(int warmupRounds, int measuredRounds, int blockChars) {

        public static final Settings DEFAULT = new Settings(3, 5, 4096);

        public Settings {
            if (warmupRounds < 0 || measuredRounds < 1 || blockChars < 1) {
                throw new IllegalArgumentException(
                        "need warmupRounds >= 0, measuredRounds >= 1 and blockChars >= 1, got " + warmupRounds + ", " + measuredRounds + ", " + blockChars);
            }
        }
    }

    /** One encoder's fastest pass over the corpus. */
    public record Row(String encoder, long tokens, double seconds) {

        public double tokensPerSecond() {
            return tokens / seconds;
        }
    }

    /** @param rows the baseline first */
    public record Result(String corpus, long bytes, int blocks, Settings settings, List<Row> rows) {

        public Result {
            rows = List.copyOf(rows);
        }

        public double megabytesPerSecond(Row row) {
            return bytes / 1e6 / row.seconds();
        }

        /** Throughput in bytes, relative to the baseline: above 1 is faster. */
        public double speedVsBaseline(Row row) {
            return rows.get(0).seconds() / row.seconds();
        }

        public String render() {
            StringBuilder out = new StringBuilder();
            out.append(String.format(Locale.ROOT,
                    "encode throughput per core on %s: %,d bytes in %,d blocks of whole lines (~%,d chars each),%n"
                            + "one thread, fastest of %d rounds after %d warm-up rounds; MB = 10^6 bytes%n%n",
                    corpus, bytes, blocks, settings.blockChars(), settings.measuredRounds(), settings.warmupRounds()));
            int nameWidth = rows.stream().mapToInt(r -> r.encoder().length()).max().orElse(7);
            out.append(String.format(Locale.ROOT, "%-" + nameWidth + "s  %10s  %12s  %8s  %11s%n",
                    "encoder", "tokens", "tokens/s", "MB/s", "vs baseline"));
            for (Row row : rows) {
                out.append(String.format(Locale.ROOT, "%-" + nameWidth + "s  %,10d  %,12.0f  %8.2f  %10.2fx%n",
                        row.encoder(), row.tokens(), row.tokensPerSecond(), megabytesPerSecond(row),
                        speedVsBaseline(row)));
            }
            return out.toString();
        }
    }

    private TokenizerBench() {}

    public static Result run(Path corpus, List<Tokenizer> tokenizers, Settings settings) throws IOException {
        String text = Files.readString(corpus);
        List<String> blocks = blocks(text, settings.blockChars());
        Encoding cl100k = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
        List<String> names = new ArrayList<>(List.of(BASELINE));
        List<ToIntFunction<String>> encoders = new ArrayList<>(List.of(block -> cl100k.encodeOrdinary(block).size()));
        for (Tokenizer tokenizer : tokenizers) {
            names.add(tokenizer.name());
            encoders.add(block -> tokenizer.encode(block).length);
        }
        for (int round = 0; round < settings.warmupRounds(); round++) {
            encoders.forEach(encode -> encodeAll(encode, blocks));
        }
        long[] tokens = new long[encoders.size()];
        long[] fastest = new long[encoders.size()];
        Arrays.fill(fastest, Long.MAX_VALUE);
        for (int round = 0; round < settings.measuredRounds(); round++) {
            for (int e = 0; e < encoders.size(); e++) {
                long start = System.nanoTime();
                tokens[e] = encodeAll(encoders.get(e), blocks);
                fastest[e] = Math.min(fastest[e], System.nanoTime() - start);
            }
        }
        List<Row> rows = new ArrayList<>();
        for (int e = 0; e < encoders.size(); e++) {
            rows.add(new Row(names.get(e), tokens[e], Math.max(fastest[e], 1) / 1e9));
        }
        return new Result(corpus.getFileName().toString(), text.getBytes(StandardCharsets.UTF_8).length,
                blocks.size(), settings, rows);
    }

    /** Returns the token count, which also keeps the JIT from discarding the work. */
    private static long encodeAll(ToIntFunction<String> encode, List<String> blocks) {
        long tokens = 0;
        for (String block : blocks) {
            tokens += encode.applyAsInt(block);
        }
        return tokens;
    }

    static List<String> blocks(String text, int blockChars) {
        List<String> blocks = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int newline = text.indexOf('\n', Math.min(start + blockChars, text.length()) - 1);
            int end = newline < 0 ? text.length() : newline + 1;
            blocks.add(text.substring(start, end));
            start = end;
        }
        return blocks;
    }
}

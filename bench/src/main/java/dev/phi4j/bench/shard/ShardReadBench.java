package dev.phi4j.bench.shard;

import dev.phi4j.core.schema.PackedSequence;
import dev.phi4j.core.schema.ParquetRecords;
import dev.phi4j.core.shard.ShardSet;
import dev.phi4j.core.shard.ShardWriter;
import dev.phi4j.core.shard.TokenRow;
import org.apache.hadoop.conf.Configuration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.ToLongFunction;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Read throughput of the trainer's token shards against the alternative the issue names: the same rows as
 * {@link PackedSequence} records in Parquet (Snappy, as Spark writes them), read through {@link ParquetRecords}.
 * Both are read from the page cache right after writing, so this measures decoding, not the disk; the fastest of
 * the interleaved rounds counts.
 */
public final class ShardReadBench {

    public static final String BASELINE = "Parquet PackedSequence (baseline)";

    /**
     * @param rows   rows to write and read
     * @param seqLen tokens per row, minus the overlap token
     * @param vocab  token ids are uniform below this (uint16 storage up to 65,536)
     */
    public record Settings(int rows, int seqLen, int vocab, int rounds) {

        public static final Settings DEFAULT = new Settings(4096, 1024, 32_000, 5);

        public Settings {
            if (rows < 1 || seqLen < 1 || vocab < 2 || rounds < 1) {
                throw new IllegalArgumentException("rows, seq_len, rounds ≥ 1 and vocab ≥ 2, got " + rows + ", "
                        + seqLen + ", " + rounds + ", " + vocab);
            }
        }
    }

    public record Row(String layout, long bytesOnDisk, long tokens, double seconds) {

        public double tokensPerSecond() {
            return tokens / seconds;
        }
    }

    /** @param rows the baseline first */
    public record Result(Settings settings, List<Row> rows) {

        public String render() {
            StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                    "token shard read throughput: %,d rows of %,d tokens, vocabulary %,d, one thread, fastest of %d "
                            + "rounds, from the page cache%n%n", settings.rows(), settings.seqLen() + 1,
                    settings.vocab(), settings.rounds()));
            int width = rows.stream().mapToInt(r -> r.layout().length()).max().orElse(6);
            out.append(String.format(Locale.ROOT, "%-" + width + "s  %12s  %14s  %11s%n", "layout", "MB on disk",
                    "tokens/s", "vs baseline"));
            for (Row row : rows) {
                out.append(String.format(Locale.ROOT, "%-" + width + "s  %12.1f  %,14.0f  %10.2fx%n", row.layout(),
                        row.bytesOnDisk() / 1e6, row.tokensPerSecond(), rows.get(0).seconds() / row.seconds()));
            }
            return out.toString();
        }
    }

    private ShardReadBench() {}

    public static Result run(Path workDir, Settings settings) throws IOException {
        List<TokenRow> data = rows(settings);
        Path binary = workDir.resolve("flat");
        try (ShardWriter writer = ShardWriter.create(binary, new ShardWriter.Settings(settings.seqLen(),
                settings.vocab(), "bench", "none", false, ShardWriter.DEFAULT_MAX_TOKENS_PER_SHARD, Map.of()))) {
            for (TokenRow row : data) {
                writer.append("train", row);
            }
            writer.finish();
        }
        Path parquet = workDir.resolve("packed.parquet");
        Configuration conf = new Configuration();
        List<PackedSequence> records = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            TokenRow row = data.get(i);
            records.add(new PackedSequence(i, row.tokens(), row.documentStarts(),
                    IntStream.range(0, row.documentStarts().length).mapToObj(d -> "doc-bench").toList()));
        }
        ParquetRecords.write(new org.apache.hadoop.fs.Path(parquet.toUri()), conf, PackedSequence.class, records);
        records.clear();

        ShardSet shards = ShardSet.open(binary);
        ShardSet.Split split = shards.split("train");
        long[] order = shuffledIndices(split.size(), 7);
        List<String> names = List.of(BASELINE, "phi4j flat binary, in order", "phi4j flat binary, random order");
        List<ToLongFunction<Void>> readers = List.of(
                none -> parquetTokens(parquet, conf),
                none -> {
                    long tokens = 0;
                    for (TokenRow row : split) {
                        tokens += checksum(row.tokens(), row.documentStarts());
                    }
                    return tokens;
                },
                none -> {
                    long tokens = 0;
                    for (long index : order) {
                        TokenRow row = split.get(index);
                        tokens += checksum(row.tokens(), row.documentStarts());
                    }
                    return tokens;
                });
        long[] fastest = new long[readers.size()];
        Arrays.fill(fastest, Long.MAX_VALUE);
        long expected = (long) settings.rows() * (settings.seqLen() + 1);
        for (int round = 0; round < settings.rounds() + 1; round++) {             // the first round warms up
            for (int r = 0; r < readers.size(); r++) {
                long start = System.nanoTime();
                long tokens = readers.get(r).applyAsLong(null);
                long elapsed = System.nanoTime() - start;
                if (tokens != expected) {
                    throw new IllegalStateException(names.get(r) + " read " + tokens + " tokens, wrote " + expected);
                }
                if (round > 0) {
                    fastest[r] = Math.min(fastest[r], elapsed);
                }
            }
        }
        long flatBytes = directorySize(binary);
        long parquetBytes = directorySize(parquet);
        List<Row> result = new ArrayList<>();
        for (int r = 0; r < readers.size(); r++) {
            result.add(new Row(names.get(r), r == 0 ? parquetBytes : flatBytes, expected, fastest[r] / 1e9));
        }
        return new Result(settings, result);
    }

    private static long parquetTokens(Path parquet, Configuration conf) {
        try (Stream<PackedSequence> rows = ParquetRecords.read(new org.apache.hadoop.fs.Path(parquet.toUri()), conf,
                PackedSequence.class)) {
            return rows.mapToLong(row -> checksum(row.tokens(), row.documentStarts())).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Counts the tokens and touches every value, so the JIT cannot skip the decoding. */
    private static long checksum(int[] tokens, int[] starts) {
        int sum = 0;
        for (int token : tokens) {
            sum += token;
        }
        for (int start : starts) {
            sum += start;
        }
        return tokens.length + (sum == Integer.MIN_VALUE ? 1 : 0);
    }

    private static List<TokenRow> rows(Settings settings) {
        Random random = new Random(42);
        List<TokenRow> rows = new ArrayList<>(settings.rows());
        for (int r = 0; r < settings.rows(); r++) {
            int[] tokens = new int[settings.seqLen() + 1];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = random.nextInt(settings.vocab());
            }
            List<Integer> starts = new ArrayList<>(List.of(0));
            for (int at = 1 + random.nextInt(600); at < tokens.length; at += 1 + random.nextInt(600)) {
                starts.add(at);                                        // documents of ~300 tokens on average
            }
            rows.add(new TokenRow(tokens, starts.stream().mapToInt(Integer::intValue).toArray()));
        }
        return rows;
    }

    private static long[] shuffledIndices(long size, long seed) {
        long[] order = new long[(int) size];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Random random = new Random(seed);
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    private static long directorySize(Path path) throws IOException {
        try (Stream<Path> files = Files.walk(path)) {
            return files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().endsWith(".crc"))
                    .mapToLong(f -> f.toFile().length()).sum();
        }
    }
}

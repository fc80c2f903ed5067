package dev.phi4j.bench.pipeline;

import dev.phi4j.core.schema.Document;
import dev.phi4j.core.schema.SourceClass;
import dev.phi4j.pipeline.decontam.BenchmarkConfig;
import dev.phi4j.pipeline.decontam.DecontamConfig;
import dev.phi4j.pipeline.dedup.DedupConfig;
import dev.phi4j.pipeline.io.SparkRecords;
import dev.phi4j.pipeline.stage.RunningContext;
import dev.phi4j.pipeline.stage.Stage;
import dev.phi4j.pipeline.stage.StageRows;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.HashingTF;
import org.apache.spark.ml.feature.MinHashLSH;
import org.apache.spark.ml.feature.MinHashLSHModel;
import org.apache.spark.ml.feature.NGram;
import org.apache.spark.ml.feature.RegexTokenizer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.sum;

/**
 * {@code phi4j bench pipeline}: dedup and decontamination throughput on a corpus of ≥ 200 MB built from the shared
 * datasets (GSM8K, tinyshakespeare, HumanEval) repeated with perturbations, on local[1]
 * and local[2]; and phi4j's MinHash-LSH against Spark MLlib's MinHashLSH on a slice of it.
 */
public final class PipelineBench {

    /**
     * Benchmark settings: where the shared datasets are, where the corpus goes, how big it is. {@code repeat}: how
     * many times each decontamination row runs, the table reading the median run; {@code warmup}: untimed runs of
     * each row before those.
     */
    public record Settings(Path shared, Path workDir, int sizeMb, int baselineDocs, List<Integer> cores,
                           List<String> tasks, int repeat, int warmup) {}

    /** One measured run. */
    public record Result(String task, String master, int cores, long docs, long bytes, double seconds, String note,
                         double cpuSeconds) {
        Result(String task, String master, int cores, long docs, long bytes, double seconds, String note) {
            this(task, master, cores, docs, bytes, seconds, note, Double.NaN);
        }

        /** MB per CPU-second: what a core does when it is not shared, read from the CPU time the run used. */
        double megabytesPerCpuSecond() {
            return bytes / 1e6 / cpuSeconds;
        }

        double docsPerSecondPerCore() {
            return docs / seconds / cores;
        }

        double megabytesPerSecondPerCore() {
            return bytes / 1e6 / seconds / cores;
        }
    }

    private PipelineBench() {}

    /** CPU seconds this JVM has used, all threads (Spark's executor threads run in it on local[n]). */
    static double processCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    public static List<Result> run(Settings settings, PrintStream out) throws IOException {
        Path corpus = settings.workDir().resolve("corpus-" + settings.sizeMb() + "mb");
        List<Result> results = new ArrayList<>();
        for (int cores : settings.cores()) {
            SparkSession spark = session("local[" + cores + "]");
            try {
                if (!Files.exists(corpus.resolve("_SUCCESS"))) {
                    out.printf("building a %d MB corpus in %s%n", settings.sizeMb(), corpus);
                    build(spark, settings, corpus);
                }
                Dataset<Row> docs = SparkRecords.read(spark, corpus.toString(), Document.class);
                long count = docs.count();
                long bytes = docs.agg(sum(length(col("text")))).first().getLong(0);
                if (settings.tasks().contains("dedup")) {
                    results.add(median(1, 0, out, () -> time("dedup", spark, cores, count, bytes, new DedupConfig(true,
                            true, 5, 14, 8, 0, 50), docs)));
                }
                if (!settings.tasks().contains("decontam")) {
                    continue;
                }
                int repeat = settings.repeat();
                results.add(median(repeat, settings.warmup(), out, () -> sparkFloor(spark, cores, count, bytes, docs, false)));
                results.add(median(repeat, settings.warmup(), out, () -> sparkFloor(spark, cores, count, bytes, docs, true)));
                results.add(median(repeat, settings.warmup(), out, () -> timeBaseline(spark, cores, count, bytes, settings.shared(),
                        docs)));
                // Each configuration building its index (none kept from before), then with the index kept, as a
                // second decontamination in the same JVM finds it.
                for (Map.Entry<String, List<DecontamConfig.MatcherKind>> matchers : DECONTAM_ROWS.entrySet()) {
                    DecontamConfig config = decontam(settings.shared(), matchers.getValue());
                    results.add(median(repeat, settings.warmup(), out, () -> {
                        dev.phi4j.pipeline.decontam.DecontamStage.forgetIndexes();
                        return time(matchers.getKey(), spark, cores, count, bytes, config, docs);
                    }));
                    results.add(median(repeat, settings.warmup(), out, () -> {
                        keepIndex(spark, config);
                        return time(matchers.getKey() + ", index cached", spark, cores, count, bytes, config, docs);
                    }));
                }
                // Real training corpora are overwhelmingly clean, this one is not (13 % are test items): the same
                // two configurations on its documents that no matcher flags show the stage's speed on such text.
                Dataset<Row> clean = cleanDocuments(spark, settings.shared(), corpus);
                long cleanCount = clean.count();
                long cleanBytes = clean.agg(sum(length(col("text")))).first().getLong(0);
                for (Map.Entry<String, List<DecontamConfig.MatcherKind>> matchers : DECONTAM_ROWS.entrySet()) {
                    DecontamConfig config = decontam(settings.shared(), matchers.getValue());
                    results.add(median(repeat, settings.warmup(), out, () -> {
                        keepIndex(spark, config);
                        return time(matchers.getKey() + ", clean only, index cached", spark, cores, cleanCount,
                                cleanBytes, config, clean);
                    }));
                }
                dev.phi4j.pipeline.decontam.DecontamStage.forgetIndexes();
                if (cores == settings.cores().get(0)) {
                    results.addAll(matchersAlone(spark, docs, settings.shared(), out));
                }
                if (cores == settings.cores().get(settings.cores().size() - 1) && settings.tasks().contains("dedup")) {
                    Dataset<Row> slice = docs.limit(settings.baselineDocs()).localCheckpoint();
                    long sliceBytes = slice.agg(sum(length(col("text")))).first().getLong(0);
                    results.add(median(1, 0, out, () -> time("dedup (slice)", spark, cores, settings.baselineDocs(),
                            sliceBytes, new DedupConfig(false, true, 5, 14, 8, 0, 50), slice)));
                    results.add(mllib(spark, cores, slice, sliceBytes, out));
                }
            } finally {
                spark.stop();
            }
        }
        return results;
    }

    private static SparkSession session(String master) {
        SparkSession spark = SparkSession.builder().master(master).appName("phi4j-bench-pipeline")
                .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
                .config("spark.driver.host", "localhost").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "16").getOrCreate();
        spark.sparkContext().setLogLevel("ERROR");
        return spark;
    }

    private static final List<DecontamConfig.MatcherKind> ALL_MATCHERS = List.of(DecontamConfig.MatcherKind.PAPER,
            DecontamConfig.MatcherKind.NORMALIZED, DecontamConfig.MatcherKind.SENTENCES);

    /** The decontamination rows' names and the matchers each runs, in the order they run. */
    private static final Map<String, List<DecontamConfig.MatcherKind>> DECONTAM_ROWS = new java.util.LinkedHashMap<>();

    static {
        DECONTAM_ROWS.put("decontam", List.of(DecontamConfig.MatcherKind.PAPER));
        DECONTAM_ROWS.put("decontam (3 matchers)", ALL_MATCHERS);
    }

    /**
     * The same pass with no matching at all (each text handed to a function that flags nothing, the rows counted by
     * drop reason): what Spark costs before any matcher runs, the floor under the decontam rows. The text is handed
     * over as a Java string (the previous stage's form) or as its UTF-8 bytes (the new stage's form).
     */
    private static Result sparkFloor(SparkSession spark, int cores, long docs, long bytes, Dataset<Row> input,
                                     boolean utf8) {
        org.apache.spark.sql.expressions.UserDefinedFunction nothing = utf8
                ? org.apache.spark.sql.functions.udf((org.apache.spark.sql.api.java.UDF1<byte[], Boolean>) text ->
                        text.length < 0, org.apache.spark.sql.types.DataTypes.BooleanType).asNondeterministic()
                : org.apache.spark.sql.functions.udf((org.apache.spark.sql.api.java.UDF1<String, Boolean>) text ->
                        text.isEmpty() && text.length() < 0, org.apache.spark.sql.types.DataTypes.BooleanType)
                        .asNondeterministic();
        long start = System.nanoTime();
        double cpu = processCpuSeconds();
        Dataset<Row> marked = StageRows.withReason(input).withColumn("_flagged", nothing.apply(utf8
                ? col("text").cast(org.apache.spark.sql.types.DataTypes.BinaryType) : col("text")));
        long rows = marked.groupBy(col(dev.phi4j.pipeline.stage.Stage.DROP_REASON), col("_flagged")).count()
                .collectAsList().size();
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(utf8 ? "spark pass, no matching, bytes" : "spark pass, no matching",
                spark.sparkContext().master(), cores, docs, bytes, seconds, rows + " group", processCpuSeconds() - cpu);
    }

    /** The previous decontamination (before issue #19) over the same rows, timed the same way. */
    private static Result timeBaseline(SparkSession spark, int cores, long docs, long bytes, Path shared,
                                       Dataset<Row> input) {
        long start = System.nanoTime();
        double cpu = processCpuSeconds();
        Dataset<Row> marked;
        try {
            marked = PaperMatcherBaseline.apply(spark, input, shared.resolve("datasets"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        double indexSeconds = (System.nanoTime() - start) / 1e9;
        List<Row> reasons = marked.groupBy(StageRows.documentColumnsAndReason()[StageRows.REASON]).count()
                .collectAsList();
        double seconds = (System.nanoTime() - start) / 1e9;
        String note = reasons.stream().filter(r -> !r.isNullAt(0))
                .map(r -> r.getString(0) + " " + r.getLong(1)).reduce((a, b) -> a + ", " + b).orElse("none dropped")
                + String.format(Locale.ROOT, "; driver's apply (index built) %.1f s, the pass after it %.1f MB/s/core",
                indexSeconds, bytes / 1e6 / (seconds - indexSeconds) / cores);
        return new Result("decontam (previous)", spark.sparkContext().master(), cores, docs, bytes, seconds,
                note, processCpuSeconds() - cpu);
    }

    /**
     * The matchers alone, without Spark: one thread judging the first texts of the corpus (up to 64 MB) in memory,
     * the previous matcher against the new one with the paper's rule and with all three matchers; each run twice,
     * the second timed (JIT warm). Each is handed the text in the form its stage's pass reads: a Java string for the
     * previous matcher, the UTF-8 bytes Spark holds for the new one.
     */
    private static List<Result> matchersAlone(SparkSession spark, Dataset<Row> docs, Path shared, PrintStream out)
            throws IOException {
        List<String> texts = new ArrayList<>();
        long bytes = 0;
        for (java.util.Iterator<Row> it = docs.select("text").toLocalIterator(); it.hasNext() && bytes < 64_000_000; ) {
            String text = it.next().getString(0);
            texts.add(text);
            bytes += text.length();
        }
        List<byte[]> utf8 = texts.stream().map(text -> text.getBytes(StandardCharsets.UTF_8)).toList();
        java.util.function.Function<String, String> previous = PaperMatcherBaseline.judge(shared.resolve("datasets"));
        java.util.function.Predicate<byte[]> paper = ((dev.phi4j.pipeline.decontam.DecontamStage) decontam(shared,
                List.of(DecontamConfig.MatcherKind.PAPER)).build()).contaminated(spark);
        java.util.function.Predicate<byte[]> all = ((dev.phi4j.pipeline.decontam.DecontamStage) decontam(shared,
                ALL_MATCHERS).build()).contaminated(spark);
        Map<String, java.util.function.IntPredicate> judges = new java.util.LinkedHashMap<>();
        judges.put("matcher alone (previous)", i -> previous.apply(texts.get(i)) != null);
        judges.put("matcher alone (paper)", i -> paper.test(utf8.get(i)));
        judges.put("matcher alone (3 matchers)", i -> all.test(utf8.get(i)));
        List<Result> results = new ArrayList<>();
        for (Map.Entry<String, java.util.function.IntPredicate> judge : judges.entrySet()) {
            double seconds = 0;
            double cpu = 0;
            long flagged = 0;
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            for (int round = 0; round < 2; round++) {
                flagged = 0;
                long start = System.nanoTime();
                long cpuStart = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < texts.size(); i++) {
                    flagged += judge.getValue().test(i) ? 1 : 0;
                }
                seconds = (System.nanoTime() - start) / 1e9;
                cpu = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
            }
            Result result = new Result(judge.getKey(), "1 thread", 1, texts.size(), bytes, seconds,
                    "contaminated " + flagged, cpu);
            out.println(render(result));
            results.add(result);
        }
        return results;
    }

    private static DecontamConfig decontam(Path shared, List<DecontamConfig.MatcherKind> matchers) {
        Path datasets = shared.resolve("datasets");
        return new DecontamConfig(List.of(
                new BenchmarkConfig("gsm8k", BenchmarkConfig.Format.GSM8K, datasets.resolve("gsm8k/test.jsonl").toString(),
                        List.of(), Optional.empty()),
                new BenchmarkConfig("humaneval", BenchmarkConfig.Format.HUMANEVAL,
                        datasets.resolve("humaneval/HumanEval.jsonl.gz").toString(), List.of(), Optional.empty())),
                List.of(new BenchmarkConfig("gsm8k-train", BenchmarkConfig.Format.GSM8K,
                        datasets.resolve("gsm8k/train.jsonl").toString(), List.of("question", "answer"),
                        Optional.empty())),
                1, 13, 7, 0.5, 0.2, matchers, DecontamConfig.Action.DROP, DecontamConfig.Action.KEEP, 100);
    }

    /** Builds the configuration's index unless this JVM keeps it already, so that the next run finds it kept. */
    private static void keepIndex(SparkSession spark, DecontamConfig config) {
        ((dev.phi4j.pipeline.decontam.DecontamStage) config.build()).judge(spark);
    }

    /**
     * The corpus's documents that the stage with all three matchers leaves unflagged (no {@code decontam.status}:
     * neither contaminated nor partial; the paper's rule alone flags a subset of what the three flag), written once
     * next to the corpus and reused.
     */
    private static Dataset<Row> cleanDocuments(SparkSession spark, Path shared, Path corpus) {
        Path clean = corpus.resolveSibling(corpus.getFileName() + "-clean");
        if (!Files.exists(clean.resolve("_SUCCESS"))) {
            // One task per corpus file, so the clean documents keep the corpus's files and order (a document's
            // perturbed copies follow it, which the matcher's caches like): packed into one task, they would become
            // one file that one task reads, leaving local[2] a core idle; repartitioned, they would be shuffled.
            String maxPartitionBytes = "spark.sql.files.maxPartitionBytes";
            String before = spark.conf().get(maxPartitionBytes);
            spark.conf().set(maxPartitionBytes, "1m");
            try {
                Dataset<Row> marked = decontam(shared, ALL_MATCHERS).build().apply(SparkRecords.read(spark,
                        corpus.toString(), Document.class), new RunningContext(spark, 1234));
                marked.filter(col("metadata").getItem("decontam.status").isNull())
                        .select(StageRows.documentColumns()).write().mode(SaveMode.Overwrite).parquet(clean.toString());
            } finally {
                spark.conf().set(maxPartitionBytes, before);
            }
        }
        return SparkRecords.read(spark, clean.toString(), Document.class);
    }

    /**
     * Runs {@code run} {@code warmup} times untimed, then {@code repeat} times, printing each run, and returns the
     * median run (by wall-clock time), its note saying the range: runs of a second or two on a shared machine move by
     * a fifth from one to the next, and each Spark query compiles code of its own (its plan, Spark's planner) that the
     * JIT compiles on the same cores for the first runs.
     */
    private static Result median(int repeat, int warmup, PrintStream out, java.util.function.Supplier<Result> run) {
        for (int i = 0; i < warmup; i++) {
            out.println(render(run.get()) + " (warm-up, not counted)");
        }
        List<Result> runs = new ArrayList<>();
        for (int i = 0; i < repeat; i++) {
            Result result = run.get();
            out.println(render(result));
            runs.add(result);
        }
        if (repeat == 1) {
            return runs.get(0);
        }
        runs.sort(java.util.Comparator.comparingDouble(Result::seconds));
        Result median = runs.get(repeat / 2);
        Result result = new Result(median.task(), median.master(), median.cores(), median.docs(), median.bytes(),
                median.seconds(), String.format(Locale.ROOT, "median of %d runs (%.2f–%.2f s); %s", repeat,
                runs.get(0).seconds(), runs.get(repeat - 1).seconds(), median.note()), median.cpuSeconds());
        out.println(render(result));
        return result;
    }

    /** Runs a stage over the corpus to the end (every row marked, nothing written) and times it. */
    private static Result time(String task, SparkSession spark, int cores, long docs, long bytes,
                               dev.phi4j.pipeline.stage.StageConfig config, Dataset<Row> input) {
        Stage stage = config.build();
        RunningContext context = new RunningContext(spark, 1234);
        long start = System.nanoTime();
        double cpu = processCpuSeconds();
        Dataset<Row> marked = stage.apply(input, context);
        double indexSeconds = (System.nanoTime() - start) / 1e9;
        List<Row> reasons = marked.groupBy(StageRows.documentColumnsAndReason()[StageRows.REASON]).count()
                .collectAsList();
        double seconds = (System.nanoTime() - start) / 1e9;
        String note = reasons.stream().filter(r -> !r.isNullAt(0))
                .map(r -> r.getString(0) + " " + r.getLong(1)).reduce((a, b) -> a + ", " + b).orElse("none dropped")
                + String.format(Locale.ROOT, "; driver's apply (its index) %.1f s, the pass after it %.1f MB/s/core",
                indexSeconds, bytes / 1e6 / (seconds - indexSeconds) / cores);
        return new Result(task, spark.sparkContext().master(), cores, docs, bytes, seconds, note,
                processCpuSeconds() - cpu);
    }

    /**
     * MLlib's MinHashLSH on the same shingles: {@code numHashTables} single-hash tables OR-ed (MLlib has no
     * AND within a band), then approxSimilarityJoin at Jaccard distance 0.3 (similarity ≥ 0.7), the pairs counted.
     */
    private static Result mllib(SparkSession spark, int cores, Dataset<Row> slice, long bytes, PrintStream out) {
        // MinHashLSH rejects empty vectors: texts without a five-word shingle are left out.
        spark.udf().register("phi4j_nonempty", (org.apache.spark.sql.api.java.UDF1<org.apache.spark.ml.linalg.Vector,
                Boolean>) vector -> vector.numNonzeros() > 0, org.apache.spark.sql.types.DataTypes.BooleanType);
        long start = System.nanoTime();
        Pipeline features = new Pipeline().setStages(new PipelineStage[] {
                new RegexTokenizer().setInputCol("text").setOutputCol("words").setPattern("[^\\p{L}\\p{N}]+"),
                new NGram().setN(5).setInputCol("words").setOutputCol("shingles"),
                new HashingTF().setInputCol("shingles").setOutputCol("features").setNumFeatures(1 << 22)});
        PipelineModel model = features.fit(slice);
        Dataset<Row> vectors = model.transform(slice).select("id", "features")
                .filter(org.apache.spark.sql.functions.callUDF("phi4j_nonempty", col("features")))
                .localCheckpoint();
        MinHashLSHModel lsh = new MinHashLSH().setNumHashTables(14).setInputCol("features").setOutputCol("hashes")
                .setSeed(1234).fit(vectors);
        long pairs = lsh.approxSimilarityJoin(vectors, vectors, 0.3, "distance")
                .filter(col("datasetA.id").lt(col("datasetB.id"))).count();
        double seconds = (System.nanoTime() - start) / 1e9;
        Result result = new Result("mllib MinHashLSH (slice)", spark.sparkContext().master(), cores, slice.count(),
                bytes, seconds, pairs + " pairs at similarity ≥ 0.7");
        out.println(render(result));
        return result;
    }

    static String render(Result r) {
        return String.format(Locale.ROOT, "%-36s %-9s %,9d docs %8.1f MB %8.1f s %10.0f docs/s/core %7.2f MB/s/core"
                        + "%s  %s", r.task(), r.master(), r.docs(), r.bytes() / 1e6, r.seconds(),
                r.docsPerSecondPerCore(), r.megabytesPerSecondPerCore(), Double.isNaN(r.cpuSeconds()) ? ""
                        : String.format(Locale.ROOT, " %7.2f MB/CPU-s", r.megabytesPerCpuSecond()), r.note());
    }

    /** The summary table: each task's throughput per core on each master and the scaling efficiency. */
    public static String table(List<Result> results) {
        StringBuilder out = new StringBuilder();
        for (String task : List.of("dedup", "spark pass, no matching", "spark pass, no matching, bytes",
                "decontam (previous)", "decontam",
                "decontam (3 matchers)", "decontam, index cached", "decontam (3 matchers), index cached",
                "decontam, clean only, index cached", "decontam (3 matchers), clean only, index cached")) {
            List<Result> runs = results.stream().filter(r -> r.task().equals(task)).toList();
            if (runs.size() >= 2) {
                Result one = runs.get(0);
                Result two = runs.get(runs.size() - 1);
                double speedup = one.seconds() / two.seconds();
                out.append(String.format(Locale.ROOT, "%-36s %s %.1f s, %s %.1f s: speed-up %.2f×, scaling "
                                + "efficiency %.0f%%%n", task, one.master(), one.seconds(), two.master(), two.seconds(),
                        speedup, 100 * speedup / ((double) two.cores() / one.cores())));
            }
        }
        List<Result> previous = results.stream().filter(r -> r.task().equals("decontam (previous)")).toList();
        for (String task : List.of("decontam", "decontam (3 matchers)", "decontam, index cached",
                "decontam (3 matchers), index cached")) {
            List<Result> now = results.stream().filter(r -> r.task().equals(task)).toList();
            for (int i = 0; i < Math.min(previous.size(), now.size()); i++) {
                out.append(String.format(Locale.ROOT, "%-36s %s: %.1f MB/s per core vs previous %.1f (%.2f×); "
                                + "%.1f MB per CPU-second vs previous %.1f%n", task,
                        now.get(i).master(), now.get(i).megabytesPerSecondPerCore(),
                        previous.get(i).megabytesPerSecondPerCore(), previous.get(i).seconds() / now.get(i).seconds(),
                        now.get(i).megabytesPerCpuSecond(), previous.get(i).megabytesPerCpuSecond()));
            }
        }
        for (String mixed : List.of("decontam, index cached", "decontam (3 matchers), index cached")) {
            List<Result> onMixed = results.stream().filter(r -> r.task().equals(mixed)).toList();
            List<Result> onClean = results.stream().filter(r -> r.task().equals(mixed.replace(", index cached",
                    ", clean only, index cached"))).toList();
            for (int i = 0; i < Math.min(onMixed.size(), onClean.size()); i++) {
                out.append(String.format(Locale.ROOT, "%-36s %s: clean only %.1f MB/s per core (%.1f MB) vs the "
                                + "mixed corpus %.1f (%.1f MB): %.2f×%n", mixed, onClean.get(i).master(),
                        onClean.get(i).megabytesPerSecondPerCore(), onClean.get(i).bytes() / 1e6,
                        onMixed.get(i).megabytesPerSecondPerCore(), onMixed.get(i).bytes() / 1e6,
                        onClean.get(i).megabytesPerSecondPerCore() / onMixed.get(i).megabytesPerSecondPerCore()));
            }
        }
        results.stream().filter(r -> r.task().startsWith("matcher alone (previous)")).findFirst().ifPresent(before ->
                results.stream().filter(r -> r.task().startsWith("matcher alone (")).forEach(r -> out.append(
                        String.format(Locale.ROOT, "%-26s 1 thread: %.1f MB/s, %.1f MB per CPU-second (%.2f× the "
                                        + "previous matcher)%n", r.task(), r.megabytesPerSecondPerCore(),
                                r.megabytesPerCpuSecond(), before.cpuSeconds() / r.cpuSeconds()))));
        results.stream().filter(r -> r.task().equals("dedup (slice)")).findFirst().ifPresent(phi4j ->
                results.stream().filter(r -> r.task().startsWith("mllib")).findFirst().ifPresent(mllib ->
                        out.append(String.format(Locale.ROOT, "MinHash-LSH on %,d docs: phi4j %.1f s vs MLlib %.1f s "
                                + "(%.2f× faster)%n", phi4j.docs(), phi4j.seconds(), mllib.seconds(),
                                mllib.seconds() / phi4j.seconds()))));
        return out.toString();
    }

    /**
     * Real texts from the shared datasets, each copied with perturbations until the corpus reaches the size: copy
     * 0 is the text itself; later copies change about one word in {@code 1/(copy+5)}, so copies are near
     * duplicates of the original (and of each other) at falling similarity. Written once and reused.
     */
    private static void build(SparkSession spark, Settings settings, Path corpus) throws IOException {
        List<String> texts = baseTexts(settings.shared().resolve("datasets"));
        long baseBytes = texts.stream().mapToLong(String::length).sum();
        int copies = (int) Math.ceil(settings.sizeMb() * 1e6 / baseBytes);
        Dataset<Row> base = spark.createDataset(texts, org.apache.spark.sql.Encoders.STRING()).toDF("text")
                .repartition(16);
        Dataset<Row> docs = base.flatMap((FlatMapFunction<Row, Row>) row -> {
            String text = row.getString(0);
            List<Row> out = new ArrayList<>();
            for (int copy = 0; copy < copies; copy++) {
                String perturbed = copy == 0 ? text : perturb(text, copy);
                out.add(SparkRecords.toRow(Document.of("bench", SourceClass.OTHER, "bench#" + copy + ":"
                        + Integer.toHexString(text.hashCode()), perturbed, Map.of(), List.of())));
            }
            return out.iterator();
        }, org.apache.spark.sql.Encoders.row(SparkRecords.structType(Document.class)));
        docs.write().mode(SaveMode.Overwrite).parquet(corpus.toString());
    }

    static String perturb(String text, int copy) {
        SplittableRandom random = new SplittableRandom(text.hashCode() * 31L + copy);
        String[] words = text.split(" ");
        int every = copy + 5;
        for (int i = 0; i < words.length; i++) {
            if (random.nextInt(every) == 0) {
                words[i] = switch (random.nextInt(3)) {
                    case 0 -> Integer.toString(random.nextInt(1000));
                    case 1 -> words[random.nextInt(words.length)];
                    default -> words[i] + " indeed";
                };
            }
        }
        return String.join(" ", words);
    }

    private static List<String> baseTexts(Path datasets) throws IOException {
        List<String> texts = new ArrayList<>();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (String split : List.of("train", "test")) {
            for (String line : Files.readAllLines(datasets.resolve("gsm8k/" + split + ".jsonl"))) {
                var item = json.readTree(line);
                texts.add(item.get("question").asText() + "\n\n" + item.get("answer").asText());
            }
        }
        for (String block : Files.readString(datasets.resolve("tinyshakespeare/input.txt")).split("\n\n")) {
            if (block.length() > 200) {
                texts.add(block);
            }
        }
        try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(new GZIPInputStream(
                Files.newInputStream(datasets.resolve("humaneval/HumanEval.jsonl.gz"))), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                var item = json.readTree(line);
                texts.add(item.get("prompt").asText() + item.get("canonical_solution").asText());
            }
        }
        return texts;
    }
}

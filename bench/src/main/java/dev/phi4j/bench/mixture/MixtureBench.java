package dev.phi4j.bench.mixture;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phi4j.bench.shard.ShardReadBench;
import dev.phi4j.core.run.RunConfig;
import dev.phi4j.core.schema.Document;
import dev.phi4j.core.schema.ParquetRecords;
import dev.phi4j.core.schema.SourceClass;
import dev.phi4j.core.shard.ShardNames;
import dev.phi4j.core.shard.ShardSet;
import dev.phi4j.core.shard.TokenRow;
import dev.phi4j.core.tokenizer.Tokenizer;
import dev.phi4j.core.tokenizer.TokenizerConfig;
import dev.phi4j.core.tokenizer.Tokenizers;
import dev.phi4j.pipeline.Pipeline;
import dev.phi4j.pipeline.StageOutputConfig;
import dev.phi4j.pipeline.SparkConfig;
import dev.phi4j.pipeline.PipelineSpark;
import dev.phi4j.pipeline.ingest.IngestConfig;
import dev.phi4j.pipeline.ingest.JsonlSource;
import dev.phi4j.pipeline.mixture.EpochCaps;
import dev.phi4j.pipeline.mixture.GroupShares;
import dev.phi4j.pipeline.mixture.MixtureBuild;
import dev.phi4j.pipeline.mixture.MixtureConfig;
import dev.phi4j.pipeline.mixture.PretrainSetConfig;
import dev.phi4j.pipeline.mixture.ProfileConfig;
import dev.phi4j.pipeline.stage.ManifestJson;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * {@code phi4j bench mixture}: tokenize + pack throughput of the mixture job per core, on a corpus made of the shared
 * datasets (GSM8K as Q&A, tinyshakespeare as books, HumanEval as code, the Common Crawl page as web, each text
 * copied {@code copies} times with a copy marker so the copies are distinct documents) run through the pipeline's
 * ingest, against the tokenizer alone on the same texts (the baseline: what tokenization costs without Spark), and
 * the trainer-side read speed of the shards it wrote, beside {@link ShardReadBench}'s flat-binary-vs-Parquet table.
 */
public final class MixtureBench {

    public record Settings(Path shared, Path work, TokenizerConfig tokenizer, int seqLen, int copies,
                           List<Integer> cores, int rounds) {}

    /** One measured line: tokens handled in the fastest round. */
    public record Row(String what, int cores, long tokens, double seconds) {

        public double tokensPerSecond() {
            return tokens / seconds;
        }

        public double perCore() {
            return tokensPerSecond() / cores;
        }
    }

    public record Result(long documents, long tokens, String tokenizer, int seqLen, int rounds, List<Row> rows,
                         ShardReadBench.Result reads) {

        public String render() {
            StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "mixture bench: %,d documents, %,d "
                            + "tokens (%s), seq_len %,d; fastest of %d round(s)%n%n", documents, tokens, tokenizer,
                    seqLen, rounds));
            double baseline = rows.get(0).perCore();
            int width = rows.stream().mapToInt(r -> r.what().length()).max().orElse(10);
            out.append(String.format(Locale.ROOT, "%-" + width + "s  %5s  %14s  %14s  %9s  %12s%n", "", "cores",
                    "tokens/s", "per core", "seconds", "vs baseline"));
            for (Row row : rows) {
                out.append(String.format(Locale.ROOT, "%-" + width + "s  %5d  %,14.0f  %,14.0f  %9.2f  %11.2fx%n",
                        row.what(), row.cores(), row.tokensPerSecond(), row.perCore(), row.seconds(),
                        row.perCore() / baseline));
            }
            out.append("\n(vs baseline: per-core tokens/s ÷ the tokenizer alone on one core; shard reads are tokens"
                    + " the trainer gets per second)\n\n");
            return out.append(reads.render()).toString();
        }
    }

    private MixtureBench() {}

    public static Result run(Settings settings, PrintStream log) throws IOException {
        Path run = settings.work().resolve("runs/bench");
        int maxCores = settings.cores().stream().mapToInt(Integer::intValue).max().orElse(1);
        if (!Files.exists(run.resolve("00-ingest/_manifest.json"))) {
            Path corpus = settings.work().resolve("corpus-x" + settings.copies());
            writeCorpus(settings.shared().resolve("datasets"), corpus, settings.copies(), log);
            SparkConfig spark = new SparkConfig("local[" + maxCores + "]", "phi4j-bench-mixture", 4, 4, "warn",
                    Map.of());
            SparkSession session = PipelineSpark.session(spark);
            try {
                List<JsonlSource> sources = new ArrayList<>();
                for (SourceClass sourceClass : List.of(SourceClass.WEB, SourceClass.CODE, SourceClass.QA,
                        SourceClass.BOOKS)) {
                    String name = sourceClass.name().toLowerCase(Locale.ROOT);
                    sources.add(new JsonlSource(name, sourceClass, List.of(corpus.resolve(name + ".jsonl").toString()),
                            List.of("text"), "\n\n", Optional.empty(), List.of(), List.of(".jsonl"), 1L << 32,
                            1 << 24));
                }
                new Pipeline(new RunConfig("bench", settings.work().resolve("runs").toString(), 1), spark,
                        new StageOutputConfig(false, 1),
                        List.of(Pipeline.Step.of(new IngestConfig(List.copyOf(sources)))), log)
                        .run(session, "# phi4j bench mixture\n");
            } finally {
                session.stop();
            }
        }
        List<String> texts = texts(run.resolve("00-ingest/data"));
        List<Row> rows = new ArrayList<>();
        Tokenizer tokenizer = Tokenizers.prepare(settings.tokenizer(), done -> { });
        long tokens = 0;
        double fastest = Double.MAX_VALUE;
        for (int round = 0; round <= settings.rounds(); round++) {        // round 0 warms the JIT up
            long start = System.nanoTime();
            long count = 0;
            for (String text : texts) {
                count += tokenizer.encode(text).length;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (round > 0) {
                fastest = Math.min(fastest, seconds);
            }
            tokens = count;
        }
        rows.add(new Row("tokenizer alone (baseline, no Spark)", 1, tokens, fastest));
        log.printf(Locale.ROOT, "baseline: %,d tokens in %.2f s%n", tokens, fastest);

        Path firstShards = null;
        for (int cores : settings.cores()) {
            double tokenize = Double.MAX_VALUE;
            double pack = Double.MAX_VALUE;
            long written = 0;
            SparkSession session = PipelineSpark.session(new SparkConfig("local[" + cores + "]",
                    "phi4j-bench-mixture", Math.max(2, 2 * cores), 4, "warn", Map.of()));
            try {
                for (int round = 0; round <= settings.rounds(); round++) {
                    Path out = settings.work().resolve("mixtures-local" + cores + "-" + round);
                    delete(out);
                    PretrainSetConfig set = new PretrainSetConfig("pretrain", settings.seqLen(),
                            tokens + texts.size(), GroupShares.table5(), EpochCaps.uniform(1e6), 0.01, 1L << 27,
                            cores, true);
                    MixtureConfig config = new MixtureConfig(Map.of("default", run.resolve("ingest").toString()),
                            Optional.of(out.toString()), settings.tokenizer(), new SparkConfig("local[" + cores + "]",
                            "bench", 4, 4, "warn", Map.of()), 1, new ProfileConfig(3, 10, 200), List.of(set));
                    MixtureBuild.Outcome outcome = new MixtureBuild(config, log).run(session).get(0);
                    Map<String, Double> phases = outcome.manifest().timings().phases();
                    if (round > 0) {
                        tokenize = Math.min(tokenize, phases.getOrDefault("tokenize", Double.NaN));
                        pack = Math.min(pack, phases.getOrDefault("statistics and plan", 0.0)
                                + phases.getOrDefault("placement", 0.0) + phases.getOrDefault("pack", 0.0));
                    }
                    written = outcome.manifest().shards().splits().get(ShardNames.TRAIN).tokens();
                    if (firstShards == null) {
                        firstShards = out.resolve("pretrain/shards");
                    } else {
                        delete(out);
                    }
                }
            } finally {
                session.stop();
            }
            if (cores == settings.cores().get(0)) {
                rows.add(new Row("tokenize on Spark (Parquet in and out)", cores, tokens, tokenize));
                rows.add(new Row("pack on Spark (plan, sort, shards, index)", cores, written, pack));
            }
            rows.add(new Row("tokenize + pack on Spark", cores, tokens, tokenize + pack));
        }

        ShardSet.Split train = ShardSet.open(firstShards).split(ShardNames.TRAIN);
        long[] order = new long[(int) train.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Random random = new Random(7);
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        double sequential = Double.MAX_VALUE;
        double shuffled = Double.MAX_VALUE;
        long stored = train.size() * (settings.seqLen() + 1L);
        for (int round = 0; round <= settings.rounds(); round++) {
            long start = System.nanoTime();
            long sum = 0;
            for (TokenRow row : train) {
                sum += touch(row);
            }
            double inOrder = (System.nanoTime() - start) / 1e9;
            start = System.nanoTime();
            for (long index : order) {
                sum += touch(train.get(index));
            }
            double random2 = (System.nanoTime() - start) / 1e9;
            if (sum != 2 * stored) {
                throw new IllegalStateException("read " + sum + " tokens, the shards hold " + stored);
            }
            if (round > 0) {
                sequential = Math.min(sequential, inOrder);
                shuffled = Math.min(shuffled, random2);
            }
        }
        rows.add(new Row("trainer reads the shards, in order", 1, stored, sequential));
        rows.add(new Row("trainer reads the shards, random order", 1, stored, shuffled));
        Path readBench = settings.work().resolve("shard-read-bench");
        delete(readBench);
        Files.createDirectories(readBench);
        ShardReadBench.Result reads = ShardReadBench.run(readBench, new ShardReadBench.Settings(4096,
                settings.seqLen(), Math.min(tokenizer.vocabSize(), 65_536), Math.max(1, settings.rounds())));
        delete(readBench);
        return new Result(texts.size(), tokens, tokenizer.name(), settings.seqLen(), settings.rounds(), rows, reads);
    }

    /** Counts the tokens of a row and reads every one, so the JIT cannot skip the decoding. */
    private static long touch(TokenRow row) {
        int sum = 0;
        for (int token : row.tokens()) {
            sum += token;
        }
        return row.tokens().length + (sum == Integer.MIN_VALUE ? 1 : 0);
    }

    private static List<String> texts(Path data) throws IOException {
        List<String> texts = new ArrayList<>();
        Configuration conf = new Configuration();
        try (Stream<Path> files = Files.list(data)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".parquet")).sorted().toList()) {
                try (Stream<Document> documents = ParquetRecords.read(new org.apache.hadoop.fs.Path(file.toUri()),
                        conf, Document.class)) {
                    documents.forEach(d -> texts.add(d.text()));
                }
            }
        }
        return texts;
    }

    /** The bench corpus as one JSONL file of {@code {"text": …}} per source class. */
    private static void writeCorpus(Path datasets, Path corpus, int copies, PrintStream log) throws IOException {
        Map<String, List<String>> texts = new LinkedHashMap<>();
        ObjectMapper json = new ObjectMapper();
        List<String> qa = new ArrayList<>();
        for (String split : List.of("train", "test")) {
            for (String line : Files.readAllLines(datasets.resolve("gsm8k/" + split + ".jsonl"))) {
                var item = json.readTree(line);
                qa.add(item.get("question").asText() + "\n\n" + item.get("answer").asText());
            }
        }
        List<String> books = new ArrayList<>();
        for (String block : Files.readString(datasets.resolve("tinyshakespeare/input.txt")).split("\n\n")) {
            if (!block.isBlank()) {
                books.add(block);
            }
        }
        List<String> code = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                Files.newInputStream(datasets.resolve("humaneval/HumanEval.jsonl.gz"))), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                var item = json.readTree(line);
                code.add(item.get("prompt").asText() + item.get("canonical_solution").asText());
            }
        }
        List<String> web = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                Files.newInputStream(datasets.resolve("commoncrawl/whirlwind.warc.wet.gz"))), StandardCharsets.UTF_8))) {
            StringBuilder all = new StringBuilder();
            String line;
            while ((line = reader.readLine()) != null) {
                all.append(line).append('\n');
            }
            for (String record : all.toString().split("WARC/1\\.0\n")) {
                int body = record.indexOf("\n\n");
                if (record.contains("WARC-Type: conversion") && body > 0) {
                    web.add(record.substring(body + 2).trim());
                }
            }
        }
        texts.put("web", web);
        texts.put("code", code);
        texts.put("qa", qa);
        texts.put("books", books);
        Files.createDirectories(corpus);
        long chars = 0;
        for (Map.Entry<String, List<String>> entry : texts.entrySet()) {
            try (Writer out = Files.newBufferedWriter(corpus.resolve(entry.getKey() + ".jsonl"))) {
                for (int copy = 0; copy < copies; copy++) {
                    for (String text : entry.getValue()) {
                        ObjectNode line = ManifestJson.MAPPER.createObjectNode();
                        String copied = copy == 0 ? text : "(copy " + copy + ") " + text;
                        line.put("text", copied);
                        chars += copied.length();
                        out.write(json.writeValueAsString(line));
                        out.write('\n');
                    }
                }
            }
        }
        log.printf(Locale.ROOT, "bench corpus: %s × %d copies, %,d characters in %s%n", texts.keySet(), copies, chars,
                corpus);
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}

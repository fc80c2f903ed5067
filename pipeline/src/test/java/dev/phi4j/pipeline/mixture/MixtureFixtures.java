package dev.phi4j.pipeline.mixture;

import dev.phi4j.core.tokenizer.TokenizerConfig;
import dev.phi4j.pipeline.Pipeline;
import dev.phi4j.pipeline.PipelineConfig;
import dev.phi4j.pipeline.SparkConfig;
import dev.phi4j.pipeline.TestSpark;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A pipeline run over the shared real datasets, and mixture configs on it. */
public final class MixtureFixtures {

    static final SparkConfig SPARK = new SparkConfig("local[2]", "test", 4, 2, "warn", Map.of());
    static final TokenizerConfig PHI4 = new TokenizerConfig(TokenizerConfig.Kind.PHI4, Optional.empty(), 1024,
            List.of());

    /** The shared sample build: a pipeline run over the real datasets and its four sets. */
    public record SampleRun(Path run, List<MixtureBuild.Outcome> outcomes) {
        public MixtureBuild.Outcome set(String name) {
            return outcomes.stream().filter(o -> o.manifest().name().equals(name)).findFirst().orElseThrow();
        }
    }

    static final int SEQ_LEN = 128;
    private static SampleRun sample;

    private MixtureFixtures() {}

    /**
     * Built once per test JVM (ingest and tokenization are the slow part) and shared by the test classes that only
     * read it: pretrain (seq_len 128, Phi-4 tokenizer, automatic budget), midtrain (4 × 128, long documents from
     * 250 tokens, upweighted from 600), and SFT and DPO sets from the bundled sample chats and pairs.
     */
    public static synchronized SampleRun sampleRun(SparkSession spark) {
        if (sample == null) {
            try {
                Path dir = Files.createTempDirectory("phi4j-mixture-test");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
                Path run = realRun(spark, dir);
                Path data = TestSpark.root().resolve("datasets/sample");
                MidtrainSetConfig midtrain = new MidtrainSetConfig("midtrain", 4 * SEQ_LEN, 0, 0.3, 250, 600, 2.0, 0,
                        16, GroupShares.table5(), EpochCaps.uniform(16), 0.05, 1L << 27, 1, true);
                List<MixtureSetConfig> sets = List.of(pretrain("pretrain", SEQ_LEN, 0, 3), midtrain,
                        new SftSetConfig("sft", 2 * SEQ_LEN, List.of(data.resolve("sft/conversations.jsonl").toString()),
                                PostTrainingInput.AUTO, SftSetConfig.Packing.PACKED, 0.1, 1L << 27, 1),
                        new DpoSetConfig("dpo", 2 * SEQ_LEN, List.of(data.resolve("dpo/pairs.jsonl").toString()),
                                PostTrainingInput.AUTO, 0.1, 1L << 27, 1));
                sample = new SampleRun(run, build(spark, config(run, Optional.empty(), PHI4, sets)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return sample;
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort at JVM exit: the folder is under the system temp directory
        }
    }

    /**
     * Runs the whole pipeline (ingest, clean, dedup, decontaminate) on real data into {@code dir/runs/real}: web
     * (the Common Crawl WARC and WET captures of one page), code (this repository's own core sources), Q&A (the
     * first 2,500 GSM8K train problems) and books (the first 300,000 characters of tinyshakespeare, one document per
     * paragraph), decontaminated against GSM8K test and HumanEval as {@code configs/pipeline/shared.yaml} does;
     * returns the run folder. The excerpts keep the suite's time down; they still hold GSM8K train problems that
     * share 13-grams with GSM8K test.
     */
    static Path realRun(SparkSession spark, Path dir) {
        Path gsm8k = dir.resolve("gsm8k-train-head.jsonl");
        Path shakespeare = dir.resolve("tinyshakespeare-head.txt");
        try {
            Files.write(gsm8k, Files.readAllLines(TestSpark.shared("gsm8k/train.jsonl")).subList(0, 2500));
            String play = Files.readString(TestSpark.shared("tinyshakespeare/input.txt"));
            Files.writeString(shakespeare, play.substring(0, play.indexOf("\n\n", 300_000)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String yaml = """
                run: {name: real, output_dir: %s, seed: 7}
                spark: {master: "local[2]", shuffle_partitions: 4, output_partitions: 2}
                stages:
                  - stage: ingest
                    sources:
                      - {format: warc, name: commoncrawl-warc, paths: [%s]}
                      - {format: wet, name: commoncrawl-wet, paths: [%s]}
                      - {format: code, name: phi4j-core, paths: [%s]}
                      - {format: jsonl, name: gsm8k, source_class: qa, paths: [%s], text_fields: [question, answer]}
                      - {format: text, name: tinyshakespeare, source_class: books, unit: paragraphs, paths: [%s]}
                  - stage: clean
                    rules:
                      web: {preset: gopher, min_stop_words: 0}
                      books: {preset: gopher, min_chars: 100, min_words: 20}
                      qa: qa
                      code: code
                  - stage: dedup
                  - stage: decontam
                    benchmarks:
                      - {name: gsm8k, format: gsm8k, path: %s}
                      - {name: humaneval, format: humaneval, path: %s}
                    allow_list:
                      - {name: gsm8k-train, format: gsm8k, path: %s, fields: [question, answer]}
                """.formatted(dir.resolve("runs"), TestSpark.shared("commoncrawl/whirlwind.warc.gz"),
                TestSpark.shared("commoncrawl/whirlwind.warc.wet.gz"),
                TestSpark.root().resolve("core/src/main/java").toAbsolutePath().normalize(),
                gsm8k, shakespeare, TestSpark.shared("gsm8k/test.jsonl"),
                TestSpark.shared("humaneval/HumanEval.jsonl.gz"), TestSpark.shared("gsm8k/train.jsonl"));
        try {
            Path file = dir.resolve("pipeline.yaml");
            Files.writeString(file, yaml);
            var loaded = PipelineConfig.load(file, List.of());
            Pipeline.of(loaded.config(), System.out).run(spark, loaded.toYaml(true));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir.resolve("runs/real");
    }

    static PretrainSetConfig pretrain(String name, int seqLen, long totalTokens, int minShards) {
        return new PretrainSetConfig(name, seqLen, totalTokens, GroupShares.table5(), EpochCaps.uniform(16), 0.05,
                1L << 27, minShards, true);
    }

    static MixtureConfig config(Path run, Optional<String> outputDir, TokenizerConfig tokenizer,
                                List<MixtureSetConfig> sets) {
        return new MixtureConfig(Map.of("default", run.resolve("decontam").toString()), outputDir, tokenizer, SPARK,
                1234,
                new ProfileConfig(3, 10, 500), sets);
    }

    static List<MixtureBuild.Outcome> build(SparkSession spark, MixtureConfig config) {
        return new MixtureBuild(config, System.out).run(spark);
    }
}

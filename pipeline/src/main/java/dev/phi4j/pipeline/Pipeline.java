package dev.phi4j.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.phi4j.core.config.RecordTrees;
import dev.phi4j.core.config.Variant;
import dev.phi4j.core.io.BuildCache;
import dev.phi4j.core.io.Sha256;
import dev.phi4j.core.run.RunConfig;
import dev.phi4j.pipeline.stage.Manifest;
import dev.phi4j.pipeline.stage.ManifestJson;
import dev.phi4j.pipeline.stage.RunLayout;
import dev.phi4j.pipeline.stage.RunningContext;
import dev.phi4j.pipeline.stage.Stage;
import dev.phi4j.pipeline.stage.StageConfig;
import dev.phi4j.pipeline.stage.StageInput;
import dev.phi4j.pipeline.stage.StageRunner;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Runs a pipeline's stages in order in one run folder, each reading the stages its config names ({@link StageGraph}).
 * A stage whose folder holds a manifest with the same identity (stage type and version, config hash, input
 * fingerprints) is reused without running; any other stage runs and replaces what its folder held, so a run killed
 * at any point continues where it stopped when started again.
 */
public final class Pipeline {

    /** A stage to run with the config it was built from (the config gives its type, hash, name and inputs). */
    public record Step(StageConfig config, Stage stage) {
        public static Step of(StageConfig config) {
            return new Step(config, config.build());
        }

        /** The name its config gives it, else the stage's own. */
        public String name() {
            return config.name().orElse(stage.name());
        }
    }

    /** What happened to each stage: its manifest and whether it was reused from an earlier run. */
    public record Outcome(Manifest manifest, boolean reused) {}

    private static final YAMLMapper YAML = new YAMLMapper();

    private final RunConfig run;
    private final SparkConfig sparkConfig;
    private final StageOutputConfig stageOutput;
    private final List<Step> steps;
    private final StageGraph graph;
    private final PrintStream log;

    public Pipeline(RunConfig run, SparkConfig sparkConfig, StageOutputConfig stageOutput, List<Step> steps,
                    PrintStream log) {
        this.run = run;
        this.sparkConfig = sparkConfig;
        this.stageOutput = stageOutput;
        this.steps = List.copyOf(steps);
        this.log = log;
        this.graph = StageGraph.of(this.steps);
    }

    /** Builds every stage first, so that a bad stage config fails before any work. */
    public static Pipeline of(PipelineConfig config, PrintStream log) {
        return new Pipeline(config.run(), config.spark(), config.stageOutput(),
                config.stages().stream().map(Step::of).toList(), log);
    }

    public RunLayout layout() {
        return new RunLayout(new Path(run.location()));
    }

    /** Runs (or reuses) every stage; {@code resolvedConfig} is written to the run folder as {@code pipeline.yaml}. */
    public List<Outcome> run(SparkSession spark, String resolvedConfig) {
        RunLayout layout = layout();
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        writeText(layout.config(), resolvedConfig, conf);
        StageRunner runner = new StageRunner(spark, layout, new StageRunner.RunSettings(run.name(), run.seed(),
                sparkConfig.outputPartitions(), stageOutput.keepDropped(), stageOutput.examples()));
        SparkProgress progress = new SparkProgress(System.err);
        spark.sparkContext().addSparkListener(progress);
        List<RunIndex.Entry> index = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            index.add(new RunIndex.Entry(i, step.name(), type(step.config()), RunLayout.stageDirName(i, step.name()),
                    "pending", null));
        }
        List<Outcome> outcomes = new ArrayList<>();
        try {
            for (int i = 0; i < steps.size(); i++) {
                Step step = steps.get(i);
                String label = String.format("[%d/%d] %-9s", i + 1, steps.size(), step.name());
                RunningContext context = new RunningContext(spark, run.seed(), stageOutput.examples());
                List<Manifest> inputs = graph.inputsOf(i).stream().map(input -> outcomes.get(input).manifest())
                        .toList();
                StageRunner.Planned planned = plan(i, step, inputs, context);
                Path dir = layout.stageDir(i, step.name());
                int position = i;
                BuildCache.Outcome<Manifest> outcome;
                try {
                    outcome = BuildCache.reuseOrBuild(dir, planned.identity(), ManifestJson.STAGE_MARKER, conf,
                            (tmp, outdated) -> {
                                outdated.ifPresent(m -> log.printf("%s config or input changed since %s ran; running "
                                        + "it again%n", label, m.stage().dir()));
                                log.printf("%s running%n", label);
                                index.set(position, entry(index.get(position), "running", planned.identity()));
                                writeIndex(layout, index, conf);
                                progress.label(label.trim());
                                try {
                                    return runner.run(planned, inputs, context, tmp);
                                } catch (RuntimeException e) {
                                    index.set(position, entry(index.get(position), "failed", planned.identity()));
                                    writeIndex(layout, index, conf);
                                    throw e;
                                } finally {
                                    progress.clear();
                                }
                            });
                } catch (IOException e) {
                    throw new UncheckedIOException("stage " + dir + ": " + e.getMessage(), e);
                }
                Manifest manifest = outcome.record();
                boolean reused = outcome.reused();
                if (reused) {
                    log.printf("%s up to date, reusing %s: %s%n", label, manifest.stage().dir(), summary(manifest));
                } else {
                    log.printf("%s %s in %.1f s%n", label, summary(manifest), manifest.timings().seconds());
                }
                index.set(i, entry(index.get(i), reused ? "reused" : "done", planned.identity()));
                writeIndex(layout, index, conf);
                outcomes.add(new Outcome(manifest, reused));
            }
        } finally {
            spark.sparkContext().removeSparkListener(progress);
        }
        return outcomes;
    }

    private StageRunner.Planned plan(int index, Step step, List<Manifest> readFrom, RunningContext context) {
        String type = type(step.config());
        String yaml = "stage: " + type + "\n" + RecordTrees.toYaml((Record) step.config(), Map.of());
        String configHash = Sha256.tagged(yaml);
        JsonNode value;
        try {
            value = YAML.readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<StageInput> inputs = new ArrayList<>(readFrom.stream().map(StageRunner::stageOutput).toList());
        inputs.addAll(step.stage().inputs(context));
        return new StageRunner.Planned(index, step.name(), step.stage(), type, configHash, value, inputs,
                StageRunner.identity(type, step.stage(), configHash, inputs));
    }

    static String type(StageConfig config) {
        Variant variant = config.getClass().getAnnotation(Variant.class);
        return variant == null ? config.getClass().getSimpleName() : variant.value();
    }

    /** {@code 1,234 in → 1,200 kept, 34 dropped (too_short 30, bullet_lines 4) ✓ in = kept + dropped}. */
    static String summary(Manifest manifest) {
        Manifest.Counts counts = manifest.counts();
        String reasons = counts.droppedByReason().entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> String.format("%s %,d", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "));
        return String.format("%,d in → %,d kept, %,d dropped%s %s", counts.in(), counts.kept(), counts.dropped(),
                reasons.isEmpty() ? "" : " (" + reasons + ")",
                manifest.invariant().holds() ? "✓ in = kept + dropped" : "✗ in ≠ kept + dropped");
    }

    private static RunIndex.Entry entry(RunIndex.Entry entry, String status, String identity) {
        return new RunIndex.Entry(entry.index(), entry.name(), entry.type(), entry.dir(), status, identity);
    }

    private void writeIndex(RunLayout layout, List<RunIndex.Entry> entries, Configuration conf) {
        ManifestJson.write(layout.runIndex(), new RunIndex(RunIndex.FORMAT, RunIndex.VERSION, run.name(),
                Instant.now().toString(), List.copyOf(entries)), conf);
    }

    private static void writeText(Path file, String text, Configuration conf) {
        try {
            FileSystem fs = file.getFileSystem(conf);
            try (FSDataOutputStream out = fs.create(file, true)) {
                out.write(text.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}

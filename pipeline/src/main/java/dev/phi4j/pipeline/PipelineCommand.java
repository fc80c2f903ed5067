package dev.phi4j.pipeline;

import dev.phi4j.core.config.ConfigLoader;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code phi4j pipeline run|status}: also the main class of the shaded jar under spark-submit ({@link PipelineMain}). */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = {"Run the Spark data pipeline (ingest, clean, dedup, decontaminate) from a config.",
                "Example: phi4j pipeline run configs/pipeline/sample.yaml"},
        subcommands = {PipelineCommand.Run.class, PipelineCommand.Status.class})
public final class PipelineCommand {

    @Command(name = "run", mixinStandardHelpOptions = true, description = {
            "Run a pipeline's stages in order; finished stages with the same config and input are reused, so a",
            "killed run continues where it stopped. Each stage writes data/, dropped/ and _manifest.json.",
            "Example: phi4j pipeline run configs/pipeline/sample.yaml --set run.name=try2"})
    static final class Run implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "CONFIG", description = "pipeline YAML, e.g. configs/pipeline/sample.yaml")
        java.nio.file.Path file;

        @Option(names = "--set", paramLabel = "KEY=VALUE",
                description = "override one key, e.g. --set spark.master=local[2] (repeatable)")
        List<String> overrides = new ArrayList<>();

        @Override
        public Integer call() {
            ConfigLoader.Loaded<PipelineConfig> loaded = PipelineConfig.load(file, overrides);
            Pipeline pipeline = Pipeline.of(loaded.config(), System.out);
            return PipelineSpark.withSession(loaded.config().spark(), spark -> {
                System.out.printf("phi4j pipeline: %d stage(s) from %s into %s (Spark %s, %s)%n",
                        loaded.config().stages().size(), file, pipeline.layout().root(), spark.version(),
                        spark.sparkContext().master());
                List<Pipeline.Outcome> outcomes = pipeline.run(spark, "# resolved from " + file + "\n"
                        + loaded.toYaml(true));
                boolean holds = outcomes.stream().allMatch(o -> o.manifest().invariant().holds());
                System.out.printf("phi4j pipeline: done; %s  (phi4j pipeline status %s)%n",
                        holds ? "every stage accounts for every record" : "ACCOUNTING BROKEN", pipeline.layout().root());
                return holds ? 0 : 1;
            });
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = {
            "Show each stage of a run folder: status, rows in/kept/dropped, time, drop reasons (from manifests).",
            "Example: phi4j pipeline status runs/sample"})
    static final class Status implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "RUN_DIR", description = "a run folder, e.g. runs/sample")
        String runDir;

        @Override
        public Integer call() {
            List<PipelineStatus.StageStatus> stages = PipelineStatus.of(new Path(runDir), new Configuration());
            System.out.print(PipelineStatus.render(stages));
            return stages.stream().allMatch(s -> s.manifest().map(m -> m.invariant().holds()).orElse(true)) ? 0 : 1;
        }
    }
}

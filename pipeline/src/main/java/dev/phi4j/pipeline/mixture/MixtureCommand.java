package dev.phi4j.pipeline.mixture;

import dev.phi4j.core.config.ConfigLoader;
import dev.phi4j.pipeline.PipelineSpark;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code phi4j mixture build|status}: token shard sets from a pipeline run (pretrain, midtrain) and chat files. */
@Command(name = "mixture", mixinStandardHelpOptions = true,
        description = {"Mix, tokenize and pack a pipeline run into token shards phi4j train reads (and SFT/DPO sets).",
                "Example: phi4j mixture build configs/mixture/sample.yaml"},
        subcommands = {MixtureCommand.Build.class, MixtureCommand.Status.class})
public final class MixtureCommand {

    @Command(name = "build", mixinStandardHelpOptions = true, description = {
            "Build every set of a mixture config into <output_dir>/<set>/ (shards/, sequences/, _mixture.json).",
            "Finished sets with the same config, seed, tokenizer and input are reused; a killed build continues.",
            "Example: phi4j mixture build configs/mixture/sample.yaml --tokenizer-from configs/tiny.yaml"})
    static final class Build implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "CONFIG", description = "mixture YAML, e.g. configs/mixture/sample.yaml")
        java.nio.file.Path file;

        @Option(names = "--set", paramLabel = "KEY=VALUE",
                description = "override one key, e.g. --set seed=7 (repeatable)")
        List<String> overrides = new ArrayList<>();

        @Option(names = "--tokenizer-from", paramLabel = "RUN_CONFIG", description = "encode with the tokenizer of "
                + "this run config, e.g. configs/tiny.yaml (the mixture config then names none)")
        java.nio.file.Path tokenizerFrom;

        @Override
        public Integer call() {
            ConfigLoader.Loaded<MixtureConfig> loaded = MixtureConfig.load(file, overrides);
            MixtureConfig config = tokenizerFrom == null ? loaded.config()
                    : MixtureConfig.withTokenizer(loaded, MixtureConfig.RunTokenizer.of(tokenizerFrom), tokenizerFrom);
            MixtureBuild build = new MixtureBuild(config, System.out);
            return PipelineSpark.withSession(config.spark(), spark -> {
                System.out.printf("phi4j mixture: %d set(s) from %s into %s (Spark %s, %s)%n",
                        config.sets().size(), file, build.mixturesDir(), spark.version(),
                        spark.sparkContext().master());
                List<MixtureBuild.Outcome> outcomes = build.run(spark);
                for (MixtureBuild.Outcome outcome : outcomes) {
                    String shards = outcome.dir() + "/" + MixtureBuild.SHARDS;
                    boolean pretraining = outcome.manifest().kind().equals("pretrain")
                            || outcome.manifest().kind().equals("midtrain");
                    System.out.printf("      %-10s %s%s%n", outcome.manifest().name(), shards, pretraining
                            ? "   (phi4j train CONFIG --data " + shards + ")" : "");
                }
                System.out.printf("phi4j mixture: done; every record accounted for (phi4j report %s)%n",
                        loaded.config().runDir().orElse(build.mixturesDir().toString()));
                return 0;
            });
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = {
            "List the sets of a mixtures folder with their splits and accounting (from _mixture.json files).",
            "Example: phi4j mixture status runs/sample/mixtures"})
    static final class Status implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "DIR", description = "a mixtures folder, or a run folder holding mixtures/")
        String dir;

        @Override
        public Integer call() throws IOException {
            Configuration conf = new Configuration();
            Path root = new Path(dir);
            FileSystem fs = root.getFileSystem(conf);
            if (fs.exists(new Path(root, "mixtures"))) {
                root = new Path(root, "mixtures");
            }
            if (!fs.exists(root)) {
                throw new IllegalArgumentException(dir + ": no such folder");
            }
            FileStatus[] children = fs.listStatus(root, p -> !p.getName().startsWith("_"));
            Arrays.sort(children, Comparator.comparing(s -> s.getPath().getName()));
            int found = 0;
            for (FileStatus child : children) {
                Optional<MixtureManifest> manifest = child.isDirectory()
                        ? MixtureManifest.read(child.getPath(), conf) : Optional.empty();
                if (manifest.isPresent()) {
                    found++;
                    System.out.printf("%-12s %-9s seq_len %-6d %s%n", manifest.get().name(), manifest.get().kind(),
                            manifest.get().shards().seqLen(), MixtureBuild.summary(manifest.get()));
                } else if (child.isDirectory()) {
                    System.out.printf("%-12s unfinished (no %s)%n", child.getPath().getName(), MixtureManifest.FILE);
                }
            }
            if (found == 0) {
                throw new IllegalArgumentException(root + ": no finished mixture sets (no */" + MixtureManifest.FILE
                        + ")");
            }
            return 0;
        }
    }
}

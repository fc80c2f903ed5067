package dev.phi4j.cli;

import dev.phi4j.core.config.ConfigLoader;
import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.core.shard.ShardException;
import dev.phi4j.core.shard.ShardManifest;
import dev.phi4j.core.shard.ShardNames;
import dev.phi4j.core.shard.ShardSet;
import dev.phi4j.core.tokenizer.BpeTrainer;
import dev.phi4j.core.tokenizer.Tokenizer;
import dev.phi4j.core.tokenizer.TokenizerConfig;
import dev.phi4j.core.tokenizer.Tokenizers;
import dev.phi4j.trainer.checkpoint.CheckpointFolders;
import dev.phi4j.trainer.distributed.DistributedTrainingException;
import dev.phi4j.trainer.train.TextPacker;
import dev.phi4j.trainer.train.Trainer;
import dev.phi4j.trainer.train.TrainerConfig;
import dev.phi4j.trainer.train.TrainingAbortedException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code phi4j train}: tokenizer, data, model, then the pretraining loop with a progress bar. Everything goes under the
 * run directory: config.yaml (resolved), data/ (text packed on the fly), checkpoints/, metrics.jsonl, loss-curve.svg.
 * Ctrl-C finishes the current step, checkpoints it and exits; {@code --resume} picks up from there.
 */
@Command(name = "train", mixinStandardHelpOptions = true, description = {
        "Pretrain a model from a config on packed shards (--data) or on text packed on the fly (--text).",
        "Writes checkpoints, metrics.jsonl and loss-curve.svg under the run directory; Ctrl-C checkpoints and stops.",
        "Examples: bin/phi4j train configs/tiny-pretrain.yaml",
        "          bin/phi4j train configs/tiny-pretrain.yaml --resume",
        "          bin/phi4j train configs/small-pretrain.yaml --text ../shared/datasets/tinyshakespeare/input.txt",
        "          bin/phi4j train configs/tiny-pretrain.yaml --spark local[2]",
        "          bin/phi4j train configs/small-pretrain.yaml --spark spark://master:7077 --set trainer.distributed.workers=4",
        "          bin/phi4j train configs/tiny-pretrain.yaml --spark local[2] --set trainer.distributed.mode=averaging",
        "          bin/phi4j train configs/small-pretrain.yaml --set trainer.devices=2    (a replica per GPU under -Pcuda)"})
final class TrainCommand implements Callable<Integer> {

    @Mixin
    ConfigArgs args;

    @Option(names = "--text", paramLabel = "FILE",
            description = "text file to tokenize and pack into <run>/data (repeatable; sets trainer.data.text_files)")
    List<Path> text = new ArrayList<>();

    @Option(names = "--data", paramLabel = "SHARD_DIR",
            description = "packed shard directory with a manifest.json (sets trainer.data.shards)")
    Path data;

    @Option(names = "--spark", paramLabel = "MASTER", description = "train data-parallel on this Spark master, e.g. "
            + "local[2] or spark://host:7077: each step's micro-batches are spread over trainer.distributed.workers "
            + "Spark tasks (sets trainer.distributed.master)")
    String spark;

    @Option(names = "--resume", description = "continue from the run's LATEST checkpoint (starts anew when there is none)")
    boolean resume;

    @Option(names = "--stop-after", paramLabel = "STEP",
            description = "stop after this step and checkpoint it, to continue later with --resume")
    Long stopAfter;

    @Override
    public Integer call() throws IOException {
        try {
            return train();
        } catch (TrainingAbortedException | ShardException | DistributedTrainingException e) {
            System.err.println("phi4j train: " + e.getMessage());
            return ExitCodes.FAILED;
        }
    }

    private int train() throws IOException {
        if (!text.isEmpty()) {
            args.overrides.add("trainer.data.text_files=" + yamlList(text));
        }
        if (data != null) {
            args.overrides.add("trainer.data.shards=" + yamlString(data.toString()));
        }
        if (spark != null) {
            args.overrides.add("trainer.distributed.master=" + yamlString(spark));
        }
        ConfigLoader.Loaded<Phi4jConfig> loaded = args.load();
        Phi4jConfig config = loaded.config();
        TrainerConfig trainer = config.trainer();
        ModelConfig model = config.model();
        Path runDir = config.run().directory();
        Path checkpoints = runDir.resolve(CheckpointFolders.DIRECTORY);
        Optional<Path> latest = CheckpointFolders.latest(checkpoints);
        if (latest.isPresent() && !resume) {
            throw new IllegalArgumentException(runDir + " already has checkpoints (LATEST: "
                    + latest.get().getFileName() + "): pass --resume to continue that run, or choose another run "
                    + "directory (--set run.name=...)");
        }
        Files.createDirectories(runDir);
        Files.writeString(runDir.resolve("config.yaml"), loaded.toYaml(true));
        System.out.printf("[1/4] config     %s: model %s parameters (%d layers, d_model %d, context %d), run %s%n",
                args.file, Sizes.count(model.parameterCount()), model.nLayers(), model.dModel(), model.contextLength(),
                runDir);

        Tokenizer tokenizer = tokenizer(config.tokenizer(), "[2/4] tokenizer ");
        ShardSet shards = data(trainer, tokenizer, model, runDir, "[3/4] data      ");

        Trainer training = TrainingSession.open(config, tokenizer, shards, resume);
        System.out.println("[4/4] train      " + TrainingSession.describe(training, trainer));
        Trainer.Summary summary = TrainingSession.run(training, stopAfter == null ? trainer.maxSteps() : stopAfter);
        TrainingSession.printSummary(summary, trainer.maxSteps());
        if (summary.step() < trainer.maxSteps()) {
            System.out.println("      continue with: bin/phi4j train " + args.file + (spark == null ? "" : " --spark " + spark)
                    + " --resume");
        }
        return ExitCodes.OK;
    }

    /** The run's tokenizer: trained now (BPE without a saved file) or opened; one line after {@code label}. */
    static Tokenizer tokenizer(TokenizerConfig config, String label) {
        long start = System.nanoTime();
        if (Tokenizers.needsTraining(config)) {
            Progress progress = new Progress("merges", BpeTrainer.Settings.of(config.vocabSize()).maxMerges());
            Tokenizer tokenizer = Tokenizers.prepare(config, progress);
            progress.finish();
            System.out.printf("%s trained %s in %.1f s -> %s%n", label, tokenizer.name(),
                    (System.nanoTime() - start) / 1e9, config.path().orElseThrow());
            return tokenizer;
        }
        Tokenizer tokenizer = Tokenizers.open(config);
        System.out.printf("%s %s%s%n", label, tokenizer.name(), config.path().map(p -> " from " + p).orElse(""));
        return tokenizer;
    }

    /** The shards to train on: given, packed now from text, or packed earlier into the run directory. */
    static ShardSet data(TrainerConfig trainer, Tokenizer tokenizer, ModelConfig model, Path runDir, String label)
            throws IOException {
        TrainerConfig.DataConfig data = trainer.data();
        if (data.shards().isPresent()) {
            ShardSet shards = ShardSet.open(data.shards().get());
            describe(shards, label, "");
            return shards;
        }
        Path packedDir = runDir.resolve("data");
        if (data.textFiles().isEmpty()) {
            if (ShardSet.exists(packedDir)) {
                ShardSet shards = ShardSet.open(packedDir);
                describe(shards, label, " (packed earlier into the run directory)");
                return shards;
            }
            throw new IllegalArgumentException("no training data: pass --text FILE or --data SHARD_DIR, or set "
                    + "trainer.data.text_files or trainer.data.shards");
        }
        long start = System.nanoTime();
        TextPacker.Result packed = TextPacker.pack(data.textFiles(), data.documents(), data.validationFraction(),
                tokenizer, model.contextLength(), packedDir);
        if (packed.reused()) {
            describe(packed.shards(), label, " (same text and settings as before: reused)");
        } else {
            System.out.printf(Locale.ROOT, "%s packed %d file(s) in %.1f s: %,d documents (%,d held out), "
                            + "%,d + %,d tokens -> %,d train + %,d validation sequences of %,d (%,d tail tokens "
                            + "dropped) -> %s%n", label, data.textFiles().size(), (System.nanoTime() - start) / 1e9,
                    packed.documents(), packed.validationDocuments(), packed.train().tokens(),
                    packed.validation().tokens(), packed.train().rows(), packed.validation().rows(),
                    model.contextLength() + 1, packed.train().droppedTailTokens()
                            + packed.validation().droppedTailTokens(), packedDir);
        }
        return packed.shards();
    }

    private static void describe(ShardSet shards, String label, String note) {
        ShardManifest manifest = shards.manifest();
        System.out.printf(Locale.ROOT, "%s %s: %,d train + %,d validation sequences of %,d tokens%s%n", label,
                shards.directory(), manifest.sequences(ShardNames.TRAIN),
                manifest.sequences(ShardNames.VALIDATION), manifest.rowLength(), note);
    }

    private static String yamlList(List<Path> paths) {
        return "[" + String.join(", ", paths.stream().map(p -> yamlString(p.toString())).toList()) + "]";
    }

    static String yamlString(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}

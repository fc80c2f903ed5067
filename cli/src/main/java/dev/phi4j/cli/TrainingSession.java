package dev.phi4j.cli;

import dev.phi4j.core.shard.ShardSet;
import dev.phi4j.core.tokenizer.Tokenizer;
import dev.phi4j.trainer.align.PreferenceData;
import dev.phi4j.trainer.checkpoint.CheckpointFolders;
import dev.phi4j.trainer.distributed.SparkTraining;
import dev.phi4j.trainer.model.PhiDecoder;
import dev.phi4j.trainer.train.Checkpoint;
import dev.phi4j.trainer.train.DeviceGradients;
import dev.phi4j.trainer.train.SequenceData;
import dev.phi4j.trainer.train.StepDistribution;
import dev.phi4j.trainer.train.Trainer;
import dev.phi4j.trainer.train.TrainerConfig;
import dev.phi4j.trainer.train.TrainingData;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Pretraining in the foreground, shared by {@code train} and {@code reproduce}: a progress bar, Ctrl-C finishes the
 * current step and checkpoints it, and a closing summary.
 */
final class TrainingSession {

    private TrainingSession() {}

    static Trainer open(Phi4jConfig config, Tokenizer tokenizer, ShardSet shards, boolean resume) throws IOException {
        Trainer.Run run = new Trainer.Run(config.run().directory(), config.run().seed(), config.model(), tokenizer,
                config.tokenizer(), config.trainer());
        TrainProgressBar progress = new TrainProgressBar(System.out, System.console() != null);
        TrainerConfig trainer = config.trainer();
        TrainingData data = trainer.objective() == TrainerConfig.ObjectiveKind.DPO
                ? PreferenceData.open(shards, trainer, run.directory(), config.model().contextLength(), progress)
                : new SequenceData(shards);
        Trainer training = resume ? Trainer.resume(run, data, progress) : Trainer.start(run, data, progress);
        Optional<String> master = trainer.distributed().master();
        if (master.isPresent()) {
            training.distribute(SparkTraining.connect(master.get(), run, shards.directory()));
        } else if (trainer.devices() > 1) {
            training.distribute(new DeviceGradients(run, data, trainer.devices()));
        }
        return training;
    }

    /** "from step 12, document masking; AdamW lr 0.003, linear schedule" (or "from scratch", "from the weights of DIR"). */
    static String describe(Trainer training, TrainerConfig trainer) {
        return String.format(Locale.ROOT, "%s%s, %s; AdamW lr %s, %s schedule",
                trainer.objective() == TrainerConfig.ObjectiveKind.DPO ? String.format(Locale.ROOT,
                        "DPO (%s, β %s) ", trainer.dpo().loss().name().toLowerCase(Locale.ROOT), trainer.dpo().beta())
                        : "",
                training.state().step() > 0 ? "from step " + training.state().step()
                        : trainer.initFrom().map(source -> "from the weights of " + source).orElse("from scratch"),
                training.masking() == PhiDecoder.Masking.DOCUMENTS ? "document masking"
                        : "causal attention across documents", trainer.optimizer().lr(),
                trainer.schedule().decay().name().toLowerCase(Locale.ROOT))
                + training.distribution().map(steps -> "; " + steps.describe()).orElse("");
    }

    static Trainer.Summary run(Trainer training, long stopAfter) throws IOException {
        CountDownLatch finished = new CountDownLatch(1);
        Thread checkpointOnInterrupt = new Thread(() -> {
            training.requestStop();
            try {
                finished.await(10, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "phi4j-train-interrupt");
        Runtime.getRuntime().addShutdownHook(checkpointOnInterrupt);
        try {
            return training.train(stopAfter);
        } finally {
            training.distribution().ifPresent(StepDistribution::close);
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(checkpointOnInterrupt);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it waits for this checkpoint and lets the JVM exit
            }
        }
    }

    /** The run's LATEST checkpoint when it has reached {@code maxSteps}: a finished run a recipe reuses as it is. */
    static Optional<Path> finished(Path runDir, long maxSteps) throws IOException {
        Optional<Path> latest = CheckpointFolders.latest(runDir.resolve(CheckpointFolders.DIRECTORY));
        return latest.isPresent() && Checkpoint.step(latest.get()) >= maxSteps ? latest : Optional.empty();
    }

    /**
     * Trains a recipe step's run to {@code maxSteps} and prints its summary; returns the last checkpoint. Stopped
     * early (Ctrl-C), the step stops the recipe, and running the same command again continues it.
     */
    static Path trainToEnd(Trainer training, long maxSteps) throws IOException {
        Trainer.Summary summary = run(training, maxSteps);
        printSummary(summary, maxSteps);
        if (summary.step() < maxSteps) {
            throw new RecipeStep.Stopped("stopped before trainer.max_steps; run the same command again to continue");
        }
        return summary.checkpoint();
    }

    static void printSummary(Trainer.Summary summary, long maxSteps) {
        System.out.printf(Locale.ROOT, "done: step %,d of %,d, loss %.4f%s, %,.0f tokens/s%s%n", summary.step(),
                maxSteps, summary.loss(), Double.isNaN(summary.validationLoss()) ? ""
                        : String.format(Locale.ROOT, ", validation loss %.4f", summary.validationLoss()),
                summary.tokensPerSecond(), summary.skippedSteps() == 0 ? "" : ", " + summary.skippedSteps()
                        + " step(s) skipped for non-finite loss");
        System.out.println("      checkpoint " + summary.checkpoint());
        System.out.println("      metrics    " + summary.metrics());
        System.out.println("      loss curve " + summary.lossCurve());
    }
}

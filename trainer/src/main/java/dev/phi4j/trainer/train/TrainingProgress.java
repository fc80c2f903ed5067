package dev.phi4j.trainer.train;

import java.nio.file.Path;

/** What a training run reports as it goes; the CLI draws a progress bar from it. Every method has a silent default. */
public interface TrainingProgress {

    TrainingProgress SILENT = new TrainingProgress() {};

    /**
     * @param firstStep      the step about to run (1, or the one after the checkpoint resumed from)
     * @param lastStep       the step the run will stop after
     * @param tokensPerStep  global batch in tokens
     * @param peakFlops      FLOP/s that MFU is measured against, and {@code peakSource} where that figure comes from
     */
    record Start(long firstStep, long lastStep, long maxSteps, long tokensPerStep, int accumulationSteps,
                 long parameters, double peakFlops, String peakSource, String resumedFrom) {}

    /** One finished step; {@code etaSeconds} extrapolates this session's mean step time to {@code lastStep}. */
    record Step(long step, long lastStep, double loss, double lr, double gradNorm, boolean clipped, boolean skipped,
                double tokensPerSecond, double mfu, double stepSeconds, double etaSeconds) {}

    default void started(Start start) {}

    default void step(Step step) {}

    default void evaluated(long step, double validationLoss) {}

    default void checkpointed(long step, Path directory) {}

    /** A warning worth a line of its own (e.g. a skipped step). */
    default void note(String message) {}

    /** Work before the first step worth reporting (e.g. the DPO reference's log-probs). */
    default void preparing(String message) {}
}

package dev.phi4j.trainer.train;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.InvalidConfigValue;
import dev.phi4j.core.config.Range;

/** How a model is trained. Defaults are the Phi-4 pretraining values (arXiv 2412.08905 §3). */
public record TrainerConfig(
        @Doc("AdamW settings") OptimizerConfig optimizer,
        @Doc("learning-rate schedule") ScheduleConfig schedule,
        @Doc("optimizer steps to run") @Default("1000") @Range(min = 1) long maxSteps,
        @Doc("sequences per forward/backward pass") @Default("8") @Range(min = 1) int microBatchSize,
        @Doc("tokens per optimizer step; reached by gradient accumulation over micro-batches")
        @Default("65536") @Range(min = 1) long globalBatchTokens,
        @Doc("clip gradients to this global L2 norm; 0 disables clipping") @Default("1.0") @Range(min = 0) double gradClip) {

    public TrainerConfig {
        if (schedule.warmupSteps() > maxSteps) {
            throw new InvalidConfigValue("schedule.warmup_steps",
                    "warmup_steps (" + schedule.warmupSteps() + ") exceeds max_steps (" + maxSteps + ")");
        }
    }

    public record OptimizerConfig(
            @Doc("peak learning rate") @Default("3e-4") @Range(min = 0, max = 1) double lr,
            @Doc("AdamW β1") @Default("0.9") @Range(min = 0, max = 0.999999) double beta1,
            @Doc("AdamW β2") @Default("0.95") @Range(min = 0, max = 0.999999) double beta2,
            @Doc("AdamW ε") @Default("1e-8") @Range(min = 0, max = 1) double eps,
            @Doc("decoupled weight decay, not applied to norms and embeddings") @Default("0.1") @Range(min = 0, max = 1)
            double weightDecay) {}

    public record ScheduleConfig(
            @Doc("decay after warmup: linear (the paper's) or cosine") @Default("linear") Decay decay,
            @Doc("steps of linear warmup from 0 to the peak learning rate") @Default("100") @Range(min = 0) long warmupSteps,
            @Doc("final learning rate as a fraction of the peak") @Default("0.1") @Range(min = 0, max = 1) double minLrRatio) {

        public enum Decay { LINEAR, COSINE }
    }
}

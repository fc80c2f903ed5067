package dev.phi4j.trainer.train;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.InvalidConfigValue;
import dev.phi4j.core.config.Range;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** How a model is trained. Defaults are the Phi-4 pretraining values (arXiv 2412.08905 §3). */
public record TrainerConfig(
        @Doc("start a new phase from a model checkpoint's weights (a run, checkpoints or checkpoint folder), e.g. "
                + "midtraining from pretraining: optimizer, schedule and data position start afresh, and model may "
                + "change context_length and rope_theta but nothing else; unset: random initialisation")
        Optional<Path> initFrom,
        @Doc("what the phase minimises: next_token (pretraining, midtraining, SFT: cross-entropy on the loss-masked "
                + "targets) or dpo (preference pairs against a frozen reference, settings in trainer.dpo)")
        @Default("next_token") ObjectiveKind objective,
        @Doc("DPO settings, read when objective is dpo") DpoConfig dpo,
        @Doc("AdamW settings") OptimizerConfig optimizer,
        @Doc("learning-rate schedule") ScheduleConfig schedule,
        @Doc("optimizer steps to run") @Default("1000") @Range(min = 1) long maxSteps,
        @Doc("sequences per forward/backward pass") @Default("8") @Range(min = 1) int microBatchSize,
        @Doc("tokens per optimizer step; reached by gradient accumulation over micro-batches, so it must be a "
                + "multiple of micro_batch_size × model.context_length")
        @Default("65536") @Range(min = 1) long globalBatchTokens,
        @Doc("clip gradients to this global L2 norm; 0 disables clipping") @Default("1.0") @Range(min = 0) double gradClip,
        @Doc("training data: packed shards or text packed on the fly") DataConfig data,
        @Doc("when checkpoints are written and which are kept") CheckpointConfig checkpoint,
        @Doc("validation loss on the held-out split") EvalConfig eval,
        @Doc("a step whose loss or gradient norm is NaN or infinite is skipped and counted; this many in a row "
                + "abort the run") @Default("5") @Range(min = 1) int nanTolerance,
        @Doc("peak FLOP/s that MFU is measured against; 0 measures an fp32 matrix multiply on this machine at start")
        @Default("0") @Range(min = 0) double peakFlops,
        @Doc("data-parallel training on a Spark cluster (module trainer-spark); without a master the run is one "
                + "process") DistributedConfig distributed,
        @Doc("data-parallel replicas in this process, one per device ND4J sees (GPUs under -Pcuda; on the CPU backend "
                + "they share its one device's cores): a step's micro-batch i is computed by replica i mod devices and "
                + "their gradients are added before the update, so losses are the single-replica run's up to float "
                + "summation order; 1: no replicas") @Default("1") @Range(min = 1, max = 64) int devices) {

    public TrainerConfig {
        if (objective == ObjectiveKind.DPO && initFrom.isEmpty() && dpo.reference().isEmpty()) {
            throw new InvalidConfigValue("trainer.dpo.reference", "DPO needs a reference model: set trainer.init_from "
                    + "(the SFT checkpoint; it is also the reference) or trainer.dpo.reference");
        }
        if (schedule.warmupSteps() > maxSteps) {
            throw new InvalidConfigValue("schedule.warmup_steps",
                    "warmup_steps (" + schedule.warmupSteps() + ") exceeds max_steps (" + maxSteps + ")");
        }
        if (devices > 1 && distributed.master().isPresent()) {
            throw new InvalidConfigValue("trainer.devices", "devices " + devices + " and distributed.master "
                    + distributed.master().get() + " both spread the steps; choose one (Spark executors take one "
                    + "device each)");
        }
        if (devices > 1 && objective != ObjectiveKind.NEXT_TOKEN) {
            throw new InvalidConfigValue("trainer.devices", "replicas on several devices support objective "
                    + "next_token only; set devices to 1 for " + objective.name().toLowerCase(Locale.ROOT));
        }
        if (distributed.master().isPresent() && objective != ObjectiveKind.NEXT_TOKEN) {
            throw new InvalidConfigValue("trainer.distributed.master", "distributed training supports objective "
                    + "next_token only (DPO's reference log-probs live on the driver); unset distributed.master");
        }
        for (Map.Entry<String, Long> milestone : checkpoint.milestones().entrySet()) {
            if (milestone.getValue() < 1 || milestone.getValue() > maxSteps) {
                throw new InvalidConfigValue("checkpoint.milestones." + milestone.getKey(), "milestone step "
                        + milestone.getValue() + " is outside 1.." + maxSteps + " (max_steps)");
            }
        }
    }

    /**
     * Micro-batches per optimizer step at context length {@code seqLen}, when each of a micro-batch's examples is
     * {@code sequencesPerExample} sequences (1; 2 for a DPO pair).
     */
    public int accumulationSteps(int seqLen, int sequencesPerExample) {
        long perMicroBatch = (long) microBatchSize * sequencesPerExample * seqLen;
        if (globalBatchTokens % perMicroBatch != 0) {
            throw new InvalidConfigValue("trainer.global_batch_tokens", "global_batch_tokens (" + globalBatchTokens
                    + ") must be a multiple of micro_batch_size × " + (sequencesPerExample == 1 ? ""
                    : sequencesPerExample + " sequences per pair × ") + "context_length (" + microBatchSize + " × "
                    + (sequencesPerExample == 1 ? "" : sequencesPerExample + " × ") + seqLen + " = " + perMicroBatch
                    + ")");
        }
        return Math.toIntExact(globalBatchTokens / perMicroBatch);
    }

    public enum ObjectiveKind { NEXT_TOKEN, DPO }

    /**
     * This config as it bears on the losses: without {@link #distributed} and {@link #devices}, which change where,
     * not what.
     */
    public TrainerConfig withoutDistribution() {
        return new TrainerConfig(initFrom, objective, dpo, optimizer, schedule, maxSteps, microBatchSize,
                globalBatchTokens, gradClip, data, checkpoint, eval, nanTolerance, peakFlops,
                new DistributedConfig(Optional.empty(), 2, Optional.empty(), DistributedConfig.Mode.GRADIENTS, 4,
                        3600), 1);
    }

    /**
     * Data-parallel training on Spark. The driver keeps the data order, metrics and checkpoints; each step's
     * micro-batches are spread over the workers, which share gradients every step or average their weights every
     * {@code average_every} steps.
     */
    public record DistributedConfig(
            @Doc("the Spark master to train on, e.g. local[2] or spark://host:7077; `phi4j train --spark MASTER` "
                    + "sets it; unset: a single process") Optional<String> master,
            @Doc("Spark tasks per step: a step's micro-batch i is computed by worker i mod workers, so more workers "
                    + "than micro-batches per step leave some idle") @Default("2") @Range(min = 1, max = 4096)
            int workers,
            @Doc("where the workers read the shard directory: a Hadoop file system URI (hdfs://…, s3a://… with "
                    + "hadoop-aws on the classpath, file:/…), copied once per executor into the Spark application's "
                    + "directory and checked against the driver's manifest; unset: the driver's shard directory, at the "
                    + "same local path on every worker") Optional<String> shards,
            @Doc("gradients: every worker computes the gradient sum of its micro-batches at the broadcast weights "
                    + "and the driver adds them and applies AdamW (the single-process run's losses, up to float "
                    + "summation order); averaging: every worker keeps a replica that takes its own AdamW step on its "
                    + "micro-batches for average_every steps, then the driver averages the replicas' weights and "
                    + "moments (one exchange per round, losses close to but not the single-process run's)")
            @Default("gradients") Mode mode,
            @Doc("averaging mode: steps per round between two averagings; a round also ends at every evaluation, "
                    + "checkpoint and the last step") @Default("4") @Range(min = 1, max = 1_000_000) int averageEvery,
            @Doc("a step's Spark job (a round's, in averaging mode) still running after this many seconds is "
                    + "cancelled and the run stops, its last checkpoint intact (e.g. when every executor is lost, "
                    + "which a standalone cluster would otherwise wait out); 0 waits forever")
            @Default("3600") @Range(min = 0) double jobTimeoutS) {

        public enum Mode { GRADIENTS, AVERAGING }
    }

    /**
     * Direct Preference Optimization (report §4.2). The data is a DPO shard set (splits chosen and rejected, row i of
     * each a pair) and micro_batch_size counts pairs.
     */
    public record DpoConfig(
            @Doc("sigmoid (DPO; with label_smoothing > 0 conservative DPO) or ipo") @Default("sigmoid") DpoLoss loss,
            @Doc("β: how strongly the policy is held to the reference") @Default("0.1") @Range(min = 0, max = 1000)
            double beta,
            @Doc("ε of conservative DPO, the assumed share of flipped labels, in [0, 0.5); sigmoid only")
            @Default("0") @Range(min = 0, max = 0.5) double labelSmoothing,
            @Doc("the frozen reference model (a run, checkpoints or checkpoint folder); unset: trainer.init_from")
            Optional<Path> reference,
            @Doc("where the reference's log-probs are cached, by reference weights hash and pair id; unset: "
                    + "reference-logps/ in the run directory. Runs from the same reference may share one")
            Optional<Path> referenceCache) {

        public DpoConfig {
            if (!(beta > 0)) {
                throw new InvalidConfigValue("beta", "beta must be positive, got " + beta);
            }
            if (labelSmoothing >= 0.5) {
                throw new InvalidConfigValue("label_smoothing", "label_smoothing must be below 0.5, got "
                        + labelSmoothing);
            }
            if (loss == DpoLoss.IPO && labelSmoothing != 0) {
                throw new InvalidConfigValue("label_smoothing", "label_smoothing applies to the sigmoid loss, not "
                        + "to ipo");
            }
        }

        public enum DpoLoss { SIGMOID, IPO }
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

    public record DataConfig(
            @Doc("a shard directory (manifest.json) to train on; `phi4j train --data DIR` sets it")
            Optional<Path> shards,
            @Doc("text files to tokenize and pack into shards under the run directory when no shards are given; "
                    + "`phi4j train --text FILE` sets it") @Default("[]") List<Path> textFiles,
            @Doc("how text files split into documents: blank_lines (blocks between empty lines) or file (one document "
                    + "per file)") @Default("blank_lines") DocumentSplit documents,
            @Doc("share of the text's tokens held out as the validation split, in whole documents chosen by content "
                    + "hash (at least one sequence)") @Default("0.05") @Range(min = 0, max = 0.5) double validationFraction,
            @Doc("attention stays inside each packed document and RoPE positions restart there; false: plain causal "
                    + "attention over the whole row") @Default("true") boolean documentMasking,
            @Doc("visit the training sequences in a new order each epoch, drawn from run.seed; false: shard order")
            @Default("true") boolean shuffle) {

        public enum DocumentSplit { BLANK_LINES, FILE }
    }

    public record CheckpointConfig(
            @Doc("write a checkpoint every this many steps (and always at the last step)") @Default("100")
            @Range(min = 1) long interval,
            @Doc("periodic checkpoints (step-NNNNNNNN) to keep; older ones are deleted") @Default("3")
            @Range(min = 1) int keepLast,
            @Doc("named checkpoints kept for good, name: step, e.g. {end_of_warmup: 100}; written to "
                    + "checkpoints/NAME") @Default("{}") Map<String, Long> milestones) {

        public CheckpointConfig {
            for (String name : milestones.keySet()) {
                if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*") || name.startsWith("step-")) {
                    throw new InvalidConfigValue("milestones." + name, "a milestone name is letters, digits, '.', "
                            + "'_' and '-', not starting with 'step-'");
                }
            }
        }
    }

    public record EvalConfig(
            @Doc("compute the validation loss every this many steps (and at the last step); 0 disables")
            @Default("50") @Range(min = 0) long interval,
            @Doc("micro-batches of the validation split per evaluation (its first ones, the same every time)")
            @Default("8") @Range(min = 1) int batches) {}
}

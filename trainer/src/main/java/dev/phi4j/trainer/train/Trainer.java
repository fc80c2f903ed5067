package dev.phi4j.trainer.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phi4j.core.config.ConfigJson;
import dev.phi4j.core.io.Sha256;
import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.core.shard.ShardManifest;
import dev.phi4j.core.shard.ShardSet;
import dev.phi4j.core.shard.TokenizerFingerprint;
import dev.phi4j.core.tokenizer.Tokenizer;
import dev.phi4j.core.tokenizer.TokenizerConfig;
import dev.phi4j.trainer.checkpoint.CheckpointFolders;
import dev.phi4j.trainer.checkpoint.ModelCheckpoint;
import dev.phi4j.trainer.model.PhiDecoder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The training loop. Each step draws {@code accumulation × micro_batch_size} sequences in the run's data order,
 * accumulates the gradient of their mean per-token loss, clips it by global norm and applies AdamW at the scheduled
 * learning rate ({@link TrainStep}); it logs metrics, evaluates and checkpoints on schedule. Everything a step depends
 * on (weights, moments, data position, counters, the per-step ND4J seed) is in the checkpoint, so a resumed run
 * computes exactly the losses the uninterrupted run would have.
 *
 * <p>Bad input stops the run before its first step: shards of another vocabulary, context length or tokenizer than
 * the model's, a checkpoint of another model or data, a {@code trainer.init_from} checkpoint of another shape. A
 * run started from another run's model checkpoint ({@code init_from}) takes its weights only, under this run's
 * context length and RoPE base. A step with a NaN or infinite loss or gradient norm is skipped
 * (no update, counted, logged); {@code nan_tolerance} of them in a row abort the run.
 */
public final class Trainer {

    /** Where a run lives and what it trains. */
    public record Run(Path directory, long seed, ModelConfig model, Tokenizer tokenizer,
                      TokenizerConfig tokenizerConfig, TrainerConfig config) {

        public Path checkpoints() {
            return directory.resolve(CheckpointFolders.DIRECTORY);
        }
    }

    /** How a {@link #train} call ended. {@code validationLoss} is NaN when no evaluation ran. */
    public record Summary(long step, double loss, double validationLoss, long skippedSteps, Path checkpoint,
                          Path metrics, Path lossCurve, double tokensPerSecond, boolean stoppedEarly) {}

    private final Run run;
    private final TrainerConfig config;
    private final TrainingProgress progress;
    private final ComputationGraph net;
    private final AdamW optimizer;
    private final TrainStep stepper;
    private final LearningRateSchedule schedule;
    private final PhiDecoder.Masking masking;
    private final TrainingData data;
    private final Objective objective;
    private final List<MultiDataSet> validationBatches;
    private final DataOrder order;
    private final int accumulation;
    private final String resumedFrom;
    private TrainingState state;
    private MicroBatchHook hook = (step, microBatch, batch) -> { };
    private StepDistribution distribution;
    private volatile boolean stopRequested;

    private Trainer(Run run, TrainingData data, Optional<LoadedCheckpoint> checkpoint, TrainingProgress progress)
            throws IOException {
        this.run = run;
        this.config = run.config();
        this.progress = progress;
        this.data = data;
        ModelConfig model = run.model();
        checkData(data.shards(), model, run.tokenizer());
        this.accumulation = config.accumulationSteps(model.contextLength(), data.sequencesPerExample());
        this.masking = masking(config);
        this.validationBatches = data.validationBatches(config.microBatchSize(), config.eval().batches(),
                model.contextLength(), masking);
        String dataFingerprint = fingerprint(data.shards().directory().resolve(ShardManifest.FILE_NAME));
        if (checkpoint.isPresent()) {
            LoadedCheckpoint loaded = checkpoint.get();
            checkResumable(loaded, dataFingerprint);
            this.net = loaded.model().net();
            this.optimizer = new AdamW(config.optimizer(), DecayMask.of(net));
            loaded.restoreOptimizer(optimizer);
            this.state = loaded.state();
            this.resumedFrom = loaded.directory().toString();
        } else {
            this.net = network(model, masking, config, run.seed());
            if (config.initFrom().isPresent()) {
                copyWeights(ModelCheckpoint.load(config.initFrom().get()));
            }
            this.optimizer = new AdamW(config.optimizer(), DecayMask.of(net));
            this.state = TrainingState.initial(dataFingerprint, run.seed());
            this.resumedFrom = null;
        }
        this.objective = data.objective(net);
        this.stepper = new TrainStep(net, objective, optimizer, config.gradClip());
        this.schedule = LearningRateSchedule.of(config);
        this.order = new DataOrder(data.size(), run.seed(), config.data().shuffle());
    }

    /**
     * A fresh network for {@code model} as a run builds it: seeded by {@code seed}, no DL4J updater (phi4j's AdamW
     * updates it) and weight decay marked on the matrices that decay. Workers that compute gradients for a run build
     * theirs the same way.
     */
    public static ComputationGraph network(ModelConfig model, PhiDecoder.Masking masking, TrainerConfig config,
                                           long seed) {
        NeuralNetConfiguration.Builder training = new NeuralNetConfiguration.Builder().seed(seed)
                .updater(new NoOp());
        if (config.optimizer().weightDecay() > 0) {
            training.weightDecay(config.optimizer().weightDecay(), true);   // marks the matrices that decay
        }
        return PhiDecoder.build(model, masking, training);
    }

    /**
     * Seeds ND4J's random generator (this thread's) for step {@code step} of a run seeded {@code runSeed}, as every
     * place that computes a step does, so a step's randomness is the same wherever and whenever it runs.
     */
    public static void seedStep(long runSeed, long step) {
        Nd4j.getRandom().setSeed(runSeed * 1_000_003L + step);
    }

    /** A new run from step 1. */
    public static Trainer start(Run run, TrainingData data, TrainingProgress progress) throws IOException {
        return new Trainer(run, data, Optional.empty(), progress);
    }

    /** A new next-token run from step 1 on packed sequences. */
    public static Trainer start(Run run, ShardSet shards, TrainingProgress progress) throws IOException {
        return start(run, sequences(run, shards), progress);
    }

    /** Continues from the run's LATEST checkpoint, or starts anew when it has none. */
    public static Trainer resume(Run run, TrainingData data, TrainingProgress progress) throws IOException {
        Optional<Path> latest = CheckpointFolders.latest(run.checkpoints());
        return new Trainer(run, data, latest.map(Checkpoint::load), progress);
    }

    /** {@link #resume} of a next-token run on packed sequences. */
    public static Trainer resume(Run run, ShardSet shards, TrainingProgress progress) throws IOException {
        return resume(run, sequences(run, shards), progress);
    }

    private static TrainingData sequences(Run run, ShardSet shards) {
        if (run.config().objective() != TrainerConfig.ObjectiveKind.NEXT_TOKEN) {
            throw new IllegalArgumentException("trainer.objective is " + run.config().objective() + ": train on "
                    + "its own data (trainer.align.PreferenceData for dpo), not on plain sequences");
        }
        return new SequenceData(shards);
    }

    /** The attention a run's config asks for. */
    public static PhiDecoder.Masking masking(TrainerConfig config) {
        return config.data().documentMasking() ? PhiDecoder.Masking.DOCUMENTS : PhiDecoder.Masking.CAUSAL;
    }

    private static void checkData(ShardSet data, ModelConfig model, Tokenizer tokenizer) {
        ShardManifest manifest = data.manifest();
        Path file = data.directory().resolve(ShardManifest.FILE_NAME);
        if (manifest.vocabSize() != model.vocabSize()) {
            throw new IllegalArgumentException(file + ": the shards have vocab_size " + manifest.vocabSize()
                    + " but model.vocab_size is " + model.vocabSize() + "; pack the data with the run's tokenizer");
        }
        if (manifest.seqLen() != model.contextLength()) {
            throw new IllegalArgumentException(file + ": the shards hold sequences of seq_len " + manifest.seqLen()
                    + " but model.context_length is " + model.contextLength());
        }
        String expected = TokenizerFingerprint.of(tokenizer);
        if (!manifest.tokenizerFingerprint().equals(expected)) {
            throw new IllegalArgumentException(file + ": the shards were tokenized by '" + manifest.tokenizerName()
                    + "' (" + manifest.tokenizerFingerprint() + "), the run uses '" + tokenizer.name() + "' ("
                    + expected + ")");
        }
    }

    private void checkResumable(LoadedCheckpoint loaded, String dataFingerprint) {
        Path dir = loaded.directory();
        if (!loaded.model().model().equals(run.model())) {
            throw new IllegalArgumentException(dir + ": the checkpoint's model " + loaded.model().model()
                    + " differs from the config's " + run.model() + "; resume with the config it was trained with");
        }
        if (loaded.model().masking() != masking) {
            throw new IllegalArgumentException(dir + ": the checkpoint was trained with " + loaded.model().masking()
                    + " attention, trainer.data.document_masking asks for " + masking);
        }
        if (!loaded.state().dataFingerprint().equals(dataFingerprint)) {
            throw new IllegalArgumentException(dir + ": the checkpoint was trained on data "
                    + loaded.state().dataFingerprint() + ", this run's shards are " + dataFingerprint
                    + "; resume with the same data");
        }
        if (loaded.state().seed() != run.seed()) {
            throw new IllegalArgumentException(dir + ": the checkpoint's run.seed is " + loaded.state().seed()
                    + ", the config's " + run.seed());
        }
        if (loaded.step() >= config.maxSteps()) {
            throw new IllegalArgumentException(dir + ": the run already finished (step " + loaded.step()
                    + " of trainer.max_steps " + config.maxSteps() + "); raise max_steps to train on");
        }
        if (!loaded.trainer().withoutDistribution().equals(config.withoutDistribution())) {
            progress.note("the trainer config differs from the checkpoint's; later losses will not match an "
                    + "uninterrupted run with the old config");
        }
    }

    /**
     * A new phase starts from {@code source}'s weights, copied by parameter name into the network built for this
     * run's model config, so the context length, RoPE base and RoPE scaling are this run's. Anything else that differs would
     * change the parameters' shapes or meaning, and the tokenizer must be the same.
     */
    private void copyWeights(ModelCheckpoint source) {
        JsonNode theirs = ConfigJson.toJson(source.model());
        ObjectNode ours = ConfigJson.toJson(run.model());
        ours.remove(List.of("context_length", "rope_theta", "rope_scaling"));
        for (Iterator<String> keys = ours.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!ours.get(key).equals(theirs.get(key))) {
                throw new IllegalArgumentException(source.directory() + ": trainer.init_from's model has model." + key
                        + " " + theirs.get(key) + ", this run's config " + ours.get(key) + "; a new phase may change "
                        + "model.context_length, model.rope_theta and model.rope_scaling only");
            }
        }
        String fingerprint = TokenizerFingerprint.of(run.tokenizer());
        if (!TokenizerFingerprint.of(source.tokenizer()).equals(fingerprint)) {
            throw new IllegalArgumentException(source.directory() + ": trainer.init_from's model was trained with "
                    + "tokenizer '" + source.tokenizer().name() + "', this run uses '" + run.tokenizer().name()
                    + "' (" + fingerprint + ")");
        }
        Map<String, INDArray> weights = source.net().paramTable();
        for (Map.Entry<String, INDArray> param : net.paramTable().entrySet()) {
            param.getValue().assign(weights.get(param.getKey()));
        }
    }

    /** Sees each micro-batch before the step that trains on it; tests use it to feed the real loop broken data. */
    @FunctionalInterface
    interface MicroBatchHook {
        void beforeForward(long step, int microBatch, MultiDataSet batch);
    }

    /** Test hook: sees (and may alter) every micro-batch before it is trained on. */
    void hook(MicroBatchHook microBatchHook) {
        this.hook = microBatchHook;
    }

    /**
     * Computes every later step elsewhere: with a {@link GradientSource} its gradient (the trainer still clips and
     * applies it), with a {@link ReplicaAveraging} rounds of steps on replicas (the trainer takes their average). Either
     * way the trainer logs, evaluates and checkpoints, and the distribution's {@link StepDistribution#stepMetrics}
     * join each step's metrics line.
     */
    public void distribute(StepDistribution steps) {
        if (!(steps instanceof GradientSource) && !(steps instanceof ReplicaAveraging)) {
            throw new IllegalArgumentException("a step distribution is a GradientSource or a ReplicaAveraging, not "
                    + steps.getClass().getName());
        }
        this.distribution = steps;
    }

    /** The distribution set by {@link #distribute}; empty when steps run in process. */
    public Optional<StepDistribution> distribution() {
        return Optional.ofNullable(distribution);
    }

    /** Asks the loop to stop after the current step and checkpoint it (safe from another thread, e.g. on SIGINT). */
    public void requestStop() {
        stopRequested = true;
    }

    public ComputationGraph network() {
        return net;
    }

    public TrainingState state() {
        return state;
    }

    public PhiDecoder.Masking masking() {
        return masking;
    }

    /** Trains to {@code trainer.max_steps}. */
    public Summary train() throws IOException {
        return train(config.maxSteps());
    }

    /** Trains until step {@code stopAfter} (or max_steps), checkpointing the last step run. */
    public Summary train(long stopAfter) throws IOException {
        ModelConfig model = run.model();
        long last = Math.min(config.maxSteps(), stopAfter);
        long first = state.step() + 1;
        if (last < first) {
            throw new IllegalArgumentException("nothing to train: stop after step " + stopAfter + ", but the run is at "
                    + "step " + state.step() + " of " + config.maxSteps());
        }
        long examplesPerStep = (long) accumulation * config.microBatchSize();
        long tokensPerStep = examplesPerStep * data.sequencesPerExample() * model.contextLength();
        double flopsPerToken = model.trainingFlopsPerToken(model.contextLength());
        PeakFlops peak = PeakFlops.of(config);
        Files.createDirectories(run.directory());
        Path lossCurve = run.directory().resolve(LossCurve.FILE);
        Path checkpointDir = null;
        double lastLoss = Double.NaN;
        double lastValidation = Double.NaN;
        double sessionSeconds = 0;
        long sessionSteps = 0;
        boolean stoppedEarly = false;
        try (MetricsLog metrics = MetricsLog.open(run.directory(), state.step())) {
            ObjectNode start = metrics.line("start", state.step());
            start.put("parameters", net.params().length());
            start.put("flops_per_token", flopsPerToken);
            start.put("tokens_per_step", tokensPerStep);
            start.put("accumulation_steps", accumulation);
            start.put("peak_flops", peak.flopsPerSecond());
            start.put("peak_flops_source", peak.source());
            start.put("masking", masking.name().toLowerCase(Locale.ROOT));
            if (resumedFrom != null) {
                start.put("resumed_from", resumedFrom);
            }
            metrics.write(start);
            progress.started(new TrainingProgress.Start(first, last, config.maxSteps(), tokensPerStep, accumulation,
                    net.params().length(), peak.flopsPerSecond(), peak.source(), resumedFrom));

            Deque<TrainStep.Outcome> round = new ArrayDeque<>();
            double roundSecondsPerStep = 0;
            for (long step = first; step <= last; step++) {
                long startTime = System.nanoTime();
                seedStep(run.seed(), step);
                double lr = schedule.at(step);
                TrainStep.Outcome outcome;
                double seconds;
                if (distribution instanceof ReplicaAveraging replicas) {
                    if (round.isEmpty()) {
                        long roundEnd = roundEnd(step, last, replicas.roundSteps());
                        round.addAll(replicaRound(replicas, step, roundEnd));
                        roundSecondsPerStep = (System.nanoTime() - startTime) / 1e9 / (roundEnd - step + 1);
                    }
                    outcome = round.removeFirst();
                    seconds = roundSecondsPerStep;
                } else {
                    outcome = distribution instanceof GradientSource source
                            ? stepper.apply(remoteAccumulate(source, step), lr)
                            : stepper.run(nextMicroBatches(step), lr);
                    seconds = (System.nanoTime() - startTime) / 1e9;
                }
                boolean roundDone = round.isEmpty();
                sessionSeconds += seconds;
                sessionSteps++;
                boolean skipped = !outcome.applied();
                boolean unstable = skipped && !outcome.empty();      // a batch with nothing to learn is not a NaN
                state = new TrainingState(step, state.sequencesConsumed() + examplesPerStep,
                        state.tokensSeen() + tokensPerStep, state.skippedSteps() + (skipped ? 1 : 0),
                        unstable ? state.consecutiveSkipped() + 1 : 0, optimizer.updates(),
                        state.trainSeconds() + seconds, state.dataFingerprint(), state.seed());
                double tokensPerSecond = tokensPerStep / seconds;
                double mfu = tokensPerSecond * flopsPerToken / peak.flopsPerSecond();

                ObjectNode line = metrics.line("step", step);
                line.put("loss", outcome.loss());
                line.put("lr", lr);
                line.put("grad_norm", outcome.gradNorm());
                line.put("clipped", outcome.clipped());
                line.put("skipped", skipped);
                line.put("skipped_total", state.skippedSteps());
                line.put("tokens", state.tokensSeen());
                line.put("targets", (long) outcome.targets());
                line.put("tokens_per_s", tokensPerSecond);
                line.put("mfu", mfu);
                line.put("step_s", seconds);
                line.put("elapsed_s", state.trainSeconds());
                objective.trainingMetrics().forEach(line::put);
                if (distribution != null) {
                    distribution.stepMetrics().forEach(line::put);
                }
                metrics.write(line);
                progress.step(new TrainingProgress.Step(step, last, outcome.loss(), lr, outcome.gradNorm(),
                        outcome.clipped(), skipped, tokensPerSecond, mfu, seconds,
                        sessionSeconds / sessionSteps * (last - step)));
                if (skipped && outcome.empty()) {
                    progress.note(String.format(Locale.ROOT, "step %d skipped: none of its %d sequences has a "
                            + "trainable token (every loss-mask entry is 0), so its loss is undefined (%d skipped "
                            + "in all)", step, examplesPerStep * data.sequencesPerExample(), state.skippedSteps()));
                } else if (skipped) {
                    progress.note(String.format(Locale.ROOT, "step %d skipped: loss %s, gradient norm %s "
                            + "(%d in a row, %d in all)", step, outcome.loss(), outcome.gradNorm(),
                            state.consecutiveSkipped(), state.skippedSteps()));
                    if (state.consecutiveSkipped() >= config.nanTolerance()) {
                        LossCurve.write(lossCurve, title(step), metrics.trainLoss(), metrics.validationLoss());
                        throw new TrainingAbortedException(step, state.consecutiveSkipped() + " consecutive steps "
                                + "with a non-finite loss or gradient norm (trainer.nan_tolerance = "
                                + config.nanTolerance() + "); the last checkpoint is "
                                + CheckpointFolders.latest(run.checkpoints()).map(Path::toString).orElse("none"));
                    }
                } else {
                    lastLoss = outcome.loss();
                }

                boolean finalStep = step == last || stopRequested && roundDone;
                if (evaluates(step, finalStep)) {
                    lastValidation = validationLoss();
                    ObjectNode eval = metrics.line("eval", step);
                    eval.put("val_loss", lastValidation);
                    objective.validationMetrics(validationBatches).forEach((name, value) -> eval.put("val_" + name,
                            value));
                    metrics.write(eval);
                    progress.evaluated(step, lastValidation);
                }
                Optional<String> milestone = milestone(step);
                if (finalStep || checkpoints(step)) {
                    checkpointDir = Checkpoint.save(run.checkpoints(),
                            milestone.orElse(CheckpointFolders.stepName(step)), new Checkpoint.Snapshot(
                                    new ModelCheckpoint.Contents(net, model, masking, run.tokenizer(),
                                            run.tokenizerConfig()), optimizer, config, state, lr, data.size()));
                    CheckpointFolders.prune(run.checkpoints(), config.checkpoint().keepLast());
                    LossCurve.write(lossCurve, title(step), metrics.trainLoss(), metrics.validationLoss());
                    progress.checkpointed(step, checkpointDir);
                }
                if (stopRequested && roundDone) {
                    stoppedEarly = step < last;
                    break;
                }
            }
        }
        return new Summary(state.step(), lastLoss, lastValidation, state.skippedSteps(), checkpointDir,
                run.directory().resolve(MetricsLog.FILE), lossCurve,
                sessionSteps == 0 ? 0 : sessionSteps * tokensPerStep / sessionSeconds, stoppedEarly);
    }

    private String title(long step) {
        return run.directory().getFileName() + ": loss to step " + step + " of " + config.maxSteps();
    }

    private Optional<String> milestone(long step) {
        for (Map.Entry<String, Long> milestone : config.checkpoint().milestones().entrySet()) {
            if (milestone.getValue() == step) {
                return Optional.of(milestone.getKey());
            }
        }
        return Optional.empty();
    }

    /** Whether step {@code step} evaluates: on schedule, and the session's final step when evaluation is on. */
    private boolean evaluates(long step, boolean finalStep) {
        long interval = config.eval().interval();
        return !validationBatches.isEmpty() && interval > 0 && (step % interval == 0 || finalStep);
    }

    /** Whether step {@code step} checkpoints on schedule (the session's final step always does besides). */
    private boolean checkpoints(long step) {
        return milestone(step).isPresent() || step % config.checkpoint().interval() == 0;
    }

    /**
     * The last step of the replica round starting at {@code step}: at most {@code roundSteps} steps, ending early at
     * the session's last step or where the trainer needs the averaged weights (an evaluation, a checkpoint).
     */
    private long roundEnd(long step, long last, int roundSteps) {
        long end = Math.min(last, step + roundSteps - 1);
        for (long s = step; s < end; s++) {
            if (evaluates(s, false) || checkpoints(s)) {
                return s;
            }
        }
        return end;
    }

    /** Steps {@code step} … {@code roundEnd} on the replicas, the network and optimizer left at their average. */
    private List<TrainStep.Outcome> replicaRound(ReplicaAveraging replicas, long step, long roundEnd) {
        int steps = Math.toIntExact(roundEnd - step + 1);
        List<List<List<Long>>> rows = new ArrayList<>(steps);
        double[] learningRates = new double[steps];
        long examplesPerStep = (long) accumulation * config.microBatchSize();
        for (int i = 0; i < steps; i++) {
            rows.add(rowsAt(state.sequencesConsumed() + i * examplesPerStep));
            learningRates[i] = schedule.at(step + i);
        }
        List<TrainStep.Outcome> outcomes = replicas.round(step, rows, learningRates, net.params(), optimizer);
        if (outcomes.size() != steps) {
            throw new IllegalStateException(replicas.describe() + " returned " + outcomes.size() + " outcomes for a "
                    + "round of " + steps + " steps");
        }
        return outcomes;
    }

    private List<MultiDataSet> nextMicroBatches(long step) {
        List<MultiDataSet> batches = new ArrayList<>(accumulation);
        List<List<Long>> rows = rowsAt(state.sequencesConsumed());
        for (int i = 0; i < accumulation; i++) {
            MultiDataSet batch = data.microBatch(rows.get(i), run.model().contextLength(), masking);
            hook.beforeForward(step, i, batch);
            batches.add(batch);
        }
        return batches;
    }

    /** The micro-batches of the step starting at data position {@code position}, as training-example indices. */
    private List<List<Long>> rowsAt(long position) {
        List<List<Long>> rows = new ArrayList<>(accumulation);
        for (int i = 0; i < accumulation; i++) {
            List<Long> examples = new ArrayList<>(config.microBatchSize());
            for (int r = 0; r < config.microBatchSize(); r++) {
                examples.add(order.rowAt(position++));
            }
            rows.add(examples);
        }
        return rows;
    }

    /** The first half of the step computed by {@code source}, into the stepper's gradient buffer. */
    private Objective.Sum remoteAccumulate(GradientSource source, long step) {
        INDArray gradient = stepper.gradient();
        gradient.assign(0);
        return source.accumulate(step, rowsAt(state.sequencesConsumed()), net.params(), gradient);
    }

    private double validationLoss() {
        Objective.Sum total = Objective.Sum.ZERO;
        for (MultiDataSet batch : validationBatches) {
            total = total.plus(objective.evaluate(batch));
        }
        return total.loss() / total.targets();
    }

    static String fingerprint(Path file) throws IOException {
        return Sha256.tagged(Files.readAllBytes(file));
    }
}

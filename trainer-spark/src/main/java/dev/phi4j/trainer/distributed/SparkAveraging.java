package dev.phi4j.trainer.distributed;

import dev.phi4j.trainer.train.AdamW;
import dev.phi4j.trainer.train.ReplicaAveraging;
import dev.phi4j.trainer.train.TrainStep;
import dev.phi4j.trainer.train.Trainer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parameter averaging over Spark: each round the driver broadcasts the weights and AdamW state and runs one job of
 * {@code workers} tasks; task w trains its replica for the round's steps on micro-batches i ≡ w (mod workers) of each
 * step ({@link StepWorker#round}: the single-process step on its share, clipped, AdamW at the step's rate), and the
 * driver averages the replicas' weights, moments and update counts, in worker order. This is dl4j-spark's
 * {@code ParameterAveragingTrainingMaster} (averaging frequency {@code average_every}, updater state averaged too)
 * done on phi4j's own objective and AdamW, so its checkpoints are the single-process trainer's.
 *
 * <p>Each step's metrics line gains the round's {@code workers}, {@code round_steps}, and per step of the round
 * {@code broadcast_s} (weights and moments to a broadcast), {@code compute_s} (the slowest replica's training) and
 * {@code exchange_s} (the rest: broadcast, scheduling, shipping and averaging the replicas).
 */
public final class SparkAveraging extends SparkSteps implements ReplicaAveraging {

    private final int roundSteps;

    /** Workers read {@code shards} at the driver's path; rounds of {@code trainer.distributed.average_every} steps. */
    public SparkAveraging(JavaSparkContext spark, Trainer.Run run, Path shards, int workers) {
        this(spark, run, shards, workers, shards.toAbsolutePath().toString(), false);
    }

    SparkAveraging(JavaSparkContext spark, Trainer.Run run, Path shards, int workers, String workerShards,
                   boolean ownsContext) {
        super(spark, run, shards, workers, workerShards, ownsContext);
        this.roundSteps = run.config().distributed().averageEvery();
    }

    @Override
    public int roundSteps() {
        return roundSteps;
    }

    @Override
    public List<TrainStep.Outcome> round(long firstStep, List<List<List<Long>>> microBatches, double[] learningRates,
                                         INDArray params, AdamW optimizer) {
        long start = System.nanoTime();
        int steps = microBatches.size();
        Broadcast<StepWorker.ReplicaState> state = context().broadcast(new StepWorker.ReplicaState(
                params.toFloatVector(), optimizer.firstMoment().toFloatVector(),
                optimizer.secondMoment().toFloatVector(), optimizer.updates()));
        long broadcast = System.nanoTime();
        List<List<long[][]>> shares = new ArrayList<>();        // by step, then worker
        for (List<List<Long>> step : microBatches) {
            shares.add(split(step));
        }
        List<StepWorker.RoundTask> tasks = new ArrayList<>();
        for (int w = 0; w < shares.get(0).size(); w++) {
            long[][][] rows = new long[steps][][];
            for (int i = 0; i < steps; i++) {
                rows[i] = shares.get(i).get(w);
            }
            tasks.add(new StepWorker.RoundTask(firstStep, w, rows, learningRates));
        }
        String what = steps == 1 ? "step " + firstStep : "steps " + firstStep + "–" + (firstStep + steps - 1);
        List<StepWorker.RoundResult> results;
        try {
            results = runJob(tasks, new Train(spec, state), what, "training the replicas");
        } finally {
            state.destroy();
        }
        average(results, params, optimizer);
        double compute = results.stream().mapToDouble(StepWorker.RoundResult::computeSeconds).max().orElse(0);
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("workers", (double) results.size());
        metrics.put("round_steps", (double) steps);
        metrics.put("broadcast_s", (broadcast - start) / 1e9 / steps);
        metrics.put("compute_s", compute / steps);
        metrics.put("exchange_s", Math.max(0, seconds - compute) / steps);
        last = metrics;
        List<TrainStep.Outcome> outcomes = new ArrayList<>(steps);
        for (int i = 0; i < steps; i++) {
            outcomes.add(combined(results, i));
        }
        return outcomes;
    }

    /** The replicas' mean weights into {@code params}, their mean moments and update count into {@code optimizer}. */
    private static void average(List<StepWorker.RoundResult> results, INDArray params, AdamW optimizer) {
        INDArray weights = Nd4j.zeros(params.dataType(), params.length());
        INDArray first = weights.ulike();
        INDArray second = weights.ulike();
        long updates = 0;
        for (StepWorker.RoundResult result : results) {
            weights.addi(Nd4j.createFromArray(result.state().params()));
            first.addi(Nd4j.createFromArray(result.state().firstMoment()));
            second.addi(Nd4j.createFromArray(result.state().secondMoment()));
            updates += result.state().updates();
        }
        int n = results.size();
        params.assign(weights.divi(n).reshape(params.shape()));
        optimizer.restore(first.divi(n), second.divi(n), Math.round((double) updates / n));
    }

    /**
     * Step {@code i} over every replica: the loss over all their targets, the mean gradient norm, clipped if any
     * clipped, applied if every replica with targets applied.
     */
    private static TrainStep.Outcome combined(List<StepWorker.RoundResult> results, int i) {
        double lossSum = 0;
        double targets = 0;
        double norms = 0;
        boolean clipped = false;
        boolean applied = true;
        for (StepWorker.RoundResult result : results) {
            TrainStep.Outcome outcome = result.outcomes().get(i);
            if (outcome.empty()) {
                continue;
            }
            lossSum += outcome.loss() * outcome.targets();
            targets += outcome.targets();
            norms += outcome.gradNorm();
            clipped |= outcome.clipped();
            applied &= outcome.applied();
        }
        if (targets == 0) {
            return new TrainStep.Outcome(Double.NaN, 0, false, false, 0);
        }
        long replicas = results.stream().filter(r -> !r.outcomes().get(i).empty()).count();
        return new TrainStep.Outcome(lossSum / targets, norms / replicas, clipped, applied, targets);
    }

    @Override
    public String describe() {
        return "parameter averaging every " + roundSteps + " step(s) " + on();
    }

    /** The task function: serializable, capturing the spec and the broadcast only. */
    private record Train(StepWorker.Spec spec, Broadcast<StepWorker.ReplicaState> state)
            implements Function<StepWorker.RoundTask, StepWorker.RoundResult> {

        @Override
        public StepWorker.RoundResult call(StepWorker.RoundTask task) {
            return StepWorker.round(spec, state.value(), task);
        }
    }
}

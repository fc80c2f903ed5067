package dev.phi4j.trainer.distributed;

import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.phi4j.core.config.ConfigJson;
import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.core.shard.ShardSet;
import dev.phi4j.trainer.model.PhiDecoder;
import dev.phi4j.trainer.train.AdamW;
import dev.phi4j.trainer.train.DecayMask;
import dev.phi4j.trainer.train.Objective;
import dev.phi4j.trainer.train.SequenceData;
import dev.phi4j.trainer.train.TrainStep;
import dev.phi4j.trainer.train.Trainer;
import dev.phi4j.trainer.train.TrainerConfig;
import org.apache.spark.TaskContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The executor's half of both modes: one network per run and Spark partition, built once per executor JVM and kept in
 * a static map, that reads the training rows itself from the shard directory ({@link WorkerShards}: the driver's local
 * path, or a Hadoop file system URI copied to the executor's disk). Everything a task computes from comes with the
 * task or its broadcast, so a task re-run on another executor computes the same.
 */
final class StepWorker {

    /** What a worker needs to build the run's network and data, as the driver has them; JSON for the records. */
    record Spec(String runKey, String shards, String manifestFingerprint, String modelJson, String trainerJson,
                PhiDecoder.Masking masking, long seed) implements Serializable {}

    /** Gradient sharing: micro-batches {@code rows} (data order rows) of step {@code step} for one worker. */
    record GradientTask(long step, int worker, long[][] rows) implements Serializable {}

    /** A worker's sums and how long it computed. */
    record GradientResult(int worker, double loss, double targets, float[] gradient, double computeSeconds,
                          String host) implements Serializable {}

    /** Where every replica starts a round: the averaged weights and AdamW state. */
    record ReplicaState(float[] params, float[] firstMoment, float[] secondMoment, long updates)
            implements Serializable {}

    /** Averaging: the worker's micro-batches of each step of a round, from {@code firstStep}, and their rates. */
    record RoundTask(long firstStep, int worker, long[][][] rows, double[] learningRates) implements Serializable {}

    /** A replica after its round, with each step's outcome on its share. */
    record RoundResult(int worker, ReplicaState state, List<TrainStep.Outcome> outcomes, double computeSeconds,
                       String host) implements Serializable {}

    private static final JsonMapper JSON = new JsonMapper();
    private static final Map<String, StepWorker> WORKERS = new ConcurrentHashMap<>();

    private final ComputationGraph net;
    private final INDArray params;
    private final Objective objective;
    private final SequenceData data;
    private final int seqLen;
    private final PhiDecoder.Masking masking;
    private final TrainerConfig trainer;
    private INDArray gradient;       // gradient sharing's buffer, built on first use: averaging has the stepper's
    private AdamW optimizer;
    private TrainStep stepper;

    private StepWorker(Spec spec) {
        try {
            ModelConfig model = ConfigJson.fromJson(JSON.readTree(spec.modelJson()), ModelConfig.class, "driver");
            this.trainer = ConfigJson.fromJson(JSON.readTree(spec.trainerJson()), TrainerConfig.class, "driver");
            Path shards = WorkerShards.local(spec.shards(), spec.manifestFingerprint());
            this.net = Trainer.network(model, spec.masking(), trainer, spec.seed());
            this.params = net.params();
            this.data = new SequenceData(ShardSet.open(shards));
            this.objective = data.objective(net);
            this.seqLen = model.contextLength();
            this.masking = spec.masking();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Gradient sharing: {@code task}'s loss, target and gradient sums at {@code weights}. */
    static GradientResult gradients(Spec spec, float[] weights, GradientTask task) {
        long start = System.nanoTime();
        StepWorker worker = of(spec, task.worker());
        synchronized (worker) {
            worker.setWeights(weights);
            if (worker.gradient == null) {
                worker.gradient = worker.params.ulike();
            }
            worker.gradient.assign(0);
            Trainer.seedStep(spec.seed(), task.step());
            Objective.Sum total = Objective.Sum.ZERO;
            for (long[] rows : task.rows()) {
                total = total.plus(worker.objective.accumulate(worker.microBatch(rows), worker.gradient));
            }
            return new GradientResult(task.worker(), total.loss(), total.targets(), worker.gradient.toFloatVector(),
                    seconds(start), host());
        }
    }

    /**
     * Averaging: from {@code start}, one single-process step per step of the round on this worker's micro-batches
     * (clipped, AdamW at the step's rate, seeded as the driver seeds the step), and the replica's state after it.
     */
    static RoundResult round(Spec spec, ReplicaState start, RoundTask task) {
        long begin = System.nanoTime();
        StepWorker worker = of(spec, task.worker());
        synchronized (worker) {
            if (worker.stepper == null) {
                worker.optimizer = new AdamW(worker.trainer.optimizer(), DecayMask.of(worker.net));
                worker.stepper = new TrainStep(worker.net, worker.objective, worker.optimizer,
                        worker.trainer.gradClip());
            }
            worker.setWeights(start.params());
            worker.optimizer.restore(Nd4j.createFromArray(start.firstMoment()),
                    Nd4j.createFromArray(start.secondMoment()), start.updates());
            List<TrainStep.Outcome> outcomes = new ArrayList<>(task.rows().length);
            for (int i = 0; i < task.rows().length; i++) {
                Trainer.seedStep(spec.seed(), task.firstStep() + i);
                List<MultiDataSet> batches = new ArrayList<>();
                for (long[] rows : task.rows()[i]) {
                    batches.add(worker.microBatch(rows));
                }
                outcomes.add(worker.stepper.run(batches, task.learningRates()[i]));
            }
            ReplicaState end = new ReplicaState(worker.params.toFloatVector(),
                    worker.optimizer.firstMoment().toFloatVector(), worker.optimizer.secondMoment().toFloatVector(),
                    worker.optimizer.updates());
            return new RoundResult(task.worker(), end, outcomes, seconds(begin), host());
        }
    }

    /** This executor's worker for the run and the task's partition, built on first use. */
    private static StepWorker of(Spec spec, int worker) {
        int partition = TaskContext.get() == null ? worker : TaskContext.getPartitionId();
        WORKERS.keySet().removeIf(other -> !other.startsWith(spec.runKey() + "/"));   // an earlier run's networks
        return WORKERS.computeIfAbsent(spec.runKey() + "/" + partition, k -> new StepWorker(spec));
    }

    private void setWeights(float[] weights) {
        if (weights.length != params.length()) {
            throw new IllegalStateException("the driver sent " + weights.length + " weights, the worker's network has "
                    + params.length());
        }
        params.assign(Nd4j.createFromArray(weights).reshape(params.shape()));
    }

    private MultiDataSet microBatch(long[] rows) {
        return data.microBatch(Arrays.stream(rows).boxed().toList(), seqLen, masking);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    static String host() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "?";
        }
    }
}

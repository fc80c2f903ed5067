package dev.phi4j.trainer.distributed;

import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.phi4j.core.config.ConfigJson;
import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.core.shard.ShardSet;
import dev.phi4j.trainer.model.PhiDecoder;
import dev.phi4j.trainer.train.Objective;
import dev.phi4j.trainer.train.SequenceData;
import dev.phi4j.trainer.train.Trainer;
import dev.phi4j.trainer.train.TrainerConfig;
import org.apache.spark.TaskContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The executor's half of gradient sharing: one network per run and Spark partition, built once per executor JVM and
 * kept in a static map, whose weights are set from the step's broadcast before it accumulates the objective's loss
 * and gradient sums over its micro-batches. It reads the training rows itself from the shard directory
 * ({@link WorkerShards}: the driver's local path, or a Hadoop file system URI copied to the executor's disk).
 */
final class GradientWorker {

    /** What a worker needs to build the run's network and data, as the driver has them; JSON for the records. */
    record Spec(String runKey, String shards, String manifestFingerprint, String modelJson, String trainerJson,
                PhiDecoder.Masking masking, long seed) implements Serializable {}

    /** Micro-batches {@code rows} (data order rows) of step {@code step} for one worker. */
    record Task(long step, int worker, long[][] rows) implements Serializable {}

    /** A worker's sums and how long it computed. */
    record Result(int worker, double loss, double targets, float[] gradient, double computeSeconds, String host)
            implements Serializable {}

    private static final JsonMapper JSON = new JsonMapper();
    private static final Map<String, GradientWorker> WORKERS = new ConcurrentHashMap<>();

    private final ComputationGraph net;
    private final INDArray params;
    private final INDArray gradient;
    private final Objective objective;
    private final SequenceData data;
    private final int seqLen;
    private final PhiDecoder.Masking masking;

    private GradientWorker(Spec spec) {
        try {
            ModelConfig model = ConfigJson.fromJson(JSON.readTree(spec.modelJson()), ModelConfig.class, "driver");
            TrainerConfig trainer = ConfigJson.fromJson(JSON.readTree(spec.trainerJson()), TrainerConfig.class,
                    "driver");
            Path shards = WorkerShards.local(spec.shards(), spec.manifestFingerprint());
            this.net = Trainer.network(model, spec.masking(), trainer, spec.seed());
            this.params = net.params();
            this.gradient = params.ulike();
            this.data = new SequenceData(ShardSet.open(shards));
            this.objective = data.objective(net);
            this.seqLen = model.contextLength();
            this.masking = spec.masking();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code task} at {@code weights} on this executor's network for the run and partition. */
    static Result compute(Spec spec, float[] weights, Task task) {
        long start = System.nanoTime();
        int partition = TaskContext.get() == null ? task.worker() : TaskContext.getPartitionId();
        String key = spec.runKey() + "/" + partition;
        WORKERS.keySet().removeIf(other -> !other.startsWith(spec.runKey() + "/"));   // an earlier run's networks
        GradientWorker worker = WORKERS.computeIfAbsent(key, k -> new GradientWorker(spec));
        synchronized (worker) {
            return worker.run(spec, weights, task, start);
        }
    }

    private Result run(Spec spec, float[] weights, Task task, long start) {
        if (weights.length != params.length()) {
            throw new IllegalStateException("the driver sent " + weights.length + " weights, the worker's network has "
                    + params.length());
        }
        params.assign(Nd4j.createFromArray(weights).reshape(params.shape()));
        gradient.assign(0);
        Nd4j.getRandom().setSeed(spec.seed() * 1_000_003L + task.step());
        Objective.Sum total = Objective.Sum.ZERO;
        for (long[] rows : task.rows()) {
            List<Long> examples = Arrays.stream(rows).boxed().toList();
            total = total.plus(objective.accumulate(data.microBatch(examples, seqLen, masking), gradient));
        }
        return new Result(task.worker(), total.loss(), total.targets(), gradient.toFloatVector(),
                (System.nanoTime() - start) / 1e9, host());
    }

    static String host() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "?";
        }
    }
}

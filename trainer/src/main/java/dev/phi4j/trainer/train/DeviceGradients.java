package dev.phi4j.trainer.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Gradient sharing over this machine's devices ({@code trainer.devices}): what DL4J's {@code ParallelWrapper} does for
 * a network trained by DL4J's own updater, done on phi4j's objective so the trainer's AdamW, clipping and checkpoints
 * stay as they are. Each replica of the network lives on its own thread, attached to device r mod the devices ND4J
 * sees (a GPU each under {@code -Pcuda}; on the CPU backend there is one device and the replicas share its cores), and
 * computes the objective's sums over the step's micro-batches i ≡ r (mod replicas) at the step's weights, copied to its
 * device; the trainer's thread adds the replicas' gradient sums in replica order and applies the step. So the losses
 * are the single-process run's up to float summation order, as with Spark's gradient sharing.
 *
 * <p>Each step's metrics line gains {@code replicas}, {@code compute_s} (the slowest replica) and {@code exchange_s}
 * (the rest: copying the weights out and adding the gradients in).
 */
public final class DeviceGradients implements GradientSource {

    private final List<Replica> replicas = new ArrayList<>();
    private final int devices;
    private Map<String, Double> last = Map.of();

    /** {@code count} replicas of {@code run}'s network, each reading micro-batches from {@code data}. */
    public DeviceGradients(Trainer.Run run, TrainingData data, int count) {
        AffinityManager affinity = Nd4j.getAffinityManager();
        this.devices = affinity.getNumberOfDevices();
        for (int r = 0; r < count; r++) {
            replicas.add(new Replica(r, r % devices, run, data));
        }
    }

    @Override
    public Objective.Sum accumulate(long step, List<List<Long>> microBatches, INDArray params, INDArray gradientSum) {
        long start = System.nanoTime();
        List<Future<Replica.Result>> running = new ArrayList<>();
        List<List<List<Long>>> shares = StepDistribution.shares(microBatches, replicas.size());
        for (int r = 0; r < shares.size(); r++) {
            running.add(replicas.get(r).submit(step, shares.get(r), params));
        }
        Objective.Sum total = Objective.Sum.ZERO;
        double compute = 0;
        int trainerDevice = Nd4j.getAffinityManager().getDeviceForCurrentThread();
        for (Future<Replica.Result> future : running) {
            Replica.Result result = await(future, step);
            gradientSum.addi(onDevice(trainerDevice, result.gradient()).reshape(gradientSum.shape()));
            total = total.plus(result.sum());
            compute = Math.max(compute, result.computeSeconds());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("replicas", (double) running.size());
        metrics.put("compute_s", compute);
        metrics.put("exchange_s", Math.max(0, seconds - compute));
        last = metrics;
        return total;
    }

    /** {@code array} on {@code device}: itself where there is one device (the CPU backend), else a copy there. */
    private static INDArray onDevice(int device, INDArray array) {
        AffinityManager affinity = Nd4j.getAffinityManager();
        return affinity.getNumberOfDevices() == 1 ? array : affinity.replicateToDevice(device, array);
    }

    private static Replica.Result await(Future<Replica.Result> future, long step) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("step " + step + ": interrupted while the replicas computed", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("step " + step + ": a replica failed: " + cause, cause);
        }
    }

    @Override
    public Map<String, Double> stepMetrics() {
        return last;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "gradient sharing over %d replicas on %d device(s) of %s", replicas.size(),
                Math.min(devices, replicas.size()), Nd4j.getBackend().getClass().getSimpleName());
    }

    @Override
    public void close() {
        replicas.forEach(replica -> replica.thread.shutdownNow());
    }

    /** One network on one device, driven by its own thread, which is attached to that device. */
    private static final class Replica {

        record Result(Objective.Sum sum, INDArray gradient, double computeSeconds) {}

        private final int device;
        private final ExecutorService thread;
        private final Trainer.Run run;
        private final TrainingData data;
        private final Future<?> built;
        private ComputationGraph net;
        private INDArray gradient;
        private Objective objective;

        Replica(int index, int device, Trainer.Run run, TrainingData data) {
            this.device = device;
            this.run = run;
            this.data = data;
            this.thread = Executors.newSingleThreadExecutor(task -> {
                Thread replicaThread = new Thread(() -> {
                    Nd4j.getAffinityManager().unsafeSetDevice(device);      // before the thread's first array
                    task.run();
                }, "phi4j-replica-" + index + "-device-" + device);
                replicaThread.setDaemon(true);
                return replicaThread;
            });
            // built on its own thread, so its arrays live on its device
            this.built = thread.submit(() -> {
                net = Trainer.network(run.model(), Trainer.masking(run.config()), run.config(), run.seed());
                gradient = net.params().ulike();
                objective = data.objective(net);
            });
        }

        Future<Result> submit(long step, List<List<Long>> microBatches, INDArray weights) {
            return thread.submit(() -> {
                built.get();
                long start = System.nanoTime();
                net.params().assign(onDevice(device, weights));
                gradient.assign(0);
                Trainer.seedStep(run.seed(), step);
                Objective.Sum total = Objective.Sum.ZERO;
                for (List<Long> rows : microBatches) {
                    total = total.plus(objective.accumulate(data.microBatch(rows, run.model().contextLength(),
                            Trainer.masking(run.config())), gradient));
                }
                return new Result(total, gradient, (System.nanoTime() - start) / 1e9);
            });
        }
    }
}

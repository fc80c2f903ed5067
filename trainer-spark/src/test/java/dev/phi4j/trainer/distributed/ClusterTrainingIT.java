package dev.phi4j.trainer.distributed;

import dev.phi4j.core.cluster.StandaloneCluster;
import dev.phi4j.core.shard.ShardSet;
import dev.phi4j.trainer.train.TrainFixtures;
import dev.phi4j.trainer.train.Trainer;
import dev.phi4j.trainer.train.TrainerConfig;
import dev.phi4j.trainer.train.TrainingProgress;
import org.apache.spark.ExecutorLostFailure;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both modes on a real standalone cluster ({@link StandaloneCluster}, as in the pipeline's ClusterIT): a master and
 * two workers (one core each), each a separate JVM on localhost whose executors are separate JVMs too, with the test
 * as the driver; phi4j's classes reach the executors through {@code spark.executor.extraClassPath} (the same
 * machine). The run must lose what the single-process run loses on
 * the same data and token budget within {@link LocalSparkTrainingTest#TOLERANCE}; one worker is killed as step 4's
 * tasks start and Spark must finish the run on the other; a resumed run continues from the last checkpoint there.
 * Parameter averaging runs first, while both workers live: it must end within
 * {@link LocalSparkAveragingTest#AVERAGING_TOLERANCE} of the single process's validation loss, and a single process
 * resumes its checkpoint.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTrainingIT {

    private static StandaloneCluster cluster;
    private static JavaSparkContext spark;

    /** 8 steps of 4 micro-batches; the cluster run stops after 6 and resumes to 8. */
    private static final TrainerConfig CONFIG = TrainFixtures.trainer("{max_steps: 8, micro_batch_size: 2, "
            + "global_batch_tokens: 128, schedule: {warmup_steps: 2}, eval: {interval: 3, batches: 2}, "
            + "checkpoint: {interval: 2, keep_last: 5}}");

    @BeforeAll
    static void cluster() throws Exception {
        cluster = StandaloneCluster.start(TrainFixtures.ROOT, 2, "1500m", Map.of("OMP_NUM_THREADS", "1"));
        SparkConf conf = new SparkConf().setMaster(cluster.master()).setAppName("phi4j-train-cluster-it")
                .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.ui.enabled", "false").set("spark.executor.memory", "1g").set("spark.cores.max", "2")
                .set("spark.executor.extraClassPath", String.join(File.pathSeparator, cluster.phi4jClasspath()))
                .set("spark.executor.extraJavaOptions", System.getProperty("phi4j.opens", ""))
                .set("spark.executorEnv.OMP_NUM_THREADS", "1");
        spark = JavaSparkContext.fromSparkContext(SparkContext.getOrCreate(conf));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (spark.sc().getExecutorMemoryStatus().size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(500);                                     // the driver and two executors
        }
        assertEquals(3, spark.sc().getExecutorMemoryStatus().size(), "two executors registered; see "
                + cluster.work());
    }

    @AfterAll
    static void stopCluster() throws IOException {
        if (spark != null) {
            spark.stop();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void twoReplicasAveragedOnTheClusterTrainCloseToOneProcessAndHandTheirCheckpointBack() throws IOException {
        ShardSet data = TrainFixtures.packedBooks(cluster.work().resolve("averaging-data"));
        TrainerConfig config = TrainFixtures.trainer("{max_steps: 8, micro_batch_size: 2, global_batch_tokens: 128, "
                + "schedule: {warmup_steps: 2}, eval: {interval: 4, batches: 2}, checkpoint: {interval: 4}, "
                + "distributed: {mode: 'averaging', average_every: 2, workers: 2}}");
        Trainer.Summary one = Trainer.start(TrainFixtures.run(cluster.work().resolve("averaging-single"), config), data,
                TrainingProgress.SILENT).train();
        Path averaged = cluster.work().resolve("averaging-cluster");
        Trainer.Run run = TrainFixtures.run(averaged, config);
        Trainer averaging = Trainer.start(run, data, TrainingProgress.SILENT);
        averaging.distribute(new SparkAveraging(spark, run, data.directory(), 2));
        Trainer.Summary two = averaging.train(6);
        for (var step : TrainFixtures.events(averaged, "step")) {
            assertEquals(2, step.get("workers").asInt(), step.toString());
        }
        Trainer resumed = Trainer.resume(TrainFixtures.run(averaged, config), data, TrainingProgress.SILENT);
        assertEquals(6, resumed.state().step());
        Trainer.Summary handedBack = resumed.train();
        assertEquals(8, handedBack.step());
        assertEquals(one.validationLoss(), handedBack.validationLoss(), LocalSparkAveragingTest.AVERAGING_TOLERANCE,
                "validation loss after 6 averaged steps and 2 in one process vs 8 in one process");
        System.out.printf("cluster averaging: validation loss %.4f at step 6, %.4f at 8 (one process: %.4f)%n",
                two.validationLoss(), handedBack.validationLoss(), one.validationLoss());
    }

    @Test
    @Order(2)
    void twoWorkersLoseWhatOneProcessLosesSurviveALostWorkerAndResume() throws IOException {
        ShardSet data = TrainFixtures.packedBooks(cluster.work().resolve("data"));
        Path single = cluster.work().resolve("single");
        Trainer.start(TrainFixtures.run(single, CONFIG), data, TrainingProgress.SILENT).train();

        Path clusterRun = cluster.work().resolve("cluster");
        Trainer.Run run = TrainFixtures.run(clusterRun, CONFIG);
        // A worker and its executor die as step 4's tasks start: Spark runs the lost work again on the other one.
        AtomicBoolean stepThreeDone = new AtomicBoolean();
        AtomicBoolean killed = new AtomicBoolean();
        AtomicInteger lostTasks = new AtomicInteger();
        spark.sc().addSparkListener(new SparkListener() {
            @Override
            public void onTaskStart(SparkListenerTaskStart start) {
                if (stepThreeDone.get() && killed.compareAndSet(false, true)) {
                    cluster.kill(2);
                }
            }

            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (end.reason() instanceof ExecutorLostFailure) {
                    lostTasks.incrementAndGet();
                }
            }
        });
        Trainer first = Trainer.start(run, data, new TrainingProgress() {
            @Override
            public void step(Step step) {
                if (step.step() == 3) {
                    stepThreeDone.set(true);
                }
            }
        });
        first.distribute(new SparkGradients(spark, run, data.directory(), 2));
        Trainer.Summary summary = first.train(6);
        assertTrue(killed.get(), "a worker was killed during step 4");
        assertEquals(6, summary.step(), "the run went on on the remaining worker");
        System.out.println("tasks lost with the killed executor and run again: " + lostTasks.get());
        assertEquals(2, spark.sc().getExecutorMemoryStatus().size(), "the driver and the one executor left");
        assertTrue(Files.isDirectory(clusterRun.resolve("checkpoints/step-00000006")));
        String masterLog = cluster.log("master.log");
        assertTrue(masterLog.contains("Launching executor"), "executors on the workers:\n" + masterLog);

        Trainer resumed = Trainer.resume(TrainFixtures.run(clusterRun, CONFIG), data, TrainingProgress.SILENT);
        assertEquals(6, resumed.state().step());
        resumed.distribute(new SparkGradients(spark, run, data.directory(), 2));
        resumed.train();

        TrainFixtures.assertSameLosses(single, clusterRun, 8, LocalSparkTrainingTest.TOLERANCE);
        for (var step : TrainFixtures.events(clusterRun, "step")) {
            assertEquals(2, step.get("workers").asInt(), step.toString());
        }
    }
}

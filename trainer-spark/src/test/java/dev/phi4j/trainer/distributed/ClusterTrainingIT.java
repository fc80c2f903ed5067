package dev.phi4j.trainer.distributed;

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
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both modes on a real standalone cluster: a master and two workers (one core each), each a separate JVM on
 * localhost whose executors are separate JVMs too, with the test as the driver. As in the pipeline's ClusterIT, the
 * cluster's SPARK_HOME/jars links this test's own library classpath; phi4j's classes reach the executors through
 * {@code spark.executor.extraClassPath} (the same machine). The run must lose what the single-process run loses on
 * the same data and token budget within {@link LocalSparkTrainingTest#TOLERANCE}; one worker is killed as step 4's
 * tasks start and Spark must finish the run on the other; a resumed run continues from the last checkpoint there.
 * Parameter averaging runs first, while both workers live: it must end within
 * {@link LocalSparkAveragingTest#AVERAGING_TOLERANCE} of the single process's validation loss, and a single process
 * resumes its checkpoint.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTrainingIT {

    private static final Path ROOT = TrainFixtures.ROOT;
    private static final List<Process> processes = new ArrayList<>();
    private static final List<Process> workers = new ArrayList<>();
    private static Path work;
    private static Path sparkHome;
    private static String master;
    private static JavaSparkContext spark;

    /** 8 steps of 4 micro-batches; the cluster run stops after 6 and resumes to 8. */
    private static final TrainerConfig CONFIG = TrainFixtures.trainer("{max_steps: 8, micro_batch_size: 2, "
            + "global_batch_tokens: 128, schedule: {warmup_steps: 2}, eval: {interval: 3, batches: 2}, "
            + "checkpoint: {interval: 2, keep_last: 5}}");

    @BeforeAll
    static void cluster() throws Exception {
        work = Files.createTempDirectory("phi4j-train-cluster-");
        sparkHome = work.resolve("spark-home");
        Path jars = Files.createDirectories(sparkHome.resolve("jars"));
        List<String> phi4j = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry).toAbsolutePath();
            if (path.startsWith(ROOT) || path.getFileName().toString().startsWith("phi4j-")) {
                if (!path.toString().contains("test-classes")) {
                    phi4j.add(path.toString());                   // phi4j's own classes, by extraClassPath
                }
            } else if (entry.endsWith(".jar") && Files.exists(path)) {
                Path link = jars.resolve(path.getFileName());
                if (!Files.exists(link)) {
                    Files.createSymbolicLink(link, path);
                }
            }
        }
        int masterPort = freePort();
        master = "spark://127.0.0.1:" + masterPort;
        start(java("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
                Integer.toString(masterPort), "--webui-port", Integer.toString(freePort())), "master.log");
        awaitPort(masterPort, "the Spark master");
        for (int i = 1; i <= 2; i++) {
            int workerPort = freePort();
            workers.add(start(java("org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--port",
                    Integer.toString(workerPort), "--webui-port", Integer.toString(freePort()), "--cores", "1",
                    "--memory", "1500m", "--work-dir", work.resolve("worker-" + i).toString(), master),
                    "worker-" + i + ".log"));
            awaitPort(workerPort, "Spark worker " + i);
        }
        SparkConf conf = new SparkConf().setMaster(master).setAppName("phi4j-train-cluster-it")
                .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.ui.enabled", "false").set("spark.executor.memory", "1g").set("spark.cores.max", "2")
                .set("spark.executor.extraClassPath", String.join(File.pathSeparator, phi4j))
                .set("spark.executor.extraJavaOptions", System.getProperty("phi4j.opens", ""))
                .set("spark.executorEnv.OMP_NUM_THREADS", "1");
        spark = JavaSparkContext.fromSparkContext(SparkContext.getOrCreate(conf));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (spark.sc().getExecutorMemoryStatus().size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(500);                                     // the driver and two executors
        }
        assertEquals(3, spark.sc().getExecutorMemoryStatus().size(), "two executors registered; see " + work);
    }

    @AfterAll
    static void stopCluster() throws IOException {
        if (spark != null) {
            spark.stop();
        }
        for (Process process : processes) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        try (var files = Files.walk(work)) {
            files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }

    @Test
    @Order(1)
    void twoReplicasAveragedOnTheClusterTrainCloseToOneProcessAndHandTheirCheckpointBack() throws IOException {
        ShardSet data = TrainFixtures.packedBooks(work.resolve("averaging-data"));
        TrainerConfig config = TrainFixtures.trainer("{max_steps: 8, micro_batch_size: 2, global_batch_tokens: 128, "
                + "schedule: {warmup_steps: 2}, eval: {interval: 4, batches: 2}, checkpoint: {interval: 4}, "
                + "distributed: {mode: 'averaging', average_every: 2, workers: 2}}");
        Trainer.Summary one = Trainer.start(TrainFixtures.run(work.resolve("averaging-single"), config), data,
                TrainingProgress.SILENT).train();
        Path cluster = work.resolve("averaging-cluster");
        Trainer.Run run = TrainFixtures.run(cluster, config);
        Trainer averaging = Trainer.start(run, data, TrainingProgress.SILENT);
        averaging.distribute(new SparkAveraging(spark, run, data.directory(), 2));
        Trainer.Summary two = averaging.train(6);
        for (var step : TrainFixtures.events(cluster, "step")) {
            assertEquals(2, step.get("workers").asInt(), step.toString());
        }
        Trainer resumed = Trainer.resume(TrainFixtures.run(cluster, config), data, TrainingProgress.SILENT);
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
        ShardSet data = TrainFixtures.packedBooks(work.resolve("data"));
        Path single = work.resolve("single");
        Trainer.start(TrainFixtures.run(single, CONFIG), data, TrainingProgress.SILENT).train();

        Path cluster = work.resolve("cluster");
        Trainer.Run run = TrainFixtures.run(cluster, CONFIG);
        // A worker and its executor die as step 4's tasks start: Spark runs the lost work again on the other one.
        AtomicBoolean stepThreeDone = new AtomicBoolean();
        AtomicBoolean killed = new AtomicBoolean();
        AtomicInteger lostTasks = new AtomicInteger();
        spark.sc().addSparkListener(new SparkListener() {
            @Override
            public void onTaskStart(SparkListenerTaskStart start) {
                if (stepThreeDone.get() && killed.compareAndSet(false, true)) {
                    Process worker = workers.get(1);
                    worker.descendants().forEach(ProcessHandle::destroyForcibly);
                    worker.destroyForcibly();
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
        assertTrue(Files.isDirectory(cluster.resolve("checkpoints/step-00000006")));
        String masterLog = Files.readString(work.resolve("master.log"));
        assertTrue(masterLog.contains("Launching executor"), "executors on the workers:\n" + masterLog);

        Trainer resumed = Trainer.resume(TrainFixtures.run(cluster, CONFIG), data, TrainingProgress.SILENT);
        assertEquals(6, resumed.state().step());
        resumed.distribute(new SparkGradients(spark, run, data.directory(), 2));
        resumed.train();

        LocalSparkTrainingTest.assertSameLosses(single, cluster, 8);
        for (var step : TrainFixtures.events(cluster, "step")) {
            assertEquals(2, step.get("workers").asInt(), step.toString());
        }
    }

    private static List<String> java(String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx512m"));
        command.addAll(List.of(System.getProperty("phi4j.opens", "").split(" ")));
        command.addAll(List.of("-cp", sparkHome.resolve("jars") + "/*", mainClass));
        command.addAll(List.of(args));
        command.removeIf(String::isBlank);
        return command;
    }

    private static Process start(List<String> command, String log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile())
                .redirectErrorStream(true).redirectOutput(work.resolve(log).toFile());
        Map<String, String> env = builder.environment();
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("SPARK_SCALA_VERSION", "2.12");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("SPARK_LOCAL_DIRS", work.resolve("local").toString());
        env.put("OMP_NUM_THREADS", "1");
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void awaitPort(int port, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(500);
            }
        }
        throw new IllegalStateException(what + " did not open port " + port + "; see " + work);
    }
}

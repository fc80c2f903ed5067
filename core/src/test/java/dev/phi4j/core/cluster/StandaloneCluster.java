package dev.phi4j.core.cluster;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Spark standalone cluster on localhost for the cluster tests of pipeline and trainer-spark: a master and workers,
 * each a separate JVM (their executors are JVMs too), with everything under one temporary directory. Spark has no
 * distribution here, so {@code SPARK_HOME/jars} links the test's own library classpath: every jar outside the
 * repository that is not a phi4j artifact. phi4j's classes reach the executors as the test arranges (a shaded jar
 * submitted with spark-submit, or {@code spark.executor.extraClassPath}); {@link #phi4jClasspath} lists them. Spark's
 * classes are named, not imported, so core needs no Spark to hold this.
 */
public final class StandaloneCluster implements AutoCloseable {

    private final Path root;
    private final Path work;
    private final Path sparkHome;
    private final Map<String, String> environment;
    private final List<Process> processes = new ArrayList<>();
    private final List<Process> workers = new ArrayList<>();
    private final List<String> phi4jClasspath = new ArrayList<>();
    private String master;

    private StandaloneCluster(Path root, Map<String, String> environment) throws IOException {
        this.root = root;
        this.environment = environment;
        this.work = Files.createTempDirectory("phi4j-cluster-");
        this.sparkHome = work.resolve("spark-home");
        Path jars = Files.createDirectories(sparkHome.resolve("jars"));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry).toAbsolutePath();
            if (path.startsWith(root) || path.getFileName().toString().startsWith("phi4j-")) {
                if (!path.toString().contains("test-classes")) {
                    phi4jClasspath.add(path.toString());
                }
            } else if (entry.endsWith(".jar") && Files.exists(path)) {
                Path link = jars.resolve(path.getFileName());
                if (!Files.exists(link)) {
                    Files.createSymbolicLink(link, path);
                }
            }
        }
    }

    /**
     * A master and {@code workers} workers of one core and {@code workerMemory} each (e.g. "1500m"), run from
     * {@code root} (the repository) with {@code environment} added to every process's.
     */
    public static StandaloneCluster start(Path root, int workers, String workerMemory, Map<String, String> environment)
            throws Exception {
        StandaloneCluster cluster = new StandaloneCluster(root, environment);
        try {
            int masterPort = freePort();
            cluster.master = "spark://127.0.0.1:" + masterPort;
            cluster.launch(cluster.java("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
                    Integer.toString(masterPort), "--webui-port", Integer.toString(freePort())), "master.log");
            cluster.awaitPort(masterPort, "the Spark master");
            for (int i = 1; i <= workers; i++) {
                int workerPort = freePort();
                cluster.workers.add(cluster.launch(cluster.java("org.apache.spark.deploy.worker.Worker", "--host",
                        "127.0.0.1", "--port", Integer.toString(workerPort), "--webui-port",
                        Integer.toString(freePort()), "--cores", "1", "--memory", workerMemory, "--work-dir",
                        cluster.work.resolve("worker-" + i).toString(), cluster.master), "worker-" + i + ".log"));
                cluster.awaitPort(workerPort, "Spark worker " + i);
            }
            return cluster;
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
    }

    /** The master's URL, {@code spark://127.0.0.1:PORT}. */
    public String master() {
        return master;
    }

    /** The temporary directory holding the cluster's logs, work and local directories. */
    public Path work() {
        return work;
    }

    /** phi4j's own classpath entries of this JVM (module classes and jars), for {@code spark.executor.extraClassPath}. */
    public List<String> phi4jClasspath() {
        return phi4jClasspath;
    }

    /** Kills worker {@code i} (1-based) and its executors at once, as a lost machine would go. */
    public void kill(int worker) {
        Process process = workers.get(worker - 1);
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** A log of the cluster's, e.g. {@code master.log}. */
    public String log(String name) throws IOException {
        return Files.readString(work.resolve(name));
    }

    /** The command line of a Java process on the cluster's classpath with the JVM flags Spark needs on Java 17. */
    public List<String> java(String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx512m"));
        command.addAll(List.of(System.getProperty("phi4j.opens", "").split(" ")));
        command.addAll(List.of("-cp", sparkHome.resolve("jars") + "/*", mainClass));
        command.addAll(List.of(args));
        command.removeIf(String::isBlank);
        return command;
    }

    /** Starts {@code command} from the repository in the cluster's environment, its output into {@code log}. */
    public Process launch(List<String> command, String log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile())
                .redirectErrorStream(true).redirectOutput(work.resolve(log).toFile());
        Map<String, String> env = builder.environment();
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("SPARK_SCALA_VERSION", "2.12");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("SPARK_LOCAL_DIRS", work.resolve("local").toString());
        env.putAll(environment);
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    /** Stops every process it started and removes its directory. */
    @Override
    public void close() throws IOException {
        for (Process process : processes) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        try (var files = Files.walk(work)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void awaitPort(int port, String what) throws Exception {
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

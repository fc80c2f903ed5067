package dev.phi4j.trainer.distributed;

import dev.phi4j.core.io.Sha256;
import dev.phi4j.core.shard.ShardManifest;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;
import scala.Tuple2;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The shard directory as a worker sees it. A plain path is read where it is (every worker must mount it at that
 * path); a Hadoop file system URI ({@code hdfs://}, {@code s3a://}, {@code file:/}) is copied once per executor JVM
 * into the application's directory there, since {@code ShardSet} memory-maps local files. Either way the manifest must be the
 * driver's, byte for byte, so a worker never trains on other data than the driver's checkpoints record.
 */
final class WorkerShards {

    private static final Map<String, Path> COPIES = new ConcurrentHashMap<>();

    private WorkerShards() {}

    /** A local directory holding the shards {@code location} names, its manifest checked against the driver's. */
    static Path local(String location, String manifestFingerprint) throws IOException {
        Path dir = isUri(location) ? COPIES.computeIfAbsent(location + "#" + manifestFingerprint,
                key -> copy(location, manifestFingerprint)) : Path.of(location);
        Path manifest = dir.resolve(ShardManifest.FILE_NAME);
        if (!Files.isRegularFile(manifest)) {
            throw new IllegalStateException("worker on " + StepWorker.host() + ": the shard directory " + dir
                    + " is not there; every Spark worker reads the shards itself: put them on a file system all "
                    + "workers mount at the same path, or set trainer.distributed.shards to an hdfs:// or s3a:// URI");
        }
        String fingerprint = Sha256.tagged(Files.readAllBytes(manifest));
        if (!fingerprint.equals(manifestFingerprint)) {
            throw new IllegalStateException("worker on " + StepWorker.host() + ": the shards at " + location
                    + " are not the driver's (manifest " + fingerprint + ", the driver's " + manifestFingerprint
                    + "); point trainer.distributed.shards at a copy of the shard directory the run trains on");
        }
        return dir;
    }

    static boolean isUri(String location) {
        return location.matches("[A-Za-z][A-Za-z0-9+.-]*:.*") && !location.matches("[A-Za-z]:\\\\.*");
    }

    private static Path copy(String location, String manifestFingerprint) {
        try {
            // the application's directory on the executor, removed with the application
            String base = SparkEnv.get() != null ? SparkFiles.getRootDirectory() : System.getProperty("java.io.tmpdir");
            Path target = Path.of(base, "phi4j-shards", Sha256.tagged(
                    (location + "#" + manifestFingerprint).getBytes(StandardCharsets.UTF_8)).replace(':', '-'));
            Path done = target.resolve(".complete");
            if (Files.exists(done)) {
                return target;
            }
            org.apache.hadoop.fs.Path source = new org.apache.hadoop.fs.Path(URI.create(location));
            FileSystem fs = source.getFileSystem(hadoopConfiguration());
            if (!fs.exists(source)) {
                throw new IllegalStateException("worker on " + StepWorker.host() + ": the shard directory "
                        + location + " is not there");
            }
            Path partial = Files.createDirectories(target.resolveSibling(target.getFileName() + ".partial-"
                    + ProcessHandle.current().pid()));
            String root = fs.getFileStatus(source).getPath().toUri().getPath();
            RemoteIterator<LocatedFileStatus> files = fs.listFiles(source, true);
            while (files.hasNext()) {
                org.apache.hadoop.fs.Path file = files.next().getPath();
                String relative = file.toUri().getPath().substring(root.length()).replaceFirst("^/", "");
                Path local = partial.resolve(relative);
                Files.createDirectories(local.getParent());
                fs.copyToLocalFile(false, file, new org.apache.hadoop.fs.Path(local.toUri()), true);
            }
            Files.writeString(partial.resolve(".complete"), location + "\n");
            if (Files.exists(target)) {
                deleteTree(partial);                    // another task of this executor got there first
            } else {
                Files.move(partial, target);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("worker on " + StepWorker.host() + ": copying the shards from "
                    + location + " failed: " + e.getMessage(), e);
        }
    }

    /** Hadoop settings as the driver gave them: {@code spark.hadoop.*} of the executor's Spark conf. */
    private static Configuration hadoopConfiguration() {
        Configuration conf = new Configuration();
        SparkEnv env = SparkEnv.get();
        if (env != null) {
            for (Tuple2<String, String> setting : env.conf().getAll()) {
                if (setting._1().startsWith("spark.hadoop.")) {
                    conf.set(setting._1().substring("spark.hadoop.".length()), setting._2());
                }
            }
        }
        return conf;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}

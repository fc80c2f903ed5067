package dev.phi4j.pipeline;

import dev.phi4j.core.cluster.StandaloneCluster;
import dev.phi4j.pipeline.stage.Manifest;
import dev.phi4j.pipeline.stage.ManifestJson;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sample pipeline submitted with spark-submit (SparkSubmit, as the script runs it) from the shaded jar to a
 * real standalone cluster ({@link StandaloneCluster}: a master and two workers, each a separate JVM on localhost
 * whose executors are separate JVMs too; its SPARK_HOME links the project's own Spark classpath without phi4j's
 * classes, which reach the executors only through the shaded jar). The cluster's
 * output must equal a local[2] run's: the same counts, drop reasons and content fingerprints for every stage.
 */
class ClusterIT {

    private static final Path ROOT = Path.of(System.getProperty("phi4j.root", "..")).toAbsolutePath().normalize();
    private static StandaloneCluster cluster;

    @BeforeAll
    static void cluster() throws Exception {
        cluster = StandaloneCluster.start(ROOT, 2, "1g", Map.of());
    }

    @AfterAll
    static void stopCluster() throws IOException {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void samplePipelineOnAStandaloneClusterGivesTheLocalRunsOutput() throws Exception {
        Path jar = Path.of(System.getProperty("phi4j.pipeline.jar"));
        assertTrue(Files.isRegularFile(jar), "shaded jar missing: " + jar);
        String master = cluster.master();
        Path runs = cluster.work().resolve("runs");
        String clusterLog = submit(jar, master, runs, "cluster");
        assertTrue(clusterLog.contains("Spark 3.5") && clusterLog.contains(master), tail(clusterLog));
        String masterLog = cluster.log("master.log");
        assertTrue(masterLog.contains("Launching executor"), "executors on the workers:\n" + tail(masterLog));
        submit(jar, "local[2]", runs, "local");

        List<Pipeline.Outcome> local = new ArrayList<>();
        for (String dir : List.of("00-ingest", "01-clean", "02-dedup", "03-decontam")) {
            local.add(new Pipeline.Outcome(ManifestJson.readManifest(new org.apache.hadoop.fs.Path(
                    runs.resolve("local").resolve(dir).toString()), new Configuration()).orElseThrow(), false));
        }
        SparkSession spark = SparkSession.builder().master("local[2]").appName("cluster-it-local")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "localhost")
                .config("spark.driver.bindAddress", "127.0.0.1").config("spark.sql.shuffle.partitions", "4")
                .getOrCreate();
        Configuration conf = new Configuration();
        for (Pipeline.Outcome outcome : local) {
            Manifest here = outcome.manifest();
            Manifest there = ManifestJson.readManifest(new org.apache.hadoop.fs.Path(runs.resolve("cluster")
                    .resolve(here.stage().dir()).toString()), conf).orElseThrow();
            assertTrue(there.environment().master().startsWith("spark://"), there.environment().master());
            assertEquals(here.counts(), there.counts(), here.stage().dir());
            assertEquals(here.outputs().kept().fingerprint(), there.outputs().kept().fingerprint(), here.stage().dir());
            assertEquals(here.outputs().dropped().fingerprint(), there.outputs().dropped().fingerprint(),
                    here.stage().dir());
            assertTrue(there.invariant().holds());
        }
        String last = local.get(local.size() - 1).manifest().stage().dir();
        List<Row> localRows = spark.read().parquet(runs.resolve("local").resolve(last).resolve("data").toString())
                .orderBy("id").collectAsList();
        List<Row> clusterRows = spark.read().parquet(runs.resolve("cluster").resolve(last).resolve("data").toString())
                .orderBy("id").collectAsList();
        assertEquals(localRows, clusterRows);
        spark.stop();
    }

    /** Runs the sample pipeline with spark-submit from the repository root; returns its log. */
    private static String submit(Path jar, String master, Path runs, String name) throws Exception {
        Process submit = cluster.launch(cluster.java("org.apache.spark.deploy.SparkSubmit", "--master", master,
                "--deploy-mode", "client", "--class", "dev.phi4j.pipeline.PipelineMain",
                "--conf", "spark.executor.memory=512m", "--conf", "spark.cores.max=2",
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.ui.enabled=false",
                "--conf", "spark.executor.extraJavaOptions=" + System.getProperty("phi4j.opens", ""),
                jar.toString(), "run", "configs/pipeline/sample.yaml",
                "--set", "run.output_dir=" + runs, "--set", "run.name=" + name), "submit-" + name + ".log");
        boolean finished = submit.waitFor(15, TimeUnit.MINUTES);
        String log = cluster.log("submit-" + name + ".log");
        assertTrue(finished, "spark-submit --master " + master + " did not finish in 15 minutes:\n" + tail(log));
        assertEquals(0, submit.exitValue(), "spark-submit --master " + master + " failed:\n" + tail(log));
        return log;
    }

    private static String tail(String log) {
        return log.length() > 6000 ? log.substring(log.length() - 6000) : log;
    }
}

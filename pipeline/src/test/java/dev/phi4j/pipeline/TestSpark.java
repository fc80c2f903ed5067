package dev.phi4j.pipeline;

import org.apache.spark.sql.SparkSession;

import java.nio.file.Files;
import java.nio.file.Path;

/** The local Spark session tests share (one per JVM), and where the shared real datasets are. */
public final class TestSpark {

    private TestSpark() {}

    public static synchronized SparkSession session() {
        return SparkSession.builder()
                .master("local[2]")
                .appName("phi4j-pipeline-test")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.default.parallelism", "4")
                .config("spark.driver.host", "localhost")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
    }

    /** A file under {@code ../shared/datasets}; fails naming the path when it is missing. */
    public static Path shared(String relative) {
        Path file = Path.of(System.getProperty("phi4j.shared", "../../shared")).resolve("datasets").resolve(relative);
        if (!Files.exists(file)) {
            throw new IllegalStateException("test data missing: " + file.toAbsolutePath()
                    + " (the shared datasets sit beside the checkout in ../shared/datasets)");
        }
        return file;
    }

    /** The repository root (bundled sample data, configs). */
    public static Path root() {
        return Path.of(System.getProperty("phi4j.root", ".."));
    }
}

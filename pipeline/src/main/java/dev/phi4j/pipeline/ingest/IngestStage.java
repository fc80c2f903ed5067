package dev.phi4j.pipeline.ingest;

import dev.phi4j.core.schema.Document;
import dev.phi4j.pipeline.stage.Stage;
import dev.phi4j.pipeline.stage.StageContext;
import dev.phi4j.pipeline.stage.StageInput;
import dev.phi4j.pipeline.stage.StageRows;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * Reads sources into documents. The driver lists files (names and sizes only); executors read them, one file per
 * task at most, each raw record (line, block, page, WARC record, Parquet row) becoming one row: kept, or
 * quarantined with a reason and its location ({@code file#line=17}, {@code file#offset=1234}).
 */
public final class IngestStage implements Stage {

    /** A source's listing as the manifest's {@code ingest.sources} section shows it. */
    public record SourceSummary(String name, String format, String sourceClass, List<String> paths, long files,
                                long bytes, long skippedDirs, long skippedFiles, List<String> skippedDirExamples,
                                Map<String, Long> rows) {}

    private final IngestConfig config;
    private List<SourceListing> listings;

    IngestStage(IngestConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "ingest";
    }

    @Override
    public Class<Document> reads() {
        return Document.class;
    }

    @Override
    public Class<Document> writes() {
        return Document.class;
    }

    @Override
    public Kind kind() {
        return Kind.SOURCE;
    }

    @Override
    public List<StageInput> inputs(StageContext context) {
        List<SourceListing> listed = listings(context.spark().sparkContext().hadoopConfiguration());
        List<StageInput> inputs = new ArrayList<>();
        for (int i = 0; i < config.sources().size(); i++) {
            SourceConfig source = config.sources().get(i);
            SourceListing listing = listed.get(i);
            inputs.add(new StageInput("files", source.name(), String.join(",", source.paths()),
                    listing.files().size(), listing.bytes(), listing.fingerprint()));
        }
        return inputs;
    }

    private List<SourceListing> listings(Configuration conf) {
        if (listings == null) {
            listings = config.sources().stream().map(source -> SourceListing.of(source, conf)).toList();
        }
        return listings;
    }

    @Override
    public Dataset<Row> apply(Dataset<Row> in, StageContext context) {
        SparkSession spark = context.spark();
        List<SourceListing> listed = listings(spark.sparkContext().hadoopConfiguration());
        List<Task> tasks = new ArrayList<>();
        Dataset<Row> rows = null;
        for (int i = 0; i < config.sources().size(); i++) {
            SourceConfig source = config.sources().get(i);
            if (source instanceof ParquetSource parquet) {
                Dataset<Row> table = ParquetRows.read(parquet, listed.get(i), spark);
                rows = rows == null ? table : rows.union(table);
            } else {
                RecordReader reader = source.reader();
                listed.get(i).files().forEach(file -> tasks.add(new Task(reader, file)));
            }
        }
        if (!tasks.isEmpty()) {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            HadoopConf conf = new HadoopConf(spark.sparkContext().hadoopConfiguration());
            int slices = Math.min(tasks.size(), Math.max(1, jsc.defaultParallelism() * 4));
            JavaRDD<Row> read = jsc.parallelize(tasks, slices)
                    .flatMap(task -> task.reader().read(task.file(), conf.get()));
            Dataset<Row> files = spark.createDataFrame(read, StageRows.SCHEMA);
            rows = rows == null ? files : rows.union(files);
        }
        return rows == null ? spark.createDataFrame(List.<Row>of(), StageRows.SCHEMA) : rows;
    }

    private record Task(RecordReader reader, SourceFile file) implements java.io.Serializable {}

    @Override
    public void summarize(Dataset<Row> output, StageContext context) {
        Map<String, Map<String, Long>> bySource = new TreeMap<>();
        for (Row row : output.groupBy(col("source"), coalesce(col(DROP_REASON), lit("kept")).as("outcome"))
                .count().collectAsList()) {
            bySource.computeIfAbsent(row.getString(0), s -> new TreeMap<>()).put(row.getString(1), row.getLong(2));
        }
        List<SourceListing> listed = listings(context.spark().sparkContext().hadoopConfiguration());
        List<SourceSummary> summaries = new ArrayList<>();
        for (int i = 0; i < config.sources().size(); i++) {
            SourceConfig source = config.sources().get(i);
            SourceListing listing = listed.get(i);
            summaries.add(new SourceSummary(source.name(), format(source),
                    source.sourceClass().name().toLowerCase(java.util.Locale.ROOT), source.paths(),
                    listing.files().size(), listing.bytes(), listing.skippedDirs(), listing.skippedFiles(),
                    listing.skippedDirExamples(), bySource.getOrDefault(source.name(), new LinkedHashMap<>())));
        }
        context.report("ingest.sources", summaries);
    }

    private static String format(SourceConfig source) {
        return source.getClass().getAnnotation(dev.phi4j.core.config.Variant.class).value();
    }
}

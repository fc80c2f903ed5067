package dev.phi4j.pipeline.decontam;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.*;

/**
 * Items of a {@link BenchmarkConfig} as a two-column table {@code (item, text)}, read by Spark in every format, so
 * a large reference corpus stays distributed while a benchmark's few thousand items may be collected.
 */
final class BenchmarkItems {

    private BenchmarkItems() {}

    /**
     * With {@code numbered}, items without an id field are numbered 1, 2, … in file order (benchmarks: a few
     * thousand rows read by one task); without it, the table keeps its partitions (reference corpora).
     */
    static Dataset<Row> read(SparkSession spark, BenchmarkConfig config, boolean numbered) {
        Dataset<Row> table = switch (config.format()) {
            case GSM8K, HUMANEVAL, JSONL -> spark.read().option("mode", "FAILFAST").json(config.path());
            case CSV -> spark.read().option("header", "true").option("multiLine", "true").option("escape", "\"")
                    .csv(config.path());
            case TEXT -> spark.read().text(config.path());
            case PARQUET -> spark.read().parquet(config.path());
        };
        List<String> columns = List.of(table.schema().fieldNames());
        List<String> needed = new ArrayList<>(config.textFields());
        config.itemIdField().ifPresent(needed::add);
        for (String field : needed) {
            if (!columns.contains(field)) {
                throw new IllegalArgumentException("benchmark '" + config.name() + "' (" + config.path() + "): no field '"
                        + field + "'; the data has " + columns);
            }
        }
        Column text = concat_ws("\n", config.textFields().stream()
                .map(field -> coalesce(col(field).cast(DataTypes.StringType), lit(""))).toArray(Column[]::new));
        if (config.itemIdField().isPresent()) {
            return table.select(col(config.itemIdField().get()).cast(DataTypes.StringType).as("item"), text.as("text"));
        }
        if (!numbered) {
            return table.select(lit("").as("item"), text.as("text"));
        }
        Dataset<Row> items = table.coalesce(1).select(text.as("text"))
                .withColumn("item", monotonically_increasing_id().plus(1).cast(DataTypes.StringType))
                .select("item", "text");
        return items;
    }
}

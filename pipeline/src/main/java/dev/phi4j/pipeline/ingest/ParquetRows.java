package dev.phi4j.pipeline.ingest;

import dev.phi4j.pipeline.stage.Stage;
import dev.phi4j.pipeline.stage.StageRows;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * Parquet sources, read by Spark. Each file's footer is checked on the driver first, so a corrupt file is
 * quarantined by name instead of failing the job; rows are located by file and row index.
 */
final class ParquetRows {

    private ParquetRows() {}

    static Dataset<Row> read(ParquetSource source, SourceListing listing, SparkSession spark) {
        SourceRows rows = new SourceRows(source.name(), source.sourceClass());
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        List<Row> quarantined = new ArrayList<>();
        List<String> readable = new ArrayList<>();
        for (SourceFile file : listing.files()) {
            Row rejected = FileAccess.precheck(file, rows, source.maxFileBytes());
            if (rejected != null) {
                quarantined.add(rejected);
                continue;
            }
            try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(
                    new org.apache.hadoop.fs.Path(file.uri()), conf))) {
                reader.getFooter();
                readable.add(file.uri());
            } catch (Exception e) {
                quarantined.add(rows.quarantined(file, file.uri(), Reasons.CORRUPT_PARQUET, "unreadable Parquet footer: "
                        + e.getMessage()));
            }
        }
        Dataset<Row> bad = spark.createDataFrame(quarantined, StageRows.SCHEMA);
        if (readable.isEmpty()) {
            return bad;
        }
        Dataset<Row> table = spark.read().parquet(readable.toArray(String[]::new));
        if (source.documents()) {
            return table.select(StageRows.documentColumns())
                    .withColumn(Stage.DROP_REASON, lit(null).cast(DataTypes.StringType)).union(bad);
        }
        List<String> columns = List.of(table.schema().fieldNames());
        List<String> wanted = new ArrayList<>(List.of(source.textColumn()));
        source.idColumn().ifPresent(wanted::add);
        wanted.addAll(source.metadataColumns());
        for (String column : wanted) {
            if (!columns.contains(column)) {
                throw new IllegalArgumentException("source '" + source.name() + "': the Parquet files have no column '"
                        + column + "'; they have " + columns);
            }
        }
        List<Column> selected = new ArrayList<>(List.of(col("_metadata.file_path"), col("_metadata.row_index")));
        wanted.forEach(column -> selected.add(col(column).cast(DataTypes.StringType)));
        boolean hasId = source.idColumn().isPresent();
        List<String> metadataColumns = source.metadataColumns();
        int maxChars = source.maxRecordBytes();
        String textColumn = source.textColumn();
        Map<String, SourceFile> filesByPath = new HashMap<>();
        listing.files().forEach(file -> filesByPath.put(new org.apache.hadoop.fs.Path(file.uri()).toUri().getPath(), file));
        Dataset<Row> mapped = table.select(selected.toArray(Column[]::new)).map((MapFunction<Row, Row>) row -> {
            String sparkPath = row.getString(0);
            SourceFile file = filesByPath.getOrDefault(new URI(sparkPath).getPath(),
                    new SourceFile(sparkPath, 0, 0, sparkPath));
            String origin = file.uri() + "#row=" + row.getLong(1);
            Map<String, String> metadata = new LinkedHashMap<>();
            int next = 3;
            if (hasId) {
                if (!row.isNullAt(next)) {
                    metadata.put("source_id", row.getString(next));
                }
                next++;
            }
            for (String column : metadataColumns) {
                if (!row.isNullAt(next)) {
                    metadata.put(column, row.getString(next));
                }
                next++;
            }
            if (row.isNullAt(2)) {
                return rows.quarantined(file, origin, Reasons.MISSING_FIELD, "column '" + textColumn + "' is null",
                        "", metadata);
            }
            String text = row.getString(2);
            if (text.length() > maxChars) {
                return rows.quarantined(file, origin, Reasons.RECORD_TOO_LARGE, "text of " + text.length()
                        + " characters, more than max_record_bytes " + maxChars, "", metadata);
            }
            return rows.kept(file, origin, text, metadata);
        }, StageRows.encoder());
        return mapped.union(bad);
    }
}

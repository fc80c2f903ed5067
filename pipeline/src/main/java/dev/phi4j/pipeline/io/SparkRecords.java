package dev.phi4j.pipeline.io;

import dev.phi4j.core.schema.RecordSchema;
import dev.phi4j.core.schema.SchemaMismatchException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

import java.util.List;

/**
 * phi4j records in Spark: the {@link StructType} of a record (derived from its {@link RecordSchema},
 * never written by hand), {@link Row} ⇄ record conversion, and Parquet read/write helpers whose files
 * are interchangeable with {@link dev.phi4j.core.schema.ParquetRecords}'.
 */
public final class SparkRecords {

    private SparkRecords() {}

    /** Snake_case columns in component order; every field non-nullable, as records reject nulls. */
    public static StructType structType(Class<? extends Record> type) {
        return SparkTypes.structType(RecordSchema.of(type));
    }

    /** The record as a row with the schema {@link #structType} gives. */
    public static <R extends Record> Row toRow(R record) {
        RecordSchema<?> schema = RecordSchema.of(record.getClass());
        return RowConversion.toRow(schema, SparkTypes.structType(schema), record);
    }

    /**
     * The record a row holds. Columns are looked up by name, so the row may carry extra columns; a
     * missing column or a null is an error naming the column, and the record's own checks apply.
     */
    public static <R extends Record> R fromRow(Row row, Class<R> type) {
        return RowConversion.fromRow(RecordSchema.of(type), row, "");
    }

    /** A DataFrame of {@code records} with the record's {@link #structType}. */
    public static <R extends Record> Dataset<Row> dataFrame(SparkSession spark, Class<R> type, List<R> records) {
        RecordSchema<R> schema = RecordSchema.of(type);
        StructType structType = SparkTypes.structType(schema);
        List<Row> rows = records.stream().map(record -> RowConversion.toRow(schema, structType, record)).toList();
        return spark.createDataFrame(rows, structType);
    }

    /**
     * The Parquet data at {@code path} (a file, a directory, a glob) as rows of {@code type}'s columns,
     * in component order; other columns are not read. A missing column or one of another type is a
     * {@link SchemaMismatchException} naming the path and column, raised here rather than mid-job.
     */
    public static Dataset<Row> read(SparkSession spark, String path, Class<? extends Record> type) {
        RecordSchema<?> schema = RecordSchema.of(type);
        SparkTypes.requireColumns(spark.read().parquet(path).schema(), schema, path);
        return spark.read().schema(SparkTypes.structType(schema)).parquet(path);
    }

    /**
     * Writes rows as Parquet at {@code path}, failing if something is already there, like
     * {@link dev.phi4j.core.schema.ParquetRecords#write}. Spark's default Snappy compression applies.
     */
    public static void write(Dataset<Row> rows, String path) {
        rows.write().mode(SaveMode.ErrorIfExists).parquet(path);
    }
}

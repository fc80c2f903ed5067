package dev.phi4j.pipeline.stage;

import dev.phi4j.core.schema.Document;
import dev.phi4j.core.schema.IdKind;
import dev.phi4j.core.schema.RecordIds;
import dev.phi4j.core.schema.SourceClass;
import dev.phi4j.pipeline.io.SparkRecords;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rows of a stage's output: the columns of the record type it writes followed by {@link Stage#DROP_REASON}. Most
 * stages write {@link Document}s: helpers to read their fields and to build them, so stages that map rows in Java do
 * not repeat column positions.
 */
public final class StageRows {

    public static final StructType DOCUMENT = SparkRecords.structType(Document.class);
    public static final StructType SCHEMA = schema(Document.class);

    public static final int ID = 0;
    public static final int SOURCE = 1;
    public static final int SOURCE_CLASS = 2;
    public static final int ORIGIN_URI = 3;
    public static final int TEXT = 4;
    public static final int METADATA = 5;
    public static final int LINEAGE = 6;
    public static final int REASON = 7;

    private StageRows() {}

    /** The input rows with an empty {@link Stage#DROP_REASON} column: the schema {@link #SCHEMA} a stage starts from. */
    public static Dataset<Row> withReason(Dataset<Row> documents) {
        return documents.select(documentColumns()).withColumn(Stage.DROP_REASON, functions.lit(null).cast(DataTypes.StringType));
    }

    /** The row of {@code record} followed by its drop reason (null: kept), as a stage writing its type returns it. */
    public static <R extends Record> Row row(R record, String dropReason) {
        Row row = SparkRecords.toRow(record);
        Object[] cells = new Object[row.length() + 1];
        for (int i = 0; i < row.length(); i++) {
            cells[i] = row.get(i);
        }
        cells[row.length()] = dropReason;
        return RowFactory.create(cells);
    }

    /** The columns of {@code record} (a record type's rows) followed by {@link Stage#DROP_REASON}: what a stage returns. */
    public static StructType schema(Class<? extends Record> record) {
        return SparkRecords.structType(record).add(Stage.DROP_REASON, DataTypes.StringType, true);
    }

    /** The columns of {@code record} in record order. */
    public static Column[] columns(Class<? extends Record> record) {
        return columns(SparkRecords.structType(record));
    }

    static Column[] columns(StructType schema) {
        return java.util.Arrays.stream(schema.fieldNames()).map(functions::col).toArray(Column[]::new);
    }

    /** The {@link Document} columns in record order. */
    public static Column[] documentColumns() {
        return java.util.Arrays.stream(DOCUMENT.fieldNames()).map(functions::col).toArray(Column[]::new);
    }

    /** The {@link Document} columns and {@link Stage#DROP_REASON}, in the order of {@link #SCHEMA}. */
    public static Column[] documentColumnsAndReason() {
        return java.util.Arrays.stream(SCHEMA.fieldNames()).map(functions::col).toArray(Column[]::new);
    }

    public static Encoder<Row> encoder() {
        return Encoders.row(SCHEMA);
    }

    /**
     * A raw document read from a source, no lineage. Its id derives from source, text and {@code location}, the
     * origin relative to the source's configured path, so the same data mounted elsewhere gets the same ids.
     */
    public static Row source(String source, SourceClass sourceClass, String originUri, String location, String text,
                             Map<String, String> metadata, String dropReason) {
        String id = RecordIds.of(IdKind.DOCUMENT, source, location, text);
        return of(id, source, sourceClass.name().toLowerCase(Locale.ROOT), originUri, text, metadata, List.of(),
                dropReason);
    }

    public static Row of(String id, String source, String sourceClass, String originUri, String text,
                         Map<String, String> metadata, List<String> lineage, String dropReason) {
        return RowFactory.create(id, source, sourceClass, originUri, text,
                JavaConverters.mapAsScalaMap(new TreeMap<>(metadata)),
                JavaConverters.asScalaBuffer(new ArrayList<>(lineage)).toList(), dropReason);
    }

    /** The same row with a reason set; a row already dropped keeps its first reason. */
    public static Row drop(Row row, String reason) {
        if (!row.isNullAt(REASON)) {
            return row;
        }
        return of(row.getString(ID), row.getString(SOURCE), row.getString(SOURCE_CLASS), row.getString(ORIGIN_URI),
                row.getString(TEXT), metadata(row), lineage(row), reason);
    }

    /**
     * The row with new text (and extra metadata): when the text changes, the document gets the id of its new
     * content and its old id joins the lineage, so a cleaned or cut document still leads back to its source.
     */
    public static Row rewrite(Row row, String text, Map<String, String> extraMetadata, String dropReason) {
        Map<String, String> metadata = metadata(row);
        metadata.putAll(extraMetadata);
        String oldText = row.getString(TEXT);
        List<String> lineage = lineage(row);
        String id = row.getString(ID);
        if (!oldText.equals(text)) {
            lineage.add(id);
            id = rewrittenId(row.getString(SOURCE), row.getString(ORIGIN_URI), text);
        }
        return of(id, row.getString(SOURCE), row.getString(SOURCE_CLASS), row.getString(ORIGIN_URI), text, metadata,
                lineage, dropReason);
    }

    /** The id of a document whose text a stage changed: that of its new content, at its source and origin. */
    public static String rewrittenId(String source, String originUri, String text) {
        return RecordIds.of(IdKind.DOCUMENT, source, originUri, text);
    }

    /** The first {@code chars} characters of a text (never half a surrogate pair), with an ellipsis when cut. */
    public static String excerpt(String text, int chars) {
        if (text.length() <= chars) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(chars - 1)) ? chars - 1 : chars;
        return text.substring(0, end) + "…";
    }

    public static Map<String, String> metadata(Row row) {
        return new LinkedHashMap<>(row.<String, String>getJavaMap(METADATA));
    }

    public static List<String> lineage(Row row) {
        return new ArrayList<>(row.<String>getList(LINEAGE));
    }

    public static String reason(Row row) {
        return row.isNullAt(REASON) ? null : row.getString(REASON);
    }
}

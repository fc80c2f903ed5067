package dev.phi4j.pipeline.io;

import dev.phi4j.core.schema.Column;
import dev.phi4j.core.schema.Conversation;
import dev.phi4j.core.schema.Document;
import dev.phi4j.core.schema.IdKind;
import dev.phi4j.core.schema.Message;
import dev.phi4j.core.schema.PackedSequence;
import dev.phi4j.core.schema.ParquetRecords;
import dev.phi4j.core.schema.PreferenceKind;
import dev.phi4j.core.schema.PreferencePair;
import dev.phi4j.core.schema.RecordIds;
import dev.phi4j.core.schema.RecordSchema;
import dev.phi4j.core.schema.Revision;
import dev.phi4j.core.schema.SchemaMismatchException;
import dev.phi4j.core.schema.Seed;
import dev.phi4j.core.schema.SeedKind;
import dev.phi4j.core.schema.SeedTags;
import dev.phi4j.core.schema.SourceClass;
import dev.phi4j.core.schema.SyntheticSample;
import dev.phi4j.core.schema.TeacherCall;
import dev.phi4j.core.schema.Validation;
import dev.phi4j.core.schema.ValidationStatus;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class SparkRecordsTest {

    private static final Configuration CONF = new Configuration();

    private static final Document PAGE = Document.of("cc-2024-22", SourceClass.WEB, "whirlwind.warc.gz#offset=1234",
            "Die Straße — 数学 ∑ 🧮\nzweite Zeile", Map.of("url", "https://de.wikipedia.org/wiki/Straße"), List.of());
    private static final Seed SEED = Seed.of(PAGE, 4, 10, SeedKind.PASSAGE, new SeedTags(2, 5, 3), 0.5,
            Map.of());
    private static final TeacherCall CALL = new TeacherCall("panel-a", "gpt-4o",
            TeacherCall.callId("sha256:" + SEED.id()), "sha256:" + SEED.id(), "writer", "length", 10, 0);
    private static final SyntheticSample SAMPLE = SyntheticSample.of("self_revision",
            List.of(Message.system(""), Message.user("Erkläre " + SEED.text())), "Straße ✓", List.of(CALL, CALL),
            List.of(new Revision(1, "Strasse", "spelling; 4/10", 4.0, "Straße ✓")), Map.of("fidelity", 0.75),
            new Validation(ValidationStatus.FAILED, "1 of 2 checks"), Map.of("template", "t"),
            List.of(SEED.id(), CALL.callId()));
    private static final SyntheticSample BARE = SyntheticSample.of("instruction_reversal",
            List.of(Message.user("def f(): pass")), "", List.of(), List.of(), Map.of(), Validation.notRun(),
            Map.of(), List.of());
    private static final Conversation CHAT = Conversation.of(
            List.of(Message.user("Wie?"), Message.assistant(SAMPLE.response())), List.of(SAMPLE.id()));
    private static final PreferencePair PAIR = PreferencePair.of(List.of(Message.user("2 + 2 =")), " 4", " 5",
            PreferenceKind.PTS, List.of(SAMPLE.id()));
    private static final PackedSequence SEQUENCE = new PackedSequence(3, new int[] {100257, 0, Integer.MAX_VALUE, 7},
            new int[] {0, 2}, List.of(PAGE.id(), PAGE.id()));

    private static SparkSession spark;

    @TempDir
    java.nio.file.Path dir;

    @BeforeAll
    static void startSpark() {
        spark = SparkSession.builder()
                .master("local[2]")
                .appName("SparkRecordsTest")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.driver.host", "localhost")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    static Stream<Arguments> everyRecordType() {
        return Stream.of(
                Arguments.of(Document.class, List.of(PAGE)),
                Arguments.of(Seed.class, List.of(SEED)),
                Arguments.of(SyntheticSample.class, List.of(SAMPLE, BARE)),
                Arguments.of(Conversation.class, List.of(CHAT)),
                Arguments.of(PreferencePair.class, List.of(PAIR)),
                Arguments.of(PackedSequence.class, List.of(SEQUENCE)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRecordType")
    <R extends Record> void structTypeHasTheRecordSchemasSnakeCaseColumns(Class<R> type) {
        List<String> columns = RecordSchema.of(type).columns().stream().map(Column::name).toList();

        assertEquals(columns, List.of(SparkRecords.structType(type).fieldNames()));
    }

    @Test
    void structTypeMirrorsNestedRecordsListsAndMaps() {
        StructType sample = SparkRecords.structType(SyntheticSample.class);

        assertEquals("array<struct<role:string,content:string>>", sample.apply("prompt").dataType().simpleString());
        assertEquals("array<struct<teacher:string,model:string,call_id:string,cache_key:string,step:string,"
                + "finish_reason:string,prompt_tokens:int,completion_tokens:int>>",
                sample.apply("calls").dataType().simpleString());
        assertEquals("map<string,double>", sample.apply("scores").dataType().simpleString());
        assertEquals("array<int>", SparkRecords.structType(PackedSequence.class).apply("tokens").dataType()
                .simpleString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRecordType")
    <R extends Record> void fileWrittenByParquetRecordsIsReadBySparkAsEqualRecords(Class<R> type, List<R> records)
            throws IOException {
        String file = dir.resolve("records.parquet").toString();
        ParquetRecords.write(new Path(file), CONF, type, records);

        Dataset<Row> rows = SparkRecords.read(spark, file, type);

        assertEquals(List.of(SparkRecords.structType(type).fieldNames()), List.of(rows.schema().fieldNames()));
        assertEquals(records, rows.collectAsList().stream().map(row -> SparkRecords.fromRow(row, type)).toList());
    }

    @Test
    void sparkSqlSeesNativeTypesInParquetRecordsFiles() throws IOException {
        String file = dir.resolve("samples.parquet").toString();
        ParquetRecords.write(new Path(file), CONF, SyntheticSample.class, List.of(SAMPLE));

        Row row = spark.read().parquet(file)
                .selectExpr("calls[1].call_id", "size(prompt)", "prompt[1].role", "scores['fidelity']",
                        "revisions[0].score", "validation.status", "lineage[0]")
                .first();

        assertEquals(CALL.callId(), row.getString(0));
        assertEquals(2, row.getInt(1));
        assertEquals("user", row.getString(2));
        assertEquals(0.75, row.getDouble(3));
        assertEquals(4.0, row.getDouble(4));
        assertEquals("failed", row.getString(5));
        assertEquals(SEED.id(), row.getString(6));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRecordType")
    <R extends Record> void dataFrameWrittenBySparkIsReadByParquetRecords(Class<R> type, List<R> records)
            throws IOException {
        String output = dir.resolve("out").toString();

        SparkRecords.write(SparkRecords.dataFrame(spark, type, records), output);

        assertEquals(records, ParquetRecords.readAll(new Path(output), CONF, type));
    }

    @Test
    void dataFrameBuiltInSparkSqlWithOtherColumnOrderIsReadByParquetRecords() throws IOException {
        String output = dir.resolve("sql").toString();
        Dataset<Row> documents = spark.sql("SELECT 'unused' AS extra, map('lang', 'de') AS metadata, "
                + "'Grüße' AS text, 'books' AS source_class, 'gutenberg' AS source, '" + PAGE.id() + "' AS id, "
                + "array('" + SAMPLE.id() + "') AS lineage, 'file:///b.txt#line=3' AS origin_uri");

        SparkRecords.write(documents, output);

        assertEquals(List.of(new Document(PAGE.id(), "gutenberg", SourceClass.BOOKS, "file:///b.txt#line=3", "Grüße",
                Map.of("lang", "de"), List.of(SAMPLE.id()))), ParquetRecords.readAll(new Path(output), CONF, Document.class));
    }

    @Test
    void rowsConvertBackToEqualRecordsWithoutFiles() {
        for (Record record : List.of(PAGE, SEED, SAMPLE, BARE, CHAT, PAIR, SEQUENCE)) {
            assertEquals(record, SparkRecords.fromRow(SparkRecords.toRow(record), record.getClass()));
        }
    }

    @Test
    void dataWithoutAColumnTheRecordNeedsIsAnErrorNamingPathAndColumn() throws IOException {
        String output = dir.resolve("no-origin").toString();
        SparkRecords.write(SparkRecords.dataFrame(spark, Document.class, List.of(PAGE)).drop("origin_uri"), output);

        SchemaMismatchException fromSpark = assertThrows(SchemaMismatchException.class,
                () -> SparkRecords.read(spark, output, Document.class));
        SchemaMismatchException fromParquet = assertThrows(SchemaMismatchException.class,
                () -> ParquetRecords.readAll(new Path(output), CONF, Document.class));

        assertEquals("origin_uri", fromSpark.column());
        assertTrue(fromSpark.getMessage().startsWith(output + ": no column 'origin_uri'"), fromSpark.getMessage());
        assertEquals("origin_uri", fromParquet.column());
        assertTrue(fromParquet.file().contains("/no-origin/part-"), fromParquet.file());
    }

    @Test
    void columnOfAnotherTypeIsAnErrorBeforeTheJobRuns() {
        String output = dir.resolve("long-tokens").toString();
        SparkRecords.write(spark.sql("SELECT 0L AS index, array(1L, 2L) AS tokens, array(0) AS document_starts, "
                + "array('" + PAGE.id() + "') AS document_ids"), output);

        SchemaMismatchException error = assertThrows(SchemaMismatchException.class,
                () -> SparkRecords.read(spark, output, PackedSequence.class));

        assertEquals("tokens[]", error.column());
        assertTrue(error.getMessage().contains("is bigint but PackedSequence needs int"), error.getMessage());
    }

    @Test
    void nullWrittenBySparkIsAnErrorNamingTheColumn() {
        String output = dir.resolve("null-text").toString();
        Dataset<Row> withNull = SparkRecords.dataFrame(spark, Document.class, List.of(PAGE))
                .selectExpr("id", "source", "source_class", "origin_uri", "CAST(NULL AS STRING) AS text", "metadata",
                        "lineage");
        SparkRecords.write(withNull, output);

        IllegalArgumentException fromRow = assertThrows(IllegalArgumentException.class,
                () -> SparkRecords.fromRow(SparkRecords.read(spark, output, Document.class).first(), Document.class));
        RuntimeException fromParquet = assertThrows(RuntimeException.class,
                () -> ParquetRecords.readAll(new Path(output), CONF, Document.class));

        assertTrue(fromRow.getMessage().contains("column 'text' is null"), fromRow.getMessage());
        SchemaMismatchException cause = assertInstanceOf(SchemaMismatchException.class, fromParquet.getCause());
        assertEquals("text", cause.column());
    }
}

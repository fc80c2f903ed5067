package dev.phi4j.core.schema;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static dev.phi4j.core.schema.RecordFixtures.*;
import static org.junit.jupiter.api.Assertions.*;

class ParquetRecordsTest {

    private static final Configuration CONF = new Configuration();

    @TempDir
    java.nio.file.Path dir;

    static Stream<Arguments> everyRecordType() {
        return Stream.of(
                Arguments.of(Document.class, List.of(WEB_PAGE, EMPTY_BOOK, SYNTHETIC_DOC)),
                Arguments.of(Seed.class, List.of(SEED)),
                Arguments.of(SyntheticSample.class, List.of(REVISED_SAMPLE, BARE_SAMPLE)),
                Arguments.of(Conversation.class, List.of(CONVERSATION)),
                Arguments.of(PreferencePair.class, List.of(PTS_PAIR, JUDGE_PAIR)),
                Arguments.of(PackedSequence.class, List.of(TWO_DOCUMENTS, ONE_TOKEN)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRecordType")
    <R extends Record> void everyRecordTypeReadsBackEqual(Class<R> type, List<R> records) throws IOException {
        Path file = path(type.getSimpleName() + ".parquet");

        assertEquals(records.size(), ParquetRecords.write(file, CONF, type, records));

        assertEquals(records, ParquetRecords.readAll(file, CONF, type));
    }

    /** Every supported component type, including the ones no phi4j record uses yet. */
    record AllTypes(String text, int count, long offset, double score, boolean kept, SourceClass sourceClass,
                    int[] tokens, List<Integer> positions, List<String> tags, Map<String, String> labels,
                    Map<String, Double> weights, Message message, List<Message> turns) {

        @Override
        public boolean equals(Object other) {
            return other instanceof AllTypes that && text.equals(that.text) && count == that.count
                    && offset == that.offset && Double.compare(score, that.score) == 0 && kept == that.kept
                    && sourceClass == that.sourceClass && Arrays.equals(tokens, that.tokens)
                    && positions.equals(that.positions) && tags.equals(that.tags) && labels.equals(that.labels)
                    && weights.equals(that.weights) && message.equals(that.message) && turns.equals(that.turns);
        }

        @Override
        public int hashCode() {
            return Objects.hash(text, count, offset, Arrays.hashCode(tokens));
        }
    }

    @Test
    void everySupportedComponentTypeReadsBackEqual() throws IOException {
        List<AllTypes> rows = List.of(
                new AllTypes("naïve ☃", -3, Long.MIN_VALUE, -0.0, true, SourceClass.WEB_REWRITE,
                        new int[] {1, -2, Integer.MIN_VALUE}, List.of(5, 0), List.of("a", "", "ü"),
                        Map.of("k", "v", "", "empty key"), Map.of("nan", Double.NaN, "inf", Double.POSITIVE_INFINITY),
                        Message.assistant("hi"), List.of(Message.user("q"), Message.assistant(""))),
                new AllTypes("", 0, 0, 1e-300, false, SourceClass.OTHER, new int[0], List.of(), List.of(),
                        Map.of(), Map.of(), Message.system(""), List.of()));
        Path file = path("all-types.parquet");

        ParquetRecords.write(file, CONF, AllTypes.class, rows);

        assertEquals(rows, ParquetRecords.readAll(file, CONF, AllTypes.class));
    }

    @Test
    void lineageLeadsFromATokenBackToItsSourceFile() throws IOException {
        ParquetRecords.write(path("docs.parquet"), CONF, Document.class, List.of(WEB_PAGE, SYNTHETIC_DOC));
        ParquetRecords.write(path("samples.parquet"), CONF, SyntheticSample.class, List.of(REVISED_SAMPLE));
        ParquetRecords.write(path("seeds.parquet"), CONF, Seed.class, List.of(SEED));
        ParquetRecords.write(path("shard.parquet"), CONF, PackedSequence.class, List.of(TWO_DOCUMENTS));
        Map<String, Document> documents = byId(ParquetRecords.readAll(path("docs.parquet"), CONF, Document.class),
                Document::id);
        Map<String, SyntheticSample> samples = byId(
                ParquetRecords.readAll(path("samples.parquet"), CONF, SyntheticSample.class), SyntheticSample::id);
        Map<String, Seed> seeds = byId(ParquetRecords.readAll(path("seeds.parquet"), CONF, Seed.class), Seed::id);
        PackedSequence sequence = ParquetRecords.readAll(path("shard.parquet"), CONF, PackedSequence.class).get(0);

        int token = 4;
        int packed = 0;
        while (packed + 1 < sequence.documentStarts().length && sequence.documentStarts()[packed + 1] <= token) {
            packed++;
        }
        Document synthetic = documents.get(sequence.documentIds().get(packed));
        SyntheticSample sample = samples.get(synthetic.lineage().get(0));
        String seedId = sample.lineage().stream().filter(id -> RecordIds.kindOf(id) == IdKind.SEED).findFirst()
                .orElseThrow();
        String callId = sample.lineage().stream().filter(id -> RecordIds.kindOf(id) == IdKind.TEACHER_CALL)
                .findFirst().orElseThrow();
        Document source = documents.get(seeds.get(seedId).documentId());

        assertEquals(sample.calls().get(0).callId(), callId);
        assertEquals(WEB_PAGE.originUri(), source.originUri());
        assertEquals(seeds.get(seedId).text(),
                source.text().substring(seeds.get(seedId).span().start(), seeds.get(seedId).span().end()));
    }

    @Test
    void sparkStyleDirectoryIsReadFileByFileInNameOrderSkippingMarkers() throws IOException {
        java.nio.file.Path output = Files.createDirectory(dir.resolve("docs"));
        ParquetRecords.write(new Path(output.resolve("part-00001.parquet").toUri()), CONF, Document.class,
                List.of(SYNTHETIC_DOC));
        ParquetRecords.write(new Path(output.resolve("part-00000.parquet").toUri()), CONF, Document.class,
                List.of(WEB_PAGE, EMPTY_BOOK));
        Files.createFile(output.resolve("_SUCCESS"));

        assertEquals(List.of(WEB_PAGE, EMPTY_BOOK, SYNTHETIC_DOC),
                ParquetRecords.readAll(new Path(output.toUri()), CONF, Document.class));
    }

    @Test
    void streamReadsLazilyAndCanBeClosedEarly() throws IOException {
        Path file = path("docs.parquet");
        ParquetRecords.write(file, CONF, Document.class, List.of(WEB_PAGE, EMPTY_BOOK, SYNTHETIC_DOC));

        try (Stream<Document> documents = ParquetRecords.read(file, CONF, Document.class)) {
            Iterator<Document> iterator = documents.iterator();
            assertEquals(WEB_PAGE, iterator.next());
        }
        try (Stream<Document> documents = ParquetRecords.read(file, CONF, Document.class)) {
            assertEquals(2, documents.filter(document -> !document.text().isEmpty()).count());
        }
    }

    @Test
    void columnsAreSnakeCaseWithStandardListAndMapLayouts() throws IOException {
        Path file = path("docs.parquet");
        ParquetRecords.write(file, CONF, Document.class, List.of(WEB_PAGE));

        FileMetaData footer;
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(file, CONF))) {
            footer = reader.getFooter().getFileMetaData();
        }
        String schema = footer.getSchema().toString();

        assertTrue(schema.contains("required binary source_class (STRING);"), schema);
        assertTrue(schema.contains("required binary origin_uri (STRING);"), schema);
        assertTrue(schema.contains("required group metadata (MAP) {\n    repeated group key_value {\n"
                + "      required binary key (STRING);\n      required binary value (STRING);"), schema);
        assertTrue(schema.contains("required group lineage (LIST) {\n    repeated group list {\n"
                + "      required binary element (STRING);"), schema);
        assertEquals(Document.class.getName(), footer.getKeyValueMetaData().get("phi4j.record"));
    }

    @Test
    void enumsAreStoredAsLowerCaseNames() throws IOException {
        record SourceOnly(String id, String sourceClass) {}
        Path file = path("docs.parquet");
        ParquetRecords.write(file, CONF, Document.class, List.of(SYNTHETIC_DOC));

        assertEquals(List.of(new SourceOnly(SYNTHETIC_DOC.id(), "synthetic")),
                ParquetRecords.readAll(file, CONF, SourceOnly.class));
    }

    @Test
    void fileWithoutAColumnTheRecordNeedsIsAnErrorNamingFileAndColumn() throws IOException {
        record DocumentWithoutOrigin(String id, String source, SourceClass sourceClass, String text,
                                     Map<String, String> metadata, List<String> lineage) {}
        Path file = path("no-origin.parquet");
        ParquetRecords.write(file, CONF, DocumentWithoutOrigin.class, List.of(new DocumentWithoutOrigin(
                WEB_PAGE.id(), "cc", SourceClass.WEB, "text", Map.of(), List.of())));

        SchemaMismatchException error = assertThrows(SchemaMismatchException.class,
                () -> ParquetRecords.readAll(file, CONF, Document.class));

        assertEquals("origin_uri", error.column());
        assertTrue(error.getMessage().contains(file.toString()), error.getMessage());
        assertTrue(error.getMessage().contains("'origin_uri'"), error.getMessage());
    }

    @Test
    void nestedColumnWithAnotherTypeIsAnErrorNamingItsPath() throws IOException {
        record Turn(String role, int content) {}
        record IntContent(String id, List<Turn> messages, List<String> lineage) {}
        Path file = path("int-content.parquet");
        ParquetRecords.write(file, CONF, IntContent.class,
                List.of(new IntContent(CONVERSATION.id(), List.of(new Turn("user", 3)), List.of())));

        SchemaMismatchException error = assertThrows(SchemaMismatchException.class,
                () -> ParquetRecords.readAll(file, CONF, Conversation.class));

        assertEquals("messages[].content", error.column());
        assertTrue(error.getMessage().contains("int32") && error.getMessage().contains("binary"), error.getMessage());
    }

    @Test
    void existingFileIsNotOverwritten() throws IOException {
        Path file = path("docs.parquet");
        ParquetRecords.write(file, CONF, Document.class, List.of(WEB_PAGE));

        assertThrows(IOException.class, () -> ParquetRecords.write(file, CONF, Document.class, List.of(EMPTY_BOOK)));
        assertEquals(List.of(WEB_PAGE), ParquetRecords.readAll(file, CONF, Document.class));
    }

    private Path path(String name) {
        return new Path(dir.resolve(name).toUri());
    }

    private static <R> Map<String, R> byId(List<R> records, Function<R, String> id) {
        return records.stream().collect(Collectors.toMap(id, Function.identity()));
    }
}

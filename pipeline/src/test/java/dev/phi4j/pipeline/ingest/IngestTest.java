package dev.phi4j.pipeline.ingest;

import dev.phi4j.core.schema.SourceClass;
import dev.phi4j.pipeline.TestSpark;
import dev.phi4j.pipeline.stage.RunningContext;
import dev.phi4j.pipeline.stage.Stage;
import dev.phi4j.pipeline.stage.StageRows;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.*;

class IngestTest {

    private static final Path SAMPLE = TestSpark.root().resolve("datasets/sample");
    private static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSpark() {
        spark = TestSpark.session();
    }

    private static List<Row> ingest(SourceConfig... sources) {
        Stage stage = new IngestConfig(List.of(sources)).build();
        RunningContext context = new RunningContext(spark, 1);
        stage.inputs(context);
        return stage.apply(null, context).collectAsList().stream()
                .sorted(java.util.Comparator.comparing((Row r) -> r.getString(StageRows.ORIGIN_URI))).toList();
    }

    private static Map<String, Long> outcomes(List<Row> rows) {
        return rows.stream().collect(Collectors.groupingBy(r -> Optional.ofNullable(StageRows.reason(r)).orElse("kept"),
                TreeMap::new, Collectors.counting()));
    }

    private static List<Row> kept(List<Row> rows) {
        return rows.stream().filter(r -> StageRows.reason(r) == null).toList();
    }

    private static JsonlSource jsonl(Path path, String... fields) {
        return new JsonlSource("j", SourceClass.QA, List.of(path.toString()), List.of(fields), "\n\n",
                Optional.of("id"), List.of(), List.of(".jsonl", ".jsonl.gz"), 1L << 30, 200);
    }

    @Test
    void realCommonCrawlWarcGivesItsHtmlResponseAsADocument() {
        List<Row> rows = ingest(new WarcSource("cc", SourceClass.WEB,
                List.of(TestSpark.shared("commoncrawl/whirlwind.warc.gz").toString()), true, List.of(".warc.gz"),
                1L << 32, 1 << 24));

        assertEquals(Map.of("kept", 1L, "warc_record_type", 3L), outcomes(rows));
        Row page = kept(rows).get(0);
        Map<String, String> metadata = page.getJavaMap(StageRows.METADATA);
        assertEquals("https://an.wikipedia.org/wiki/Escopete", metadata.get("url"));
        assertEquals("200", metadata.get("http_status"));
        String text = page.getString(StageRows.TEXT);
        assertTrue(text.contains("Escopete"), text);
        assertTrue(text.length() > 500, "article text, got " + text.length() + " chars");
        assertFalse(text.contains("Creyar cuenta"), "the account menu is boilerplate:\n" + text);
        assertTrue(page.getString(StageRows.ORIGIN_URI).matches(".*whirlwind\\.warc\\.gz#offset=\\d+"));
        assertEquals("web", page.getString(StageRows.SOURCE_CLASS));
    }

    @Test
    void realCommonCrawlWetGivesItsConversionRecord() {
        List<Row> rows = ingest(new WetSource("cc-wet", SourceClass.WEB,
                List.of(TestSpark.shared("commoncrawl/whirlwind.warc.wet.gz").toString()), List.of(".wet.gz"),
                1L << 32, 1 << 24));

        assertEquals(Map.of("kept", 1L, "warc_record_type", 1L), outcomes(rows));
        Row page = kept(rows).get(0);
        assertTrue(page.getString(StageRows.TEXT).startsWith("Escopete - Biquipedia"));
        assertEquals("spa", page.<String, String>getJavaMap(StageRows.METADATA).get("language"));
    }

    @Test
    void sampleWarcAccountsForEveryRecordType() {
        List<Row> rows = ingest(new WarcSource("sample", SourceClass.WEB,
                List.of(SAMPLE.resolve("warc").toString()), true, List.of(".warc.gz"), 1L << 32, 1 << 24));

        assertEquals(Map.of("kept", 3L, "warc_record_type", 7L, "not_html", 1L, "http_status", 1L), outcomes(rows));
        assertTrue(kept(rows).stream().anyMatch(r -> r.getString(StageRows.TEXT).startsWith("Life in a Tide Pool")));
    }

    @Test
    void htmlBoilerplateIsRemovedAndTheArticleKept() {
        List<Row> rows = ingest(new HtmlSource("web", SourceClass.WEB, List.of(SAMPLE.resolve("web").toString()), true,
                List.of(".html"), 1 << 26, 1 << 24));

        assertEquals(Map.of("kept", 7L, "no_text", 1L), outcomes(rows));
        Row tide = rows.stream().filter(r -> r.getString(StageRows.ORIGIN_URI).endsWith("/web/tide-pools.html"))
                .findFirst().orElseThrow();
        String text = tide.getString(StageRows.TEXT);
        assertTrue(text.startsWith("Life in a Tide Pool\nTwice a day the sea pulls back"), text);
        for (String boilerplate : List.of("cookies", "Home", "Copyright", "Related", "tracking", "Accept")) {
            assertFalse(text.contains(boilerplate), boilerplate + " left in:\n" + text);
        }
        assertEquals("Life in a Tide Pool - Shore Notes", tide.<String, String>getJavaMap(StageRows.METADATA).get("title"));
        Row reprint = rows.stream().filter(r -> r.getString(StageRows.ORIGIN_URI).endsWith("tide-pools-reprint.html"))
                .findFirst().orElseThrow();
        assertEquals(text, reprint.getString(StageRows.TEXT), "the same article in other boilerplate");
    }

    @Test
    void badJsonLinesAreQuarantinedWithTheirLineAndTheRestIsRead() throws IOException {
        Path file = dir.resolve("posts.jsonl");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write("{\"id\": 1, \"q\": \"fine\", \"a\": \"yes\"}\n".getBytes(StandardCharsets.UTF_8));
        bytes.write("{\"id\": 2, \"q\": \"truncated\n".getBytes(StandardCharsets.UTF_8));
        bytes.write(new byte[] {'{', '"', 'q', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'});
        bytes.write("\n{\"id\": 4, \"q\": 5, \"a\": \"x\"}\n".getBytes(StandardCharsets.UTF_8));
        bytes.write(("{\"q\": \"" + "long ".repeat(100) + "\", \"a\": \"\"}\n").getBytes(StandardCharsets.UTF_8));
        bytes.write("{\"id\": 6, \"q\": \"last\", \"a\": \"one\"}".getBytes(StandardCharsets.UTF_8));
        Files.write(file, bytes.toByteArray());

        List<Row> rows = ingest(jsonl(file, "q", "a"));

        assertEquals(Map.of("kept", 2L, "malformed_json", 1L, "invalid_utf8", 1L, "missing_field", 1L,
                "record_too_large", 1L), outcomes(rows));
        Map<String, String> reasonByLine = rows.stream().filter(r -> StageRows.reason(r) != null).collect(
                Collectors.toMap(r -> r.getString(StageRows.ORIGIN_URI).replaceAll(".*#", ""), StageRows::reason));
        assertEquals(Map.of("line=2", "malformed_json", "line=3", "invalid_utf8", "line=5", "missing_field",
                "line=6", "record_too_large"), reasonByLine);
        assertEquals("fine\n\nyes", kept(rows).get(0).getString(StageRows.TEXT));
        assertEquals("1", kept(rows).get(0).<String, String>getJavaMap(StageRows.METADATA).get("source_id"));
        Row invalid = rows.stream().filter(r -> "invalid_utf8".equals(StageRows.reason(r))).findFirst().orElseThrow();
        assertEquals("invalid UTF-8 at byte 6 of the line",
                invalid.<String, String>getJavaMap(StageRows.METADATA).get("ingest.detail"));
    }

    @Test
    void truncatedGzipKeepsTheRecordsBeforeTheCutAndQuarantinesTheRest() throws IOException {
        Path whole = dir.resolve("many.jsonl.gz");
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            lines.append("{\"id\": ").append(i).append(", \"q\": \"question number ").append(i).append("\"}\n");
        }
        try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(whole))) {
            out.write(lines.toString().getBytes(StandardCharsets.UTF_8));
        }
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = dir.resolve("cut.jsonl.gz");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
        Path warcCut = dir.resolve("cut.warc.gz");
        byte[] warc = Files.readAllBytes(TestSpark.shared("commoncrawl/whirlwind.warc.gz"));
        Files.write(warcCut, Arrays.copyOf(warc, warc.length - 2000));

        List<Row> rows = ingest(jsonl(cut, "q"));
        List<Row> warcRows = ingest(new WarcSource("cut", SourceClass.WEB, List.of(warcCut.toString()), true,
                List.of(), 1L << 32, 1 << 24));

        Map<String, Long> counts = outcomes(rows);
        assertEquals(1L, counts.get("truncated_gzip"));
        assertTrue(counts.get("kept") > 1000 && counts.get("kept") < 5000, counts.toString());
        Row truncated = rows.stream().filter(r -> "truncated_gzip".equals(StageRows.reason(r))).findFirst().orElseThrow();
        assertTrue(truncated.getString(StageRows.ORIGIN_URI).endsWith("cut.jsonl.gz#line=" + (counts.get("kept") + 1)),
                truncated.getString(StageRows.ORIGIN_URI));
        assertEquals(1L, outcomes(warcRows).get("truncated_gzip"), outcomes(warcRows).toString());
        assertTrue(outcomes(warcRows).get("warc_record_type") >= 2, "the records before the cut are read");
    }

    @Test
    void emptyAndEnormousFilesAreQuarantinedUnread() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.jsonl"));
        Path big = dir.resolve("big.txt");
        Files.writeString(big, "word ".repeat(1000));
        Path blank = dir.resolve("blank.jsonl");
        Files.writeString(blank, "\n\n  \n");

        List<Row> rows = ingest(jsonl(empty, "q"), new TextSource("t", SourceClass.BOOKS, List.of(big.toString()),
                TextSource.Unit.FILE, List.of(), 100, 1000), new JsonlSource("b", SourceClass.QA,
                List.of(blank.toString()), List.of("q"), "", Optional.empty(), List.of(), List.of(), 100, 100));

        assertEquals(Map.of("empty_file", 2L, "file_too_large", 1L), outcomes(rows));
        Row large = rows.stream().filter(r -> "file_too_large".equals(StageRows.reason(r))).findFirst().orElseThrow();
        assertTrue(large.<String, String>getJavaMap(StageRows.METADATA).get("ingest.detail").contains("5000 bytes"));
    }

    @Test
    void codeTreeSkipsVendoredFoldersAndTellsBinaryAndUnknownFiles() {
        List<Row> rows = ingest(new CodeSource("sample-repo", SourceClass.CODE,
                List.of(SAMPLE.resolve("code").toString()), Map.of(), List.of(".git", "node_modules"), List.of(),
                1 << 20, 1 << 20));

        assertEquals(Map.of("kept", 7L, "binary_file", 1L, "unknown_language", 1L), outcomes(rows));
        assertTrue(rows.stream().noneMatch(r -> r.getString(StageRows.ORIGIN_URI).contains("node_modules")));
        Map<String, String> languages = kept(rows).stream().collect(Collectors.toMap(
                r -> r.<String, String>getJavaMap(StageRows.METADATA).get("path"),
                r -> r.<String, String>getJavaMap(StageRows.METADATA).get("language")));
        assertEquals("python", languages.get("sample-repo/src/stats.py"));
        assertEquals("java", languages.get("sample-repo/lib/RingBuffer.java"));
        assertEquals("shell", languages.get("sample-repo/scripts/check.sh"));
    }

    @Test
    void textParagraphsAreLocatedByTheirFirstLineAndBadUtf8FilesQuarantined() throws IOException {
        Path book = dir.resolve("book.txt");
        Files.writeString(book, "Title\n\nFirst paragraph,\nstill first.\n\n\n\nSecond paragraph.\n");
        Path latin1 = dir.resolve("latin1.txt");
        Files.write(latin1, "caf\u00e9 au lait".getBytes(StandardCharsets.ISO_8859_1));

        List<Row> paragraphs = ingest(new TextSource("b", SourceClass.BOOKS, List.of(book.toString()),
                TextSource.Unit.PARAGRAPHS, List.of(), 1 << 20, 1 << 20));
        List<Row> files = ingest(new TextSource("l", SourceClass.BOOKS, List.of(latin1.toString()),
                TextSource.Unit.FILE, List.of(), 1 << 20, 1 << 20));

        assertEquals(List.of("Title", "First paragraph,\nstill first.", "Second paragraph."),
                paragraphs.stream().sorted(java.util.Comparator.comparingInt(
                        (Row r) -> Integer.parseInt(r.getString(StageRows.ORIGIN_URI).replaceAll(".*line=", ""))))
                        .map(r -> r.getString(StageRows.TEXT)).toList());
        assertTrue(paragraphs.stream().anyMatch(r -> r.getString(StageRows.ORIGIN_URI).endsWith("book.txt#line=8")));
        assertEquals(Map.of("invalid_utf8", 1L), outcomes(files));
    }

    @Test
    void parquetRowsAreLocatedByFileAndRowAndACorruptFileIsQuarantined() throws IOException {
        String table = dir.resolve("table").toString();
        spark.sql("SELECT * FROM VALUES ('alpha text', 'a'), (NULL, 'b'), ('gamma text', 'c') AS t(body, key)")
                .coalesce(1).write().parquet(table);
        Files.writeString(dir.resolve("table/part-99999-corrupt.parquet"), "not parquet at all");

        List<Row> rows = ingest(new ParquetSource("p", SourceClass.OTHER, List.of(table), false, "body",
                Optional.of("key"), List.of(), List.of(".parquet"), 1L << 30, 1 << 20));

        assertEquals(Map.of("kept", 2L, "missing_field", 1L, "corrupt_parquet", 1L), outcomes(rows));
        assertTrue(kept(rows).stream().anyMatch(r -> r.getString(StageRows.ORIGIN_URI).endsWith("#row=2")
                && r.getString(StageRows.TEXT).equals("gamma text")
                && "c".equals(r.<String, String>getJavaMap(StageRows.METADATA).get("source_id"))));
    }

    @Test
    void idsAreDerivedFromSourceOriginAndTextSoRereadsGiveTheSameIds() {
        HtmlSource web = new HtmlSource("web", SourceClass.WEB, List.of(SAMPLE.resolve("web").toString()), true,
                List.of(".html"), 1 << 26, 1 << 24);
        List<String> first = ingest(web).stream().map(r -> r.getString(StageRows.ID)).sorted().toList();
        List<String> second = ingest(web).stream().map(r -> r.getString(StageRows.ID)).sorted().toList();

        assertEquals(first, second);
        assertEquals(first.size(), new java.util.HashSet<>(first).size());
    }

    @Test
    void theSameDataUnderAnotherPathGetsTheSameIds() throws IOException {
        spark.sql("SELECT * FROM VALUES ('alpha text'), ('beta text') AS t(body)").coalesce(1).write()
                .parquet(dir.resolve("here/table").toString());
        for (String folder : List.of("web", "qa")) {
            copyTree(SAMPLE.resolve(folder), dir.resolve("here").resolve(folder));
        }
        copyTree(dir.resolve("here"), dir.resolve("elsewhere/deeper"));

        List<List<String>> ids = new ArrayList<>();
        for (Path root : List.of(dir.resolve("here"), dir.resolve("elsewhere/deeper"))) {
            List<Row> rows = ingest(
                    new HtmlSource("web", SourceClass.WEB, List.of(root.resolve("web").toString()), true,
                            List.of(".html"), 1 << 26, 1 << 24),
                    jsonl(root.resolve("qa"), "question", "answer"),
                    new ParquetSource("p", SourceClass.OTHER, List.of(root.resolve("table").toString()), false, "body",
                            Optional.empty(), List.of(), List.of(".parquet"), 1L << 30, 1 << 20));
            assertTrue(rows.size() > 10, "rows from every source: " + rows.size());
            ids.add(rows.stream().map(r -> r.getString(StageRows.ID)).sorted().toList());
            assertTrue(rows.stream().allMatch(r -> r.getString(StageRows.ORIGIN_URI).contains(root.toString())),
                    "origins stay absolute, for lineage");
        }
        assertEquals(ids.get(0), ids.get(1));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (java.util.stream.Stream<Path> walk = Files.walk(from)) {
            for (Path path : walk.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }
}

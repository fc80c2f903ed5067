package dev.phi4j.core.schema;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class SchemaReferenceTest {

    private static final Path COMMITTED = Path.of(System.getProperty("phi4j.root", ".."), "docs", "schemas.md");

    @Test
    void committedReferenceIsTheOneGeneratedFromTheRecords() throws IOException {
        String generated = SchemaReference.markdown();
        if (Boolean.getBoolean("phi4j.regenerate")) {
            Files.writeString(COMMITTED, generated, StandardCharsets.UTF_8);
        }
        String committed = Files.exists(COMMITTED) ? Files.readString(COMMITTED, StandardCharsets.UTF_8) : "";

        assertEquals(generated, committed, COMMITTED + " is stale; regenerate it with: " + SchemaReference.REGENERATE);
    }

    @Test
    void everyStoredColumnIsDocumented() {
        List<String> undocumented = new ArrayList<>();
        for (Class<? extends Record> type : SchemaReference.RECORDS) {
            collectUndocumented(RecordSchema.of(type), undocumented);
        }

        assertEquals(List.of(), undocumented);
    }

    @Test
    void referenceShowsNestedColumnsAndEnumChoices() {
        String markdown = SchemaReference.markdown();

        assertTrue(markdown.contains("| `calls[].call_id` | `binary (STRING)` |"), markdown);
        assertTrue(markdown.contains("| `prompt[].role` | `binary (STRING)` |"), markdown);
        assertTrue(markdown.contains("| `tokens` | `list<int32>` |"), markdown);
        assertTrue(markdown.contains("one of `passed`, `failed`, `not_run`"), markdown);
        assertTrue(markdown.contains("| `web_rewrite` | `web_rewrites` | 15% |"), markdown);
    }

    private static void collectUndocumented(RecordSchema<?> schema, List<String> undocumented) {
        if (schema.doc().isBlank()) {
            undocumented.add(schema.type().getSimpleName());
        }
        for (Column column : schema.columns()) {
            if (column.doc().isBlank()) {
                undocumented.add(schema.type().getSimpleName() + "." + column.component());
            }
            ColumnType type = column.type() instanceof ColumnType.ListOf list ? list.element() : column.type();
            if (type instanceof ColumnType.Nested nested) {
                collectUndocumented(nested.schema(), undocumented);
            }
        }
    }
}

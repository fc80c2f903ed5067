package dev.phi4j.core.schema;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class RecordSchemaTest {

    @Test
    void columnNamesAreTheSnakeCaseOfComponentNames() {
        List<String> names = RecordSchema.of(Document.class).columns().stream().map(Column::name).toList();

        assertEquals(List.of("id", "source", "source_class", "origin_uri", "text", "metadata", "lineage"), names);
        assertEquals("origin_uri", ColumnNames.snakeCase("originURI"));
        assertEquals("url_path", ColumnNames.snakeCase("URLPath"));
        assertEquals("top5_items", ColumnNames.snakeCase("top5Items"));
    }

    @Test
    void nestedRecordsBecomeGroupsAndListsOfRecordsBecomeListsOfGroups() {
        String schema = RecordSchema.of(SyntheticSample.class).messageType().toString();

        assertTrue(schema.contains("required group calls (LIST) {\n    repeated group list {\n"
                + "      required group element {\n        required binary teacher (STRING);\n"
                + "        required binary model (STRING);\n        required binary call_id (STRING);"), schema);
        assertTrue(schema.contains("required group prompt (LIST) {\n    repeated group list {\n"
                + "      required group element {\n        required binary role (STRING);"), schema);
        assertTrue(schema.contains("required group scores (MAP) {\n    repeated group key_value {\n"
                + "      required binary key (STRING);\n      required double value;"), schema);
    }

    @Test
    void unsupportedComponentTypeIsAnErrorNamingRecordAndComponent() {
        record Tagged(String id, Set<String> tags) {}

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> RecordSchema.of(Tagged.class));

        assertTrue(error.getMessage().startsWith("Tagged.tags has type java.util.Set<java.lang.String>"),
                error.getMessage());
    }

    @Test
    void unsupportedTypeInsideANestedRecordIsNamedWhereItIs() {
        record Inner(Integer boxed) {}
        record Outer(String id, List<Inner> inners) {}

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> RecordSchema.of(Outer.class));

        assertTrue(error.getMessage().startsWith("Inner.boxed has type java.lang.Integer"), error.getMessage());
    }

    record Tree(String label, List<Tree> children) {}

    @Test
    void recursiveRecordIsRejected() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> RecordSchema.of(Tree.class));

        assertTrue(error.getMessage().contains("Tree contains itself"), error.getMessage());
    }

    @Test
    void newRecordRunsTheRecordsOwnChecks() {
        RecordSchema<TextSpan> schema = RecordSchema.of(TextSpan.class);

        assertEquals(new TextSpan(2, 5), schema.newRecord(2, 5));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> schema.newRecord(5, 2));
        assertTrue(error.getMessage().contains("TextSpan.end"), error.getMessage());
    }
}

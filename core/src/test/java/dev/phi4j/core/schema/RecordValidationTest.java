package dev.phi4j.core.schema;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.phi4j.core.schema.RecordFixtures.*;
import static org.junit.jupiter.api.Assertions.*;

class RecordValidationTest {

    @Test
    void missingOrBlankFieldsAreNamed() {
        assertMessage(NullPointerException.class, "Document.id",
                () -> new Document(null, "cc", SourceClass.WEB, "u", "t", Map.of(), List.of()));
        assertMessage(IllegalArgumentException.class, "Document.originUri",
                () -> new Document(WEB_PAGE.id(), "cc", SourceClass.WEB, " ", "t", Map.of(), List.of()));
        assertMessage(IllegalArgumentException.class, "SyntheticSample.technique",
                () -> SyntheticSample.of("", REVISED_SAMPLE.prompt(), "r", List.of(CALL), List.of(), Map.of(),
                        Validation.notRun(), Map.of(), List.of()));
        assertMessage(NullPointerException.class, "SyntheticSample.prompt[1]",
                () -> SyntheticSample.of("t", java.util.Arrays.asList(Message.user("a"), null), "r",
                        List.of(CALL), List.of(), Map.of(), Validation.notRun(), Map.of(), List.of()));
    }

    @Test
    void idsMustCarryTheirRecordsPrefix() {
        assertMessage(IllegalArgumentException.class, "Seed.documentId must be an id starting with 'doc-'",
                () -> new Seed(SEED.id(), SEED.id(), SEED.text(), SEED.span(), SEED.sourceClass(), SEED.kind(),
                        SEED.tags(), 0.5, Map.of(), List.of()));
        assertMessage(IllegalArgumentException.class, "TeacherCall.callId",
                () -> new TeacherCall("t", "gpt", "abc", "sha256:1", "writer", "stop", 1, 1));
    }

    @Test
    void lineageEntriesMustBeTypedIds() {
        assertMessage(IllegalArgumentException.class, "Conversation.lineage[1]: id 'row-3'",
                () -> Conversation.of(CONVERSATION.messages(), List.of(SEED.id(), "row-3")));
    }

    @Test
    void seedTextMustBeTheSpanOfItsDocument() {
        assertEquals(WEB_PAGE.text().substring(4, 20), SEED.text());
        assertEquals(List.of(WEB_PAGE.id()), SEED.lineage());
        assertMessage(IllegalArgumentException.class, "Seed.span",
                () -> new Seed(SEED.id(), WEB_PAGE.id(), "short", new TextSpan(0, 9), SEED.sourceClass(),
                        SEED.kind(), SEED.tags(), 0.5, Map.of(), List.of()));
        assertMessage(IllegalArgumentException.class, "Seed.educationalValue",
                () -> Seed.of(WEB_PAGE, 0, 3, SeedKind.PASSAGE, SEED.tags(), 1.5, Map.of()));
        assertMessage(IllegalArgumentException.class, "SeedTags.complexity", () -> new SeedTags(0, 1, 1));
    }

    @Test
    void preferencePairMustPreferOneContinuationOverAnother() {
        assertMessage(IllegalArgumentException.class, "PreferencePair.chosen and PreferencePair.rejected",
                () -> PreferencePair.of(PTS_PAIR.prompt(), " 4", " 4", PreferenceKind.PTS, List.of()));
    }

    @Test
    void packedDocumentStartsCoverTheSequence() {
        List<String> ids = TWO_DOCUMENTS.documentIds();
        assertMessage(IllegalArgumentException.class, "PackedSequence.documentStarts[0] must be 0",
                () -> new PackedSequence(0, new int[] {1, 2, 3}, new int[] {1, 2}, ids));
        assertMessage(IllegalArgumentException.class, "PackedSequence.documentStarts[1] = 3",
                () -> new PackedSequence(0, new int[] {1, 2, 3}, new int[] {0, 3}, ids));
        assertMessage(IllegalArgumentException.class, "has 1 entries but PackedSequence.documentIds has 2",
                () -> new PackedSequence(0, new int[] {1, 2, 3}, new int[] {0}, ids));
    }

    @Test
    void packedSequencesAreEqualByArrayContents() {
        PackedSequence copy = new PackedSequence(TWO_DOCUMENTS.index(), TWO_DOCUMENTS.tokens().clone(),
                TWO_DOCUMENTS.documentStarts().clone(), List.copyOf(TWO_DOCUMENTS.documentIds()));
        PackedSequence changed = new PackedSequence(TWO_DOCUMENTS.index(), new int[] {1, 2, 3, 4, 5, 6},
                TWO_DOCUMENTS.documentStarts(), TWO_DOCUMENTS.documentIds());

        assertEquals(TWO_DOCUMENTS, copy);
        assertEquals(TWO_DOCUMENTS.hashCode(), copy.hashCode());
        assertNotEquals(TWO_DOCUMENTS, changed);
    }

    @Test
    void collectionsAreCopiedAndSortedSoRecordsStayImmutable() {
        Map<String, String> metadata = new HashMap<>(Map.of("b", "2", "a", "1"));
        Document document = Document.of("cc", SourceClass.WEB, "u", "t", metadata, List.of());
        metadata.put("c", "3");

        assertEquals(List.of("a", "b"), List.copyOf(document.metadata().keySet()));
        assertThrows(UnsupportedOperationException.class, () -> document.metadata().put("d", "4"));
        assertThrows(UnsupportedOperationException.class, () -> document.lineage().add("doc-x"));
    }

    @Test
    void sourceClassesMapOntoTheFiveMixtureGroups() {
        assertEquals(MixtureGroup.WEB_REWRITES, SourceClass.WEB_REWRITE.group());
        assertEquals(MixtureGroup.ACQUIRED, SourceClass.QA.group());
        assertEquals(MixtureGroup.ACQUIRED, SourceClass.BOOKS.group());
        double total = 0;
        for (MixtureGroup group : MixtureGroup.values()) {
            total += group.share();
        }
        assertEquals(1.0, total, 1e-12);
    }

    private static void assertMessage(Class<? extends Throwable> type, String expected, Executable executable) {
        Throwable error = assertThrows(type, executable);
        assertTrue(error.getMessage().contains(expected), "message was: " + error.getMessage());
    }
}

package dev.phi4j.core.schema;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class RecordIdsTest {

    @Test
    void sameContentGivesTheSameIdWithItsKindPrefix() {
        Document first = Document.of("cc", SourceClass.WEB, "a.warc#offset=0", "text", Map.of("k", "v"), List.of());
        Document again = Document.of("cc", SourceClass.WEB, "a.warc#offset=0", "text", Map.of(), List.of());

        assertEquals(first.id(), again.id());
        assertTrue(first.id().matches("doc-[0-9a-f]{32}"), first.id());
        assertEquals(IdKind.DOCUMENT, RecordIds.kindOf(first.id()));
    }

    @Test
    void documentIdDependsOnSourceLocationAndText() {
        String id = RecordIds.of(IdKind.DOCUMENT, "cc", "a.warc#offset=0", "text");

        assertNotEquals(id, RecordIds.of(IdKind.DOCUMENT, "other", "a.warc#offset=0", "text"));
        assertNotEquals(id, RecordIds.of(IdKind.DOCUMENT, "cc", "a.warc#offset=1", "text"));
        assertNotEquals(id, RecordIds.of(IdKind.DOCUMENT, "cc", "a.warc#offset=0", "text."));
    }

    @Test
    void partBoundariesMatter() {
        assertNotEquals(RecordIds.of(IdKind.SEED, "ab", "c"), RecordIds.of(IdKind.SEED, "a", "bc"));
        assertNotEquals(RecordIds.of(IdKind.SEED, "", "x"), RecordIds.of(IdKind.SEED, "x", ""));
    }

    @Test
    void kindIsPartOfTheIdNotOnlyItsPrefix() {
        String doc = RecordIds.of(IdKind.DOCUMENT, "x");
        String seed = RecordIds.of(IdKind.SEED, "x");

        assertEquals(doc.substring("doc-".length()), seed.substring("seed-".length()),
                "the hash covers the content; the prefix alone tells kinds apart");
        assertEquals(IdKind.SEED, RecordIds.kindOf(seed));
    }

    @Test
    void derivedRecordsGetDistinctIdsForDistinctContent() {
        List<Message> prompt = List.of(Message.user("2 + 2 = ?"));

        assertNotEquals(PreferencePair.of(prompt, " 4", " 5", PreferenceKind.PTS, List.of()).id(),
                PreferencePair.of(prompt, " 4", " 5", PreferenceKind.JUDGE, List.of()).id());
        assertNotEquals(Conversation.of(List.of(Message.user("hi")), List.of()).id(),
                Conversation.of(List.of(Message.assistant("hi")), List.of()).id());
        assertEquals(Conversation.of(prompt, List.of()).id(), Conversation.of(prompt, List.of("doc-1")).id(),
                "lineage records where content came from; it is not part of the content");
    }

    @Test
    void idWithoutAKnownPrefixIsAnErrorNamingIt() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> RecordIds.kindOf("row-17"));

        assertTrue(error.getMessage().contains("'row-17'"), error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RecordIds.kindOf("doc-"));
    }
}

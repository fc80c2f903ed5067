package dev.phi4j.core.schema;

import java.util.List;
import java.util.Map;

/**
 * One small, linked corpus of every record type: a web page seeds a sample, the sample becomes a
 * synthetic document, a conversation and preference pairs, and both documents are packed into token
 * sequences. Values are chosen to be awkward: non-ASCII text, empty strings, lists and maps.
 */
final class RecordFixtures {

    static final Document WEB_PAGE = Document.of("cc-2024-22", SourceClass.WEB,
            "s3://commoncrawl/crawl-data/CC-MAIN-2024-22/whirlwind.warc.gz#offset=1234",
            "Die Straße ist 5 km lang — 数学 ∑ 🧮\nzweite Zeile",
            Map.of("url", "https://de.wikipedia.org/wiki/Straße", "language", "de"), List.of());

    static final Document EMPTY_BOOK = Document.of("gutenberg", SourceClass.BOOKS, "file:///books/empty.txt#line=1",
            "", Map.of(), List.of());

    static final Seed SEED = Seed.of(WEB_PAGE, 4, 20, SeedKind.PASSAGE, new SeedTags(3, 4, 2), 0.875,
            Map.of("heading", "Straße"));

    static final TeacherCall CALL = new TeacherCall("panel-a", "gpt-4o-2024-08-06",
            TeacherCall.callId("sha256:0123abcd"), "sha256:0123abcd", "writer", "stop", 412, 87);

    static final SyntheticSample REVISED_SAMPLE = SyntheticSample.of("self_revision",
            List.of(Message.system("Du bist ein Lehrer."), Message.user("Erkläre: " + SEED.text())),
            "Eine Straße von 5 km ≈ 3,1 Meilen ✓", List.of(CALL),
            List.of(new Revision(1, "5 km = 3 Meilen", "Rundung fehlt; Punktzahl 6/10", 6.0, "5 km ≈ 3,1 Meilen"),
                    new Revision(2, "5 km ≈ 3,1 Meilen", "", 9.5, "Eine Straße von 5 km ≈ 3,1 Meilen ✓")),
            Map.of("fidelity", 0.93, "judge_accuracy", 4.0),
            new Validation(ValidationStatus.PASSED, "3/3 checks"),
            Map.of("template", "textbook_section", "audience", "Schüler"),
            List.of(SEED.id(), CALL.callId()));

    static final SyntheticSample BARE_SAMPLE = SyntheticSample.of("instruction_reversal",
            List.of(Message.user("def add(a, b): return a + b")), "", List.of(),
            List.of(), Map.of(), Validation.notRun(), Map.of(), List.of());

    static final Document SYNTHETIC_DOC = Document.of("synthetic-v1", SourceClass.SYNTHETIC,
            "sample:" + REVISED_SAMPLE.id(), REVISED_SAMPLE.response(), Map.of("technique", "self_revision"),
            List.of(REVISED_SAMPLE.id()));

    static final Conversation CONVERSATION = Conversation.of(
            List.of(Message.system(""), Message.user("Wie lang ist die Straße?"),
                    Message.assistant(REVISED_SAMPLE.response())),
            List.of(REVISED_SAMPLE.id()));

    static final PreferencePair PTS_PAIR = PreferencePair.of(
            List.of(Message.user("2 + 2 = ?"), Message.assistant("The answer is")), " 4", " 5",
            PreferenceKind.PTS, List.of(REVISED_SAMPLE.id()));

    static final PreferencePair JUDGE_PAIR = PreferencePair.of(
            List.of(Message.user("Summarise the page.")), "Eine präzise Zusammenfassung.", "",
            PreferenceKind.JUDGE, List.of());

    static final PackedSequence TWO_DOCUMENTS = new PackedSequence(7,
            new int[] {100257, 9906, 0, Integer.MAX_VALUE, 100265, 42}, new int[] {0, 3},
            List.of(WEB_PAGE.id(), SYNTHETIC_DOC.id()));

    static final PackedSequence ONE_TOKEN = new PackedSequence(0, new int[] {42}, new int[] {0},
            List.of(EMPTY_BOOK.id()));

    private RecordFixtures() {}
}

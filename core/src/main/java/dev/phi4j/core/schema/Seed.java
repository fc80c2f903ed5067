package dev.phi4j.core.schema;

import dev.phi4j.core.Doc;

import java.util.List;
import java.util.Map;

/** An excerpt of a source document chosen to seed synthetic generation (report §2.2, D.1.1). */
@Doc("an excerpt of a source document chosen to seed synthetic generation")
public record Seed(
        @Doc("content-derived id: seed- + SHA-256 prefix of document_id and span") String id,
        @Doc("id of the document the excerpt is taken from") String documentId,
        @Doc("the excerpt: the document text within span") String text,
        @Doc("where the excerpt lies in the document text") TextSpan span,
        @Doc("the source class of the document the excerpt comes from") SourceClass sourceClass,
        @Doc("passage, code or question: decides which generation templates apply") SeedKind kind,
        @Doc("complexity, factual obscurity and reasoning steps") SeedTags tags,
        @Doc("educational-value score of the passage in [0, 1]") double educationalValue,
        @Doc("what generation may use besides the text, e.g. a code seed's tests and entry_point, a question's "
                + "reference answer") Map<String, String> metadata,
        @Doc("ids of the records this seed was derived from; Seed.of puts its document here") List<String> lineage) {

    public Seed {
        Require.id(IdKind.SEED, id, "Seed.id");
        Require.id(IdKind.DOCUMENT, documentId, "Seed.documentId");
        Require.nonBlank(text, "Seed.text");
        Require.nonNull(span, "Seed.span");
        if (span.length() != text.length()) {
            throw new IllegalArgumentException("Seed.span " + span + " covers " + span.length()
                    + " characters but Seed.text has " + text.length());
        }
        Require.nonNull(sourceClass, "Seed.sourceClass");
        Require.nonNull(kind, "Seed.kind");
        Require.nonNull(tags, "Seed.tags");
        Require.unitInterval(educationalValue, "Seed.educationalValue");
        metadata = Require.map(metadata, "Seed.metadata");
        lineage = Require.lineage(lineage, "Seed.lineage");
    }

    /** The seed made of {@code document}'s text in {@code [start, end)}, with the document as its parent. */
    public static Seed of(Document document, int start, int end, SeedKind kind, SeedTags tags,
                          double educationalValue, Map<String, String> metadata) {
        String id = RecordIds.of(IdKind.SEED, document.id(), Integer.toString(start), Integer.toString(end));
        return new Seed(id, document.id(), document.text().substring(start, end), new TextSpan(start, end),
                document.sourceClass(), kind, tags, educationalValue, metadata, List.of(document.id()));
    }
}

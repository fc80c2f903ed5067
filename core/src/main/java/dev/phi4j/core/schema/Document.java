package dev.phi4j.core.schema;

import dev.phi4j.core.Doc;

import java.util.List;
import java.util.Map;

/**
 * A unit of text from one source: a web page, a book chapter, a code file, a rewritten page or a
 * synthetic sample entering the pretraining mixture.
 */
@Doc("a unit of text from one source (web page, book chapter, code file, rewrite, synthetic text)")
public record Document(
        @Doc("content-derived id: doc- + SHA-256 prefix of source, text and the origin relative to the configured "
                + "source path (the same data elsewhere gets the same id)") String id,
        @Doc("name of the configured source this document was read from, e.g. cc-2024-22") String source,
        @Doc("kind of data; decides the mixture group") SourceClass sourceClass,
        @Doc("file or URL plus location inside it, e.g. s3://b/x.warc.gz#offset=1234 or data.jsonl#line=17") String originUri,
        @Doc("the document text; may be empty until a filter drops it with a reason") String text,
        @Doc("free-form source metadata, e.g. url, language, license") Map<String, String> metadata,
        @Doc("ids of the records this document was derived from; empty for raw source documents") List<String> lineage) {

    public Document {
        Require.id(IdKind.DOCUMENT, id, "Document.id");
        Require.nonBlank(source, "Document.source");
        Require.nonNull(sourceClass, "Document.sourceClass");
        Require.nonBlank(originUri, "Document.originUri");
        Require.nonNull(text, "Document.text");
        metadata = Require.map(metadata, "Document.metadata");
        lineage = Require.lineage(lineage, "Document.lineage");
    }

    /** A document whose id is derived from where it came from and what it says. */
    public static Document of(String source, SourceClass sourceClass, String originUri, String text,
                              Map<String, String> metadata, List<String> lineage) {
        String id = RecordIds.of(IdKind.DOCUMENT, Require.nonNull(source, "Document.source"),
                Require.nonNull(originUri, "Document.originUri"), Require.nonNull(text, "Document.text"));
        return new Document(id, source, sourceClass, originUri, text, metadata, lineage);
    }
}

package dev.phi4j.pipeline.ingest;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.InvalidConfigValue;
import dev.phi4j.core.config.Range;
import dev.phi4j.core.config.Variant;
import dev.phi4j.core.schema.SourceClass;

import java.util.List;
import java.util.Optional;

/** JSON Lines, one object a line (gzipped when the name ends in .gz); the text is one field or several joined. */
@Variant("jsonl")
public record JsonlSource(
        @Doc("source name, written to each document's source column") String name,
        @Doc("kind of data: web, code, qa, books, academic, …") SourceClass sourceClass,
        @Doc("files, directories or globs; local paths or hdfs://, s3a:// URIs") List<String> paths,
        @Doc("fields (or /json/pointers) whose string values make the text, joined by separator")
        @Default("[text]") List<String> textFields,
        @Doc("what joins the text fields") @Default("\"\\n\\n\"") String separator,
        @Doc("field holding the record's own id, kept as metadata source_id") Optional<String> idField,
        @Doc("fields copied into the document's metadata (non-strings as JSON)") @Default("[]") List<String> metadataFields,
        @Doc("file endings read inside directories") @Default("[.jsonl, .jsonl.gz, .json, .ndjson, .ndjson.gz]")
        List<String> extensions,
        @Doc("larger files are quarantined unread") @Default("4294967296") @Range(min = 1) long maxFileBytes,
        @Doc("longer lines are quarantined as record_too_large") @Default("8388608") @Range(min = 1) int maxRecordBytes)
        implements SourceConfig {

    public JsonlSource {
        if (textFields.isEmpty()) {
            throw new InvalidConfigValue("text_fields", "names no field; give at least one, e.g. [text]");
        }
    }

    @Override
    public RecordReader reader() {
        return new JsonlReader(this);
    }
}

package dev.phi4j.pipeline.decontam;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;

import java.io.Serializable;
import java.util.List;
import java.util.Optional;

/**
 * A benchmark split (or a reference corpus) to read items from. Built-in formats know their fields: {@code gsm8k}
 * (JSONL {@code question}), {@code humaneval} (gzipped JSONL {@code prompt}, id {@code task_id}); {@code jsonl} and
 * {@code csv} (with a header row) take {@code fields}, e.g. MMLU's {@code [question, choices]}; {@code text} reads
 * each line as an item and {@code parquet} a string column.
 */
public record BenchmarkConfig(
        @Doc("benchmark name in the manifest's hits table, e.g. gsm8k") String name,
        @Doc("gsm8k | humaneval | jsonl | csv | text | parquet") Format format,
        @Doc("file, directory or glob; local path or Hadoop URI") String path,
        @Doc("fields whose text makes an item (jsonl, csv, parquet); empty takes the format's own") @Default("[]")
        List<String> fields,
        @Doc("field naming an item (jsonl, csv, parquet); items are numbered by position without it")
        Optional<String> idField) implements Serializable {

    public enum Format { GSM8K, HUMANEVAL, JSONL, CSV, TEXT, PARQUET }

    public BenchmarkConfig {
        if ((format == Format.JSONL || format == Format.CSV || format == Format.PARQUET) && fields.isEmpty()) {
            throw new dev.phi4j.core.config.InvalidConfigValue("fields", "format "
                    + format.name().toLowerCase(java.util.Locale.ROOT) + " needs the fields that make an item's text");
        }
    }

    /** The fields an item's text is made of. */
    public List<String> textFields() {
        return switch (format) {
            case GSM8K -> fields.isEmpty() ? List.of("question") : fields;
            case HUMANEVAL -> fields.isEmpty() ? List.of("prompt") : fields;
            case TEXT -> List.of("value");
            default -> fields;
        };
    }

    /** The field naming an item, if any. */
    public Optional<String> itemIdField() {
        return format == Format.HUMANEVAL && idField.isEmpty() ? Optional.of("task_id") : idField;
    }
}

package dev.phi4j.pipeline.ingest;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.Map;

/** Plain text as one document per file, or per block of non-blank lines ({@code #line=} of its first line). */
final class TextReader implements RecordReader {

    private final TextSource config;
    private final SourceRows rows;

    TextReader(TextSource config) {
        this.config = config;
        this.rows = new SourceRows(config.name(), config.sourceClass());
    }

    @Override
    public Iterator<Row> read(SourceFile file, Configuration conf) {
        Row rejected = FileAccess.precheck(file, rows, config.maxFileBytes());
        if (rejected != null) {
            return FileAccess.single(rejected);
        }
        Map<String, String> metadata = Map.of("file", file.relativePath());
        if (config.unit() == TextSource.Unit.FILE) {
            return new RowIterator(file, rows) {
                private boolean done;

                @Override
                protected Row produce() throws IOException {
                    if (done) {
                        return null;
                    }
                    done = true;
                    try (InputStream in = FileAccess.open(file, conf, true)) {
                        byte[] bytes = FileAccess.readAtMost(in, config.maxRecordBytes());
                        return document(file, file.uri(), bytes, bytes.length, metadata, true);
                    }
                }

                @Override
                protected String position() {
                    return "";
                }
            };
        }
        return new RowIterator(file, rows) {
            private LineReader lines;
            private boolean anyBlock;

            @Override
            protected Row produce() throws IOException {
                if (lines == null) {
                    InputStream in = FileAccess.open(file, conf, true);
                    opened(in);
                    lines = new LineReader(in, config.maxRecordBytes());
                }
                ByteArrayOutputStream block = new ByteArrayOutputStream();
                long firstLine = -1;
                boolean oversized = false;
                LineReader.Line line;
                while ((line = lines.next()) != null) {
                    if (!line.oversized() && blank(line)) {
                        if (firstLine >= 0) {
                            break;
                        }
                        continue;
                    }
                    if (firstLine < 0) {
                        firstLine = line.number();
                    } else {
                        block.write('\n');
                    }
                    oversized |= line.oversized() || block.size() + line.length() > config.maxRecordBytes();
                    if (!oversized) {
                        block.write(line.bytes(), 0, line.length());
                    }
                }
                if (firstLine < 0) {
                    if (anyBlock) {
                        return null;
                    }
                    anyBlock = true;
                    return rows.quarantined(file, file.uri(), Reasons.EMPTY_FILE, "the file holds only blank lines");
                }
                anyBlock = true;
                String origin = file.uri() + "#line=" + firstLine;
                if (oversized) {
                    return rows.quarantined(file, origin, Reasons.RECORD_TOO_LARGE, "block longer than max_record_bytes "
                            + config.maxRecordBytes());
                }
                byte[] bytes = block.toByteArray();
                return document(file, origin, bytes, bytes.length, metadata, false);
            }

            @Override
            protected String position() {
                return lines == null ? "" : "#line=" + (lines.lineNumber() + 1);
            }
        };
    }

    private static boolean blank(LineReader.Line line) {
        for (int i = 0; i < line.length(); i++) {
            byte b = line.bytes()[i];
            if (b != ' ' && b != '\t' && b != '\r' && b != '\f') {
                return false;
            }
        }
        return true;
    }

    private Row document(SourceFile file, String origin, byte[] bytes, int length, Map<String, String> metadata,
                         boolean wholeFile) {
        if (wholeFile && length > config.maxRecordBytes()) {
            return rows.quarantined(file, origin, Reasons.RECORD_TOO_LARGE, "decompressed text longer than "
                    + "max_record_bytes " + config.maxRecordBytes());
        }
        Utf8.Decoded decoded = Utf8.decode(bytes, length);
        if (!decoded.valid()) {
            return rows.quarantined(file, origin, Reasons.INVALID_UTF8, "invalid UTF-8 at byte " + decoded.invalidAt()
                    + (wholeFile ? " of the file" : " of the block"), decoded.text(), metadata);
        }
        if (decoded.text().isBlank()) {
            return rows.quarantined(file, origin, Reasons.EMPTY_FILE, "the file holds only whitespace", decoded.text(),
                    metadata);
        }
        return rows.kept(file, origin, decoded.text(), metadata);
    }
}

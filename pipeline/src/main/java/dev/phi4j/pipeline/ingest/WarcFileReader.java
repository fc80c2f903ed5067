package dev.phi4j.pipeline.ingest;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.netpreserve.jwarc.HttpResponse;
import org.netpreserve.jwarc.MediaType;
import org.netpreserve.jwarc.WarcConversion;
import org.netpreserve.jwarc.WarcPayload;
import org.netpreserve.jwarc.WarcReader;
import org.netpreserve.jwarc.WarcRecord;
import org.netpreserve.jwarc.WarcResponse;
import org.netpreserve.jwarc.WarcTargetRecord;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * WARC files through jwarc, one row per WARC record located by its byte offset in the (compressed) file. In WARC
 * mode, HTML responses become documents; in WET mode, conversion records do. Every other record is counted as
 * dropped with its type, so the manifest accounts for the whole file.
 */
final class WarcFileReader implements RecordReader {

    private final SourceConfig config;
    private final boolean wet;
    private final boolean removeBoilerplate;
    private final SourceRows rows;

    WarcFileReader(SourceConfig config, boolean wet) {
        this.config = config;
        this.wet = wet;
        this.removeBoilerplate = config instanceof WarcSource warc && warc.removeBoilerplate();
        this.rows = new SourceRows(config.name(), config.sourceClass());
    }

    @Override
    public Iterator<Row> read(SourceFile file, Configuration conf) {
        Row rejected = FileAccess.precheck(file, rows, config.maxFileBytes());
        if (rejected != null) {
            return FileAccess.single(rejected);
        }
        return new RowIterator(file, rows) {
            private WarcReader reader;
            private long lastOffset;

            @Override
            protected Row produce() throws IOException {
                if (reader == null) {
                    InputStream in = FileAccess.open(file, conf, false);
                    reader = new WarcReader(in);
                    opened(reader);
                }
                Optional<WarcRecord> next = reader.next();
                if (next.isEmpty()) {
                    return null;
                }
                lastOffset = reader.position();
                String origin = file.uri() + "#offset=" + lastOffset;
                try {
                    return row(file, origin, next.get());
                } catch (RuntimeException e) {
                    // jwarc parses headers lazily: a bad date or URI surfaces here, for this record only.
                    return rows.quarantined(file, origin, Reasons.MALFORMED_WARC, "unreadable record: " + e.getMessage());
                }
            }

            @Override
            protected String position() {
                return reader == null ? "" : "#offset=" + lastOffset;
            }
        };
    }

    private Row row(SourceFile file, String origin, WarcRecord record) throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("warc_record_id", record.id().toString());
        metadata.put("warc_type", record.type());
        record.headers().first("WARC-Date").ifPresent(date -> metadata.put("warc_date", date));
        if (record instanceof WarcTargetRecord target) {
            metadata.put("url", target.target());
        }
        record.headers().first("WARC-Identified-Content-Language").ifPresent(l -> metadata.put("language", l));
        if (wet) {
            if (!(record instanceof WarcConversion conversion)) {
                return rows.quarantined(file, origin, Reasons.WARC_RECORD_TYPE, record.type()
                        + " record; WET text comes from conversion records", "", metadata);
            }
            Optional<WarcPayload> payload = conversion.payload();
            byte[] bytes = payload.isEmpty() ? new byte[0]
                    : FileAccess.readAtMost(payload.get().body().stream(), config.maxRecordBytes());
            if (bytes.length > config.maxRecordBytes()) {
                return rows.quarantined(file, origin, Reasons.RECORD_TOO_LARGE, "conversion record longer than "
                        + "max_record_bytes " + config.maxRecordBytes(), "", metadata);
            }
            Utf8.Decoded text = Utf8.decode(bytes);
            if (!text.valid()) {
                return rows.quarantined(file, origin, Reasons.INVALID_UTF8, "invalid UTF-8 at byte " + text.invalidAt()
                        + " of the record's text", text.text(), metadata);
            }
            if (text.text().isBlank()) {
                return rows.quarantined(file, origin, Reasons.NO_TEXT, "empty conversion record", "", metadata);
            }
            return rows.kept(file, origin, text.text().strip(), metadata);
        }
        if (!(record instanceof WarcResponse response)) {
            return rows.quarantined(file, origin, Reasons.WARC_RECORD_TYPE, record.type()
                    + " record; documents come from HTML response records", "", metadata);
        }
        HttpResponse http = response.http();
        metadata.put("http_status", Integer.toString(http.status()));
        MediaType type = http.contentType();
        metadata.put("content_type", type.base().toString());
        if (http.status() < 200 || http.status() > 299) {
            return rows.quarantined(file, origin, Reasons.HTTP_STATUS, "HTTP " + http.status() + " " + http.reason(), "",
                    metadata);
        }
        String base = type.base().toString();
        if (!base.equals("text/html") && !base.equals("application/xhtml+xml")) {
            return rows.quarantined(file, origin, Reasons.NOT_HTML, "payload is " + base, "", metadata);
        }
        byte[] bytes = FileAccess.readAtMost(http.body().stream(), config.maxRecordBytes());
        if (bytes.length > config.maxRecordBytes()) {
            return rows.quarantined(file, origin, Reasons.RECORD_TOO_LARGE, "payload longer than max_record_bytes "
                    + config.maxRecordBytes(), "", metadata);
        }
        HtmlText.Extracted page = HtmlText.extract(bytes, charset(type), metadata.get("url"), removeBoilerplate);
        HtmlReader.putIfPresent(metadata, "title", page.title());
        if (!metadata.containsKey("language")) {
            HtmlReader.putIfPresent(metadata, "language", page.language());
        }
        if (page.text().isBlank()) {
            return rows.quarantined(file, origin, Reasons.NO_TEXT, "no text left after extraction",
                    new String(bytes, StandardCharsets.UTF_8), metadata);
        }
        return rows.kept(file, origin, page.text(), metadata);
    }

    /** The charset the HTTP header names, if Java knows it; otherwise jsoup looks at the BOM and meta tags. */
    private static String charset(MediaType type) {
        String name = type.parameters().get("charset");
        try {
            return name != null && Charset.isSupported(name) ? name : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}

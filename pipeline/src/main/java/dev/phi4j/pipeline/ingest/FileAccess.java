package dev.phi4j.pipeline.ingest;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.Iterator;
import java.util.zip.GZIPInputStream;

/** Opening source files through Hadoop's FileSystem (local, HDFS, S3A) and the checks every format shares. */
final class FileAccess {

    private FileAccess() {}

    static InputStream open(SourceFile file, Configuration conf, boolean gunzip) throws IOException {
        Path path = new Path(file.uri());
        InputStream in = new BufferedInputStream(path.getFileSystem(conf).open(path), 1 << 16);
        return gunzip && file.uri().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in;
    }

    /** A quarantined row for an empty or oversized file, or null when the file is fit to read. */
    static Row precheck(SourceFile file, SourceRows rows, long maxFileBytes) {
        if (file.length() == 0) {
            return rows.quarantined(file, file.uri(), Reasons.EMPTY_FILE, "the file is empty (0 bytes)");
        }
        if (file.length() > maxFileBytes) {
            return rows.quarantined(file, file.uri(), Reasons.FILE_TOO_LARGE, "the file has " + file.length()
                    + " bytes, more than max_file_bytes " + maxFileBytes + "; not read");
        }
        return null;
    }

    static Iterator<Row> single(Row row) {
        return Collections.singletonList(row).iterator();
    }

    /** Reads at most {@code limit + 1} bytes, so a caller can tell a stream longer than {@code limit}. */
    static byte[] readAtMost(InputStream in, long limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        int read;
        while (total <= limit && (read = in.read(buffer, 0, (int) Math.min(buffer.length, limit + 1 - total))) > 0) {
            out.write(buffer, 0, read);
            total += read;
        }
        return out.toByteArray();
    }
}

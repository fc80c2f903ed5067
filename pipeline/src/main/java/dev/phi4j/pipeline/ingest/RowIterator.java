package dev.phi4j.pipeline.ingest;

import org.apache.spark.sql.Row;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.zip.ZipException;

/**
 * A lazy iterator over one file's rows. A read failure becomes one last quarantined row naming where reading
 * stopped (a truncated gzip stream, a device error), after the rows already read: the job goes on.
 */
abstract class RowIterator implements Iterator<Row> {

    private final SourceFile file;
    private final SourceRows rows;
    private Closeable resource;
    private Row next;
    private boolean finished;

    RowIterator(SourceFile file, SourceRows rows) {
        this.file = file;
        this.rows = rows;
    }

    /** The next row, or null when the file is exhausted. */
    protected abstract Row produce() throws IOException;

    /** Where in the file reading is now, as an origin URI suffix, e.g. {@code #line=17}. */
    protected abstract String position();

    /** Registers what {@link #close} closes: the file's stream. */
    protected void opened(Closeable resource) {
        this.resource = resource;
    }

    @Override
    public boolean hasNext() {
        if (next == null && !finished) {
            try {
                next = produce();
            } catch (IOException | RuntimeException e) {
                next = failure(e);
                finished = true;
            }
            if (next == null) {
                finished = true;
            }
            if (finished) {
                close();
            }
        }
        return next != null;
    }

    @Override
    public Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Row row = next;
        next = null;
        return row;
    }

    private Row failure(Exception e) {
        boolean gzip = file.uri().endsWith(".gz");
        String origin = file.uri() + position();
        if (gzip && (e instanceof EOFException || hasCause(e, EOFException.class)
                || String.valueOf(e.getMessage()).contains("Unexpected end of ZLIB"))) {
            return rows.quarantined(file, origin, Reasons.TRUNCATED_GZIP,
                    "compressed stream ends early: " + e.getMessage() + "; the records before it were read");
        }
        if (gzip && (e instanceof ZipException || hasCause(e, ZipException.class))) {
            return rows.quarantined(file, origin, Reasons.TRUNCATED_GZIP, "corrupt gzip data: " + e.getMessage());
        }
        if (e instanceof RuntimeException runtime && !(e instanceof java.io.UncheckedIOException)) {
            throw runtime;
        }
        return rows.quarantined(file, origin, Reasons.READ_ERROR, String.valueOf(e));
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    private void close() {
        if (resource != null) {
            try {
                resource.close();
            } catch (IOException ignored) {
                // Everything was read that could be; a failing close changes no row.
            }
            resource = null;
        }
    }
}

package dev.phi4j.core.schema;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.OutputFile;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Reads and writes phi4j records as Parquet through the Hadoop file system API, so local paths,
 * {@code hdfs://} and {@code s3a://} work alike. The layout is {@link RecordSchema}'s; Spark reads these
 * files natively, and Spark's output directories are read back here.
 */
public final class ParquetRecords {

    private ParquetRecords() {}

    /**
     * Writes {@code records} to one new Parquet file (Snappy-compressed, as Spark writes by default)
     * and returns how many were written. An existing file at {@code path} is an error, not overwritten.
     */
    public static <R extends Record> long write(Path path, Configuration conf, Class<R> type, Iterable<R> records)
            throws IOException {
        RecordSchema<R> schema = RecordSchema.of(type);
        long count = 0;
        try (ParquetWriter<R> writer = new WriterBuilder<>(HadoopOutputFile.fromPath(path, conf), schema)
                .withConf(conf)
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .withWriteMode(ParquetFileWriter.Mode.CREATE)
                .build()) {
            for (R record : records) {
                writer.write(record);
                count++;
            }
        }
        return count;
    }

    /**
     * The records in {@code path}: one Parquet file, or a directory of them such as Spark writes (files
     * whose names start with {@code _} or {@code .} are skipped; files are read in name order). Files
     * are opened one at a time; the stream closes the open file when it is exhausted or closed, so use
     * it in try-with-resources when it may not be read to the end.
     *
     * <p>A file lacking a column the record needs, or storing it with another type, is a
     * {@link SchemaMismatchException} naming the file and column, raised when the file is opened. A row
     * the record cannot hold (a null, a value its constructor rejects) fails with Parquet's
     * {@code ParquetDecodingException}, which gives the row's position in the file, caused by the
     * record's own exception.
     */
    public static <R extends Record> Stream<R> read(Path path, Configuration conf, Class<R> type) throws IOException {
        RecordIterator<R> iterator = new RecordIterator<>(dataFiles(path, conf), conf, RecordSchema.of(type));
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator, Spliterator.ORDERED), false)
                .onClose(iterator::close);
    }

    /** All records in {@code path}, read eagerly; for files known to fit in memory. */
    public static <R extends Record> List<R> readAll(Path path, Configuration conf, Class<R> type) throws IOException {
        try (Stream<R> records = read(path, conf, type)) {
            return records.toList();
        }
    }

    private static List<FileStatus> dataFiles(Path path, Configuration conf) throws IOException {
        FileSystem fs = path.getFileSystem(conf);
        FileStatus status = fs.getFileStatus(path);
        if (status.isFile()) {
            return List.of(status);
        }
        List<FileStatus> files = new ArrayList<>();
        for (FileStatus child : fs.listStatus(path)) {
            String name = child.getPath().getName();
            if (name.startsWith("_") || name.startsWith(".")) {
                continue;
            }
            if (child.isDirectory()) {
                throw new IllegalArgumentException(path + " contains the directory " + name
                        + "; partitioned datasets are not supported here, read them with Spark");
            }
            files.add(child);
        }
        files.sort(Comparator.comparing(file -> file.getPath().getName()));
        return files;
    }

    /** Walks the files in order, keeping at most one open. */
    private static final class RecordIterator<R extends Record> implements Iterator<R>, Closeable {

        private final Iterator<FileStatus> files;
        private final Configuration conf;
        private final RecordSchema<R> schema;
        private ParquetReader<R> reader;
        private R next;

        RecordIterator(List<FileStatus> files, Configuration conf, RecordSchema<R> schema) {
            this.files = files.iterator();
            this.conf = conf;
            this.schema = schema;
        }

        @Override
        public boolean hasNext() {
            try {
                while (next == null) {
                    if (reader == null) {
                        if (!files.hasNext()) {
                            return false;
                        }
                        FileStatus file = files.next();
                        reader = new ReaderBuilder<>(HadoopInputFile.fromStatus(file, conf),
                                new RecordReadSupport<>(schema, file.getPath().toString())).withConf(conf).build();
                    }
                    next = reader.read();
                    if (next == null) {
                        close();
                    }
                }
                return true;
            } catch (IOException e) {
                close();
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public R next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            R record = next;
            next = null;
            return record;
        }

        @Override
        public void close() {
            if (reader != null) {
                try {
                    reader.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } finally {
                    reader = null;
                }
            }
        }
    }

    private static final class WriterBuilder<R extends Record> extends ParquetWriter.Builder<R, WriterBuilder<R>> {

        private final RecordSchema<R> schema;

        WriterBuilder(OutputFile file, RecordSchema<R> schema) {
            super(file);
            this.schema = schema;
        }

        @Override
        protected WriterBuilder<R> self() {
            return this;
        }

        @Override
        protected WriteSupport<R> getWriteSupport(Configuration conf) {
            return new RecordWriteSupport<>(schema);
        }
    }

    private static final class ReaderBuilder<R> extends ParquetReader.Builder<R> {

        private final ReadSupport<R> readSupport;

        ReaderBuilder(InputFile file, ReadSupport<R> readSupport) {
            super(file);
            this.readSupport = readSupport;
        }

        @Override
        protected ReadSupport<R> getReadSupport() {
            return readSupport;
        }
    }
}

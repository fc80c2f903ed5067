package dev.phi4j.pipeline.ingest;

import dev.phi4j.core.io.Sha256;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The files of a source, listed on the driver through Hadoop's FileSystem: globs expanded, directories walked
 * (hidden entries, {@code skip_dirs} and files without one of the source's extensions left out), sorted and
 * de-duplicated. Only names and sizes are read here, never contents.
 */
record SourceListing(List<SourceFile> files, long skippedDirs, long skippedFiles, List<String> skippedDirExamples) {

    private static final int EXAMPLES = 10;

    static SourceListing of(SourceConfig source, Configuration conf) {
        TreeMap<String, SourceFile> files = new TreeMap<>();
        long[] skipped = new long[2];
        List<String> examples = new ArrayList<>();
        for (String written : source.paths()) {
            try {
                Path path = new Path(written);
                FileSystem fs = path.getFileSystem(conf);
                FileStatus[] matches = fs.globStatus(path);
                if (matches == null || matches.length == 0) {
                    throw new IllegalArgumentException("source '" + source.name() + "': path '" + written
                            + "' matches no file (resolved as " + fs.makeQualified(path) + ")");
                }
                for (FileStatus match : matches) {
                    String root = match.getPath().toString();
                    if (match.isFile()) {
                        files.put(root, file(match, root));
                    } else {
                        walk(fs, match, root, source, files, skipped, examples);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("source '" + source.name() + "': cannot list '" + written + "': "
                        + e.getMessage(), e);
            }
        }
        return new SourceListing(List.copyOf(files.values()), skipped[0], skipped[1], List.copyOf(examples));
    }

    private static void walk(FileSystem fs, FileStatus dir, String root, SourceConfig source,
                             TreeMap<String, SourceFile> files, long[] skipped, List<String> examples)
            throws IOException {
        for (FileStatus child : fs.listStatus(dir.getPath())) {
            String name = child.getPath().getName();
            if (child.isDirectory()) {
                if (name.startsWith(".") || name.startsWith("_") || source.skipDirs().contains(name)) {
                    skipped[0]++;
                    if (examples.size() < EXAMPLES) {
                        examples.add(child.getPath().toString());
                    }
                } else {
                    walk(fs, child, root, source, files, skipped, examples);
                }
            } else if (name.startsWith(".") || name.startsWith("_") || !matches(name, source)) {
                skipped[1]++;
            } else {
                files.put(child.getPath().toString(), file(child, root));
            }
        }
    }

    private static boolean matches(String name, SourceConfig source) {
        return source.extensions().isEmpty() || source.extensions().stream().anyMatch(name::endsWith);
    }

    private static SourceFile file(FileStatus status, String root) {
        return new SourceFile(status.getPath().toString(), status.getLen(), status.getModificationTime(), root);
    }

    long bytes() {
        return files.stream().mapToLong(SourceFile::length).sum();
    }

    /** {@code sha256:…} over each file's URI, size and modification time: changes when any file does. */
    String fingerprint() {
        StringBuilder text = new StringBuilder();
        files.forEach(f -> text.append(f.uri()).append('\t').append(f.length()).append('\t')
                .append(f.modificationTime()).append('\n'));
        return Sha256.tagged(text.toString());
    }
}

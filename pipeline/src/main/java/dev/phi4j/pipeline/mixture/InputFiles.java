package dev.phi4j.pipeline.mixture;

import dev.phi4j.core.io.Sha256;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The files of a post-training set's {@code paths} (files, folders read recursively, globs; any Hadoop file system),
 * split by format, with a fingerprint of the listing (path, size, modification time) that makes a changed file
 * rebuild the set.
 */
record InputFiles(List<String> jsonl, List<String> parquet, long bytes, String fingerprint) {

    static InputFiles list(List<String> paths, PostTrainingInput format, Configuration conf) {
        TreeSet<String> jsonl = new TreeSet<>();
        TreeSet<String> parquet = new TreeSet<>();
        StringBuilder listing = new StringBuilder();
        long bytes = 0;
        try {
            for (String given : paths) {
                Path path = new Path(given);
                FileSystem fs = path.getFileSystem(conf);
                FileStatus[] matches = fs.globStatus(path);
                if (matches == null || matches.length == 0) {
                    throw new IllegalArgumentException(given + ": no such file or folder (paths)");
                }
                for (FileStatus match : matches) {
                    List<FileStatus> files = new ArrayList<>();
                    if (match.isDirectory()) {
                        RemoteIterator<LocatedFileStatus> it = fs.listFiles(match.getPath(), true);
                        while (it.hasNext()) {
                            LocatedFileStatus file = it.next();
                            String name = file.getPath().getName();
                            if (!name.startsWith("_") && !name.startsWith(".")) {
                                files.add(file);
                            }
                        }
                    } else {
                        files.add(match);
                    }
                    for (FileStatus file : files) {
                        String name = file.getPath().toString();
                        boolean isParquet = format == PostTrainingInput.PARQUET || (format == PostTrainingInput.AUTO
                                && name.toLowerCase(Locale.ROOT).endsWith(".parquet"));
                        (isParquet ? parquet : jsonl).add(name);
                        bytes += file.getLen();
                        listing.append(name).append(' ').append(file.getLen()).append(' ')
                                .append(file.getModificationTime()).append('\n');
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + paths, e);
        }
        if (jsonl.isEmpty() && parquet.isEmpty()) {
            throw new IllegalArgumentException(paths + ": no files to read (paths)");
        }
        return new InputFiles(List.copyOf(jsonl), List.copyOf(parquet), bytes, Sha256.tagged(listing.toString()));
    }

    long files() {
        return jsonl.size() + parquet.size();
    }
}

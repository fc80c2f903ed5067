package dev.phi4j.pipeline.stage;

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

/** {@link StageInput}s for files a stage reads: the listing (names, sizes, modification times) fingerprinted. */
public final class StageInputs {

    private StageInputs() {}

    /** The files at {@code path} (a file, directory or glob); none there is an error naming the path. */
    public static StageInput files(String kind, String name, String path, Configuration conf) {
        try {
            Path pattern = new Path(path);
            FileSystem fs = pattern.getFileSystem(conf);
            FileStatus[] matches = fs.globStatus(pattern);
            if (matches == null || matches.length == 0) {
                throw new IllegalArgumentException(kind + " '" + name + "': path '" + path + "' matches no file");
            }
            List<String> lines = new ArrayList<>();
            long bytes = 0;
            for (FileStatus match : matches) {
                RemoteIterator<LocatedFileStatus> files = fs.listFiles(match.getPath(), true);
                while (files.hasNext()) {
                    LocatedFileStatus file = files.next();
                    lines.add(file.getPath() + "\t" + file.getLen() + "\t" + file.getModificationTime());
                    bytes += file.getLen();
                }
            }
            lines.sort(null);
            return new StageInput(kind, name, path, lines.size(), bytes, Sha256.tagged(String.join("\n", lines)));
        } catch (IOException e) {
            throw new UncheckedIOException(kind + " '" + name + "': cannot list " + path, e);
        }
    }
}

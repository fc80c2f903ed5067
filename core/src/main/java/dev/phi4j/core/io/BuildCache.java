package dev.phi4j.core.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.util.Optional;
import java.util.UUID;

/**
 * Reuse by identity, else build into a temporary folder and rename: how phi4j writes every folder a later run may
 * reuse (a pipeline stage, a mixture set, tokenized documents, text packed into shards), on any Hadoop file system.
 * <pre>
 * PARENT/
 *   NAME/                a finished build; its marker records the identity it was built for
 *   _tmp/NAME-&lt;uuid&gt;/    a build under way, renamed to NAME when complete
 * </pre>
 * A folder is reused only when its marker holds the identity asked for. Anything else is built from scratch: a killed
 * build leaves a temporary folder (removed by the next build of the same name) or a renamed folder without its marker
 * (replaced), never a folder that is reused.
 */
public final class BuildCache {

    public static final String TMP = "_tmp";

    /** How a finished folder records what it was built from. */
    public interface Marker<T> {

        /** The record in {@code dir}, or empty when the folder or its marker is missing. */
        Optional<T> read(Path dir, Configuration conf) throws IOException;

        String identity(T record);

        /**
         * Writes {@code record} into the folder once it is renamed into place: written last, its presence means the
         * folder is complete even where a rename is a copy (S3).
         */
        void write(Path dir, T record, Configuration conf) throws IOException;
    }

    /** Writes a build. */
    @FunctionalInterface
    public interface Builder<T> {

        /**
         * Writes the build into {@code tmp}, which does not exist yet, and returns its record; {@code outdated} is what
         * the folder held, built for another identity, if anything.
         */
        T build(Path tmp, Optional<T> outdated) throws IOException;
    }

    /** The record of the folder and whether it was reused rather than built. */
    public record Outcome<T>(T record, boolean reused) {}

    private BuildCache() {}

    /** Returns the build in {@code dir} if it was made for {@code identity}; builds it otherwise. */
    public static <T> Outcome<T> reuseOrBuild(Path dir, String identity, Marker<T> marker, Configuration conf,
                                              Builder<T> builder) throws IOException {
        Optional<T> existing = marker.read(dir, conf);
        if (existing.isPresent() && identity.equals(marker.identity(existing.get()))) {
            return new Outcome<>(existing.get(), true);
        }
        FileSystem fs = dir.getFileSystem(conf);
        Path tmpRoot = new Path(dir.getParent(), TMP);
        removeLeftovers(fs, tmpRoot, dir.getName());
        Path tmp = new Path(tmpRoot, dir.getName() + "-" + UUID.randomUUID());
        T record = builder.build(tmp, existing);
        if (fs.exists(dir)) {
            fs.delete(dir, true);
        }
        if (!fs.rename(tmp, dir)) {
            throw new IOException("cannot rename " + tmp + " to " + dir);
        }
        marker.write(dir, record, conf);
        return new Outcome<>(record, false);
    }

    /** Removes what killed builds of {@code name} left: {@code _tmp/name-<uuid>} and what a builder wrote beside it. */
    private static void removeLeftovers(FileSystem fs, Path tmpRoot, String name) throws IOException {
        FileStatus[] stale = fs.globStatus(new Path(tmpRoot, name + "-*"));
        if (stale != null) {
            for (FileStatus status : stale) {
                fs.delete(status.getPath(), true);
            }
        }
    }
}

package dev.phi4j.core.shard;

import java.nio.file.Path;

/** A token shard set that cannot be read as written: missing, truncated or corrupt; the message names the file. */
public final class ShardException extends RuntimeException {

    private final Path file;

    public ShardException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public ShardException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file (or shard directory) at fault. */
    public Path file() {
        return file;
    }
}

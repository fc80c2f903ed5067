package dev.phi4j.core.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Files that are either whole or absent: written to a sibling {@code NAME.partial} first, then renamed over the
 * target in one step, so a crash mid-write leaves the previous version (or nothing) rather than half a file.
 */
public final class AtomicFiles {

    private AtomicFiles() {}

    /** Replaces {@code file} with {@code text} (UTF-8), atomically. */
    public static void writeString(Path file, String text) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.writeString(partial, text, StandardCharsets.UTF_8);
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}

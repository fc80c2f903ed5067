package dev.phi4j.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Finds the real datasets: surefire passes their folder as {@code phi4j.shared}; run another way, the
 * folder is {@code ../shared} beside the project root. A missing dataset fails the test, saying where it
 * looked, rather than skipping it: a test that silently does not run proves nothing.
 */
public final class SharedData {

    private SharedData() {}

    public static Path tinyShakespeare() {
        return find("datasets/tinyshakespeare/input.txt");
    }

    public static String tinyShakespeareText() throws IOException {
        return Files.readString(tinyShakespeare());
    }

    /** {@code relative} (e.g. {@code datasets/gsm8k/test.jsonl}) in the shared folder; fails the test if absent. */
    public static Path find(String relative) {
        List<Path> folders = new ArrayList<>();
        String shared = System.getProperty("phi4j.shared");
        if (shared != null) {
            folders.add(Path.of(shared));
        }
        Path workingDirectory = Path.of("").toAbsolutePath();
        folders.add(workingDirectory.resolve("../shared"));        // run from the project root
        folders.add(workingDirectory.resolve("../../shared"));     // run from the module, as surefire does
        List<Path> tried = new ArrayList<>();
        for (Path folder : folders) {
            Path file = folder.resolve(relative).normalize();
            if (Files.isRegularFile(file)) {
                return file;
            }
            tried.add(file);
        }
        return fail(relative + " not found; looked at " + tried
                + " (set -Dphi4j.shared=<folder holding datasets/>)");
    }
}

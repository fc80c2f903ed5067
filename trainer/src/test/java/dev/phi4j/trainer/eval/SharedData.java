package dev.phi4j.trainer.eval;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A file of the real datasets: surefire passes their folder as {@code phi4j.shared}; run another way, it is
 * {@code ../shared} beside the project root. Missing, the test fails saying where it looked: a test that silently
 * does not run proves nothing. (core's tests hold the same lookup; modules do not share test code.)
 */
final class SharedData {

    private SharedData() {}

    static Path find(String relative) {
        List<Path> folders = new ArrayList<>();
        String property = System.getProperty("phi4j.shared");
        if (property != null) {
            folders.add(Path.of(property));
        }
        Path workingDirectory = Path.of("").toAbsolutePath();
        folders.add(workingDirectory.resolve("../shared"));
        folders.add(workingDirectory.resolve("../../shared"));
        List<Path> tried = new ArrayList<>();
        for (Path folder : folders) {
            Path file = folder.resolve(relative).normalize();
            if (Files.isRegularFile(file)) {
                return file;
            }
            tried.add(file);
        }
        return fail(relative + " not found; looked at " + tried + " (set -Dphi4j.shared=<folder holding datasets/>)");
    }
}

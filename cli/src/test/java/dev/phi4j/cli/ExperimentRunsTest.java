package dev.phi4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * What a re-run does with each run folder of a sweep; a trained run that was not scored yet is covered by
 * {@link ExperimentCommandTest}, which has real checkpoints.
 */
class ExperimentRunsTest {

    @Test
    void newFolderTrains(@TempDir Path dir) {
        assertEquals(ExperimentRuns.Action.TRAIN, ExperimentRuns.decide(dir.resolve("run"), "id-a", 10));
    }

    @Test
    void finishedRunOfTheSameIdentityIsReused(@TempDir Path dir) throws IOException {
        Path run = dir.resolve("run");
        ExperimentRuns.claim(run, "id-a", false);
        Files.writeString(run.resolve(ExperimentRuns.RESULT), "{}");
        assertEquals(ExperimentRuns.Action.REUSE, ExperimentRuns.decide(run, "id-a", 10));
    }

    @Test
    void changedConfigOrDataClearsTheFolder(@TempDir Path dir) throws IOException {
        Path run = dir.resolve("run");
        ExperimentRuns.claim(run, "id-a", false);
        Files.writeString(run.resolve(ExperimentRuns.RESULT), "{}");
        assertEquals(ExperimentRuns.Action.RESTART, ExperimentRuns.decide(run, "id-b", 10));
        ExperimentRuns.claim(run, "id-b", true);
        assertFalse(Files.exists(run.resolve(ExperimentRuns.RESULT)), "the old result is gone");
        assertEquals(ExperimentRuns.Action.TRAIN, ExperimentRuns.decide(run, "id-b", 10));
    }

    @Test
    void folderWithoutIdentityIsNotTrusted(@TempDir Path dir) throws IOException {
        Path run = dir.resolve("run");
        Files.createDirectories(run);
        Files.writeString(run.resolve(ExperimentRuns.RESULT), "{}");
        assertEquals(ExperimentRuns.Action.RESTART, ExperimentRuns.decide(run, "id-a", 10));
    }
}

package dev.phi4j.cli;

import dev.phi4j.trainer.checkpoint.CheckpointFolders;
import dev.phi4j.trainer.train.Checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a sweep does with one run's folder, so that re-running an experiment continues it: a run is identified by the
 * hash of its resolved config, its training shards and its evaluation sets ({@value #IDENTITY}); a finished one
 * ({@value #RESULT}) is reused, a trained but unscored one is scored, a partial one continues from its LATEST
 * checkpoint, and a folder left by another identity (the config or data changed) is cleared and trained anew.
 */
final class ExperimentRuns {

    static final String IDENTITY = "identity.txt";
    static final String RESULT = "result.json";

    enum Action {
        /** result.json of the same identity: read it. */
        REUSE,
        /** trained to max_steps under this identity, not scored yet: score the last checkpoint. */
        EVALUATE,
        /** nothing yet, or a partial run of this identity: train (from LATEST when there is one). */
        TRAIN,
        /** the folder holds a run of another identity: delete it, then train. */
        RESTART
    }

    private ExperimentRuns() {}

    static Action decide(Path runDir, String identity, long maxSteps) {
        Path identityFile = runDir.resolve(IDENTITY);
        if (!Files.exists(runDir) || isEmpty(runDir)) {
            return Action.TRAIN;
        }
        String recorded = read(identityFile).orElse("");
        if (!recorded.equals(identity)) {
            return Action.RESTART;
        }
        if (Files.isRegularFile(runDir.resolve(RESULT))) {
            return Action.REUSE;
        }
        Optional<Path> latest = CheckpointFolders.latest(runDir.resolve(CheckpointFolders.DIRECTORY));
        if (latest.isPresent() && Checkpoint.step(latest.get()) >= maxSteps) {
            return Action.EVALUATE;
        }
        return Action.TRAIN;
    }

    /** Deletes the folder's contents and records the identity of the run about to start there. */
    static void claim(Path runDir, String identity, boolean clear) throws IOException {
        if (clear && Files.exists(runDir)) {
            try (Stream<Path> walk = Files.walk(runDir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(runDir);
        Files.writeString(runDir.resolve(IDENTITY), identity + "\n");
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<String> read(Path file) {
        try {
            return Files.isRegularFile(file) ? Optional.of(Files.readString(file).strip()) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

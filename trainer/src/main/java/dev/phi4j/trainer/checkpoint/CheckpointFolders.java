package dev.phi4j.trainer.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The checkpoint folders of a run, one each under {@code <run>/checkpoints/}:
 * <pre>
 *   step-00000100/     periodic (the last keep_last are kept), or a milestone's name (kept for good)
 *   LATEST             the newest folder's name
 * </pre>
 * Every folder is a {@link ModelCheckpoint}; a training run's also hold its training state. A folder is written into
 * a hidden {@code .partial-NAME} folder, its files fsynced, and renamed into place; then LATEST is replaced by renaming
 * a temporary file: a crash at any moment leaves LATEST naming a complete folder.
 */
public final class CheckpointFolders {

    public static final String DIRECTORY = "checkpoints";
    public static final String LATEST = "LATEST";
    private static final String STEP_PREFIX = "step-";
    private static final String PARTIAL_PREFIX = ".partial-";
    /** What a folder written before the checkpoint split (format version 1) holds instead of model.json. */
    private static final String VERSION_1_FILE = "checkpoint.json";

    private CheckpointFolders() {}

    /** Writes a checkpoint's files into the (empty) folder it is given. */
    @FunctionalInterface
    public interface Contents {
        void writeInto(Path folder) throws IOException;
    }

    /** {@code step-00000100}. */
    public static String stepName(long step) {
        return String.format(Locale.ROOT, "%s%08d", STEP_PREFIX, step);
    }

    /** Writes {@code checkpointsDir/name} atomically, points LATEST at it and returns it. */
    public static Path commit(Path checkpointsDir, String name, Contents contents) throws IOException {
        Files.createDirectories(checkpointsDir);
        Path partial = checkpointsDir.resolve(PARTIAL_PREFIX + name);
        deleteTree(partial);
        Files.createDirectories(partial);
        contents.writeInto(partial);
        try (Stream<Path> files = Files.list(partial)) {
            for (Path file : files.toList()) {
                force(file);
            }
        }

        Path target = checkpointsDir.resolve(name);
        if (Files.exists(target)) {                       // a step redone after a resume from an earlier one
            Path old = checkpointsDir.resolve(PARTIAL_PREFIX + name + ".old");
            deleteTree(old);
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(old);
        } else {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        }
        Path latestPartial = checkpointsDir.resolve(PARTIAL_PREFIX + LATEST);
        Files.writeString(latestPartial, name + "\n");
        force(latestPartial);
        Files.move(latestPartial, checkpointsDir.resolve(LATEST), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /** The checkpoint folder {@code path} means: itself, or LATEST in it or in its checkpoints directory. */
    public static Path resolve(Path path) {
        if (isCheckpoint(path)) {
            return path;
        }
        refuseVersion1(path);
        for (Path candidate : List.of(path, path.resolve(DIRECTORY))) {
            Optional<Path> latest = latest(candidate);
            if (latest.isPresent()) {
                return latest.get();
            }
        }
        if (!Files.exists(path)) {
            throw new IllegalArgumentException(path + ": no such checkpoint, checkpoints or run directory");
        }
        throw new IllegalArgumentException(path + ": no checkpoint here (neither " + ModelCheckpoint.JSON_FILE
                + " nor " + LATEST + " nor " + DIRECTORY + "/" + LATEST + ")");
    }

    /** The checkpoint LATEST names in {@code checkpointsDir}, if there is one. */
    public static Optional<Path> latest(Path checkpointsDir) {
        Path latest = checkpointsDir.resolve(LATEST);
        if (!Files.isRegularFile(latest)) {
            return Optional.empty();
        }
        try {
            Path folder = checkpointsDir.resolve(Files.readString(latest).trim());
            if (!isCheckpoint(folder)) {
                refuseVersion1(folder);
                throw new IllegalArgumentException(latest + " names " + folder.getFileName()
                        + ", which is not a complete checkpoint");
            }
            return Optional.of(folder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Deletes all but the newest {@code keepLast} periodic checkpoints (and leftovers of interrupted saves); milestones
     * and the one LATEST names are never deleted. Returns what was deleted.
     */
    public static List<Path> prune(Path checkpointsDir, int keepLast) throws IOException {
        Optional<Path> latest = latest(checkpointsDir);
        List<Path> periodic = new ArrayList<>();
        List<Path> deleted = new ArrayList<>();
        try (Stream<Path> entries = Files.list(checkpointsDir)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (name.startsWith(PARTIAL_PREFIX)) {
                    deleteTree(entry);
                    deleted.add(entry);
                } else if (name.startsWith(STEP_PREFIX) && Files.isDirectory(entry)) {
                    periodic.add(entry);
                }
            }
        }
        periodic.sort(Comparator.comparing(p -> p.getFileName().toString()));
        for (int i = 0; i < periodic.size() - keepLast; i++) {
            Path old = periodic.get(i);
            if (latest.isPresent() && latest.get().equals(old)) {
                continue;
            }
            deleteTree(old);
            deleted.add(old);
        }
        return deleted;
    }

    private static boolean isCheckpoint(Path folder) {
        return Files.isRegularFile(folder.resolve(ModelCheckpoint.JSON_FILE));
    }

    private static void refuseVersion1(Path folder) {
        Path old = folder.resolve(VERSION_1_FILE);
        if (Files.isRegularFile(old)) {
            throw new IllegalArgumentException(old + ": a checkpoint of format version 1 (one " + VERSION_1_FILE
                    + "), which this phi4j no longer reads: checkpoints are now " + ModelCheckpoint.JSON_FILE
                    + " (the model) and training.json (the training state); retrain to write one");
        }
    }

    private static void force(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}

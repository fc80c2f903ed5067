package dev.phi4j.core.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Finding and killing what a run started, by process tree and, where it has one of its own, by user id. */
final class ProcessTable {

    private ProcessTable() {}

    /**
     * Kills the process and everything below it. Under namespaces killing the root is enough (the namespace dies with
     * its init); without them the children are killed too, from a snapshot taken first so that none is reparented
     * away unseen, and again while a fork loop keeps making new ones.
     */
    static void killTree(Process process) {
        for (int round = 0; round < 10; round++) {
            List<ProcessHandle> tree = process.descendants().toList();
            process.destroyForcibly();
            tree.forEach(ProcessHandle::destroyForcibly);
            if (tree.isEmpty()) {
                return;
            }
        }
    }

    /**
     * Kills every process running as {@code uid}: without a PID namespace, the way to reach children that daemonised
     * out of the process tree. Repeated while a fork loop replaces them; the process limit bounds how many there are.
     */
    static void killUser(int uid) throws IOException {
        for (int round = 0; round < 50; round++) {
            List<Long> running = processesOf(uid, false);
            if (running.isEmpty()) {
                return;
            }
            running.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
    }

    /**
     * The processes whose real user id is {@code uid}, read from /proc. Zombies are dead but, until the machine's
     * init reaps them (some inits take seconds), still count against that user's process limit.
     */
    static List<Long> processesOf(int uid, boolean withZombies) throws IOException {
        List<Long> found = new ArrayList<>();
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                long realUid = -1;
                boolean zombie = false;
                try {
                    for (String line : Files.readAllLines(process.resolve("status"))) {
                        if (line.startsWith("Uid:")) {
                            realUid = Long.parseLong(line.split("\\s+")[1]);
                        } else if (line.startsWith("State:")) {
                            zombie = line.contains("Z");
                        }
                    }
                } catch (IOException | UncheckedIOException exited) {
                    continue;
                }
                if (realUid == uid && (withZombies || !zombie)) {
                    found.add(Long.parseLong(process.getFileName().toString()));
                }
            }
        }
        return found;
    }
}

package dev.phi4j.core.sandbox;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * User ids for sandboxed programs, one per run in flight on this machine. A run gets an id no other running program
 * has because RLIMIT_NPROC counts every process of a user: sharing one id (say nobody) would let a fork bomb in one
 * run starve the others, and let their programs signal each other. The ids own no file, so a program can write only
 * where everybody may. Runs in this JVM are told apart by a set, runs in other JVMs on the machine (Spark executors)
 * by a lock file per id; the lowest free id is taken so the lock files stay as few as the runs ever in flight.
 */
final class UidPool {

    /** Far above the ids distributions hand out to people and services (subordinate ranges start at 100000). */
    static final int FIRST_UID = 1_900_000_000;
    static final int SIZE = 65_536;

    private final Path lockDirectory;
    private final Set<Integer> leasedHere = ConcurrentHashMap.newKeySet();

    UidPool(Path lockDirectory) {
        this.lockDirectory = lockDirectory;
    }

    /** A user id (also used as the group id) held until the lease is closed. */
    final class Lease implements AutoCloseable {
        final int uid;
        private final FileChannel channel;
        private final FileLock lock;

        private Lease(int uid, FileChannel channel, FileLock lock) {
            this.uid = uid;
            this.channel = channel;
            this.lock = lock;
        }

        @Override
        public void close() throws IOException {
            try (channel) {
                lock.release();
            } finally {
                leasedHere.remove(uid);
            }
        }
    }

    /** A test a free id must also pass before it is leased. */
    interface Usable {
        boolean test(int uid) throws IOException;
    }

    /** The lowest id free on this machine that is also {@code usable}. */
    Lease lease(Usable usable) throws IOException {
        if (!Files.isDirectory(lockDirectory)) {
            Files.createDirectories(lockDirectory, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        }
        for (int uid = FIRST_UID; uid < FIRST_UID + SIZE; uid++) {
            if (!leasedHere.add(uid)) {
                continue;
            }
            if (!usable.test(uid)) {
                leasedHere.remove(uid);
                continue;
            }
            FileChannel channel = FileChannel.open(lockDirectory.resolve(uid + ".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return new Lease(uid, channel, lock);
            }
            channel.close();
            leasedHere.remove(uid);
        }
        throw new IOException("all " + SIZE + " sandbox user ids from " + FIRST_UID + " are in use");
    }
}

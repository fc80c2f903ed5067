package dev.phi4j.core.sandbox;

/**
 * How strongly a {@link Sandbox} separates a program from the machine, found once per JVM by trying the strongest
 * first. Every level keeps the resource limits, the private working directory, the environment built from scratch
 * and the wall-clock and output limits; what differs is who the program runs as and what it can see.
 */
public enum Isolation {
    /**
     * Root with namespaces: new network, mount and PID namespaces, and the program runs as a user id of its own that
     * owns no file on the machine, with a private size-limited /tmp (also mounted on /var/tmp, /run/lock and
     * /dev/shm). It can write only there and into other world-writable directories, should the machine have any.
     */
    NAMESPACES_AND_USER(true, true),
    /**
     * Not root, but unprivileged user namespaces work: the same namespaces, every existing mount remounted read-only
     * inside them and the private /tmp on top; outside the namespace the program keeps the JVM's user id.
     */
    NAMESPACES(true, false),
    /**
     * Root without namespaces (a container without CAP_SYS_ADMIN): the program runs as a user id of its own, so the
     * process limit holds and files of other users are safe, but it shares the network and the world-writable
     * directories (/tmp: new files only) with the machine. Its processes are killed by user id when the run ends.
     */
    USER(false, true),
    /**
     * Neither: resource limits only. The program shares the network, the file system and the user id of the JVM (so
     * it can also read the JVM's environment through /proc); as root the process limit does not hold at all.
     */
    LIMITS_ONLY(false, false);

    private final boolean namespaces;
    private final boolean ownUser;

    Isolation(boolean namespaces, boolean ownUser) {
        this.namespaces = namespaces;
        this.ownUser = ownUser;
    }

    /** Whether the program runs in its own network, mount and PID namespaces. */
    public boolean namespaces() {
        return namespaces;
    }

    /** Whether the program runs as a user id of its own, unprivileged and owning no files. */
    public boolean ownUser() {
        return ownUser;
    }
}

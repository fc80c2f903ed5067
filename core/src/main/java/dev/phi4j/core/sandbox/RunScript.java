package dev.phi4j.core.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The command line of one run: a watchdog, the namespaces the {@link Isolation} level allows, and a shell script that
 * sets up the scratch directory and runs each {@link Step} as the sandbox user under its limits. The script writes a
 * line "name status" per finished step to fd 3, the file {@value #STATUS_FILE} in the run directory, out of the
 * program's reach: steps run with fd 3 closed and, in namespaces, cannot see the run directory. It stops at the first
 * step that fails.
 */
final class RunScript {

    static final String STATUS_FILE = "steps";
    /** Where the program's files are inside the namespaces. */
    private static final String SCRATCH = "/tmp/work";
    /** The world-writable directories a program could otherwise leave files in; each gets the private tmpfs. */
    private static final List<String> SHARED_TEMP_DIRECTORIES = List.of("/var/tmp", "/run/lock", "/dev/shm");
    /** How long after the wall-clock limit the watchdog kills a run whose JVM died before killing it. */
    private static final int WATCHDOG_GRACE_SECONDS = 5;

    /** One process of a run: a name for the status it leaves, the command, and the limits it gets. */
    record Step(String name, List<String> command, int processes, long addressSpaceMb) {}

    private final SandboxConfig config;
    private final Isolation isolation;

    RunScript(SandboxConfig config, Isolation isolation) {
        this.config = config;
        this.isolation = isolation;
    }

    /** The command to start in {@code run}; {@code uid} is the program's own user id, or null to run as this JVM's. */
    List<String> command(Path run, List<Step> steps, Integer uid) {
        // The watchdog outlives a JVM that dies mid-run: it kills its process group (and, with it, the namespace).
        List<String> command = new ArrayList<>(List.of("timeout", "--signal=KILL",
                (long) Math.ceil(config.wallSeconds()) + WATCHDOG_GRACE_SECONDS + "s"));
        if (isolation.namespaces()) {
            command.add("unshare");
            if (isolation == Isolation.NAMESPACES) {
                command.addAll(List.of("--user", "--map-root-user"));
            }
            if (!config.network()) {
                command.add("--net");
            }
            // --kill-child: when unshare is killed, the namespace's init dies and takes every process in it along.
            command.addAll(List.of("--mount", "--pid", "--fork", "--kill-child", "--mount-proc", "--"));
        }
        command.addAll(List.of("sh", "-c", script(run, steps, uid)));
        return command;
    }

    private String script(Path run, List<Step> steps, Integer uid) {
        StringBuilder script = new StringBuilder("set -e\nexec 3>" + STATUS_FILE + "\n");
        String scratch;
        if (isolation.namespaces()) {
            script.append("mount -t tmpfs -o size=").append(config.diskMb())
                    .append("m,mode=1777,nosuid,nodev tmpfs /tmp\n");
            for (String shared : SHARED_TEMP_DIRECTORIES) {
                script.append("if [ -d ").append(shared).append(" ]; then mount --bind /tmp ").append(shared)
                        .append("; fi\n");
            }
            script.append("mkdir -m 700 ").append(SCRATCH).append("\ncp -R work/. ").append(SCRATCH).append("/\n");
            scratch = SCRATCH;
        } else {
            scratch = run.resolve("work").toString();
        }
        if (uid != null) {
            script.append("chown -R ").append(uid).append(':').append(uid).append(' ').append(quote(scratch))
                    .append('\n');
        }
        script.append("cd ").append(quote(scratch)).append("\nset +e\n");
        for (Step step : steps) {
            script.append(stepCommand(step, scratch, uid).stream().map(RunScript::quote)
                            .collect(Collectors.joining(" ")))
                    .append(step.name().equals("compile") ? " </dev/null" : "")
                    .append(" 3>&-\nstatus=$?\necho \"").append(step.name()).append(" $status\" >&3\n")
                    .append("if [ $status -ne 0 ]; then exit $status; fi\n");
        }
        return script.append("exit 0\n").toString();
    }

    private List<String> stepCommand(Step step, String scratch, Integer uid) {
        List<String> command = new ArrayList<>();
        if (uid != null) {
            command.addAll(List.of("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "--no-new-privs",
                    "--inh-caps=-all", "--bounding-set=-all", "--"));
        } else if (isolation == Isolation.NAMESPACES) {
            // Read-only in a mount namespace of the step's own: the run's namespace still has fd 3 open for writing,
            // and the kernel refuses to make a mount read-only while it has writers.
            command.addAll(List.of("unshare", "--mount", "--", "sh", "-c", readOnlyMounts() + "exec \"$@\"", "step"));
        }
        long megabyte = 1024L * 1024;
        // SIGXCPU at the soft limit names the cause; the hard limit, a second later, is SIGKILL if it is caught.
        command.addAll(List.of("prlimit", "--cpu=" + config.cpuSeconds() + ":" + (config.cpuSeconds() + 1),
                "--as=" + step.addressSpaceMb() * megabyte, "--nproc=" + step.processes(),
                "--fsize=" + config.diskMb() * megabyte, "--core=0", "--"));
        command.addAll(List.of("env", "-i", "PATH=" + Sandbox.PATH, "LANG=C.UTF-8", "HOME=" + scratch,
                "TMPDIR=" + scratch));
        command.addAll(step.command());
        return command;
    }

    /**
     * Remounts every mount but the private temporary ones read-only: per mount ({@code bind}), never the file system
     * itself, and inside a user namespace, where the kernel would refuse anything more.
     */
    private static String readOnlyMounts() {
        String privateTemp = Stream.concat(Stream.of("/tmp"), SHARED_TEMP_DIRECTORIES.stream())
                .collect(Collectors.joining("|"));
        return "cut -d ' ' -f 5 /proc/self/mountinfo | while read -r m; do case \"$m\" in " + privateTemp
                + ") ;; *) mount -o remount,bind,ro \"$m\" 2>/dev/null || true ;; esac; done; ";
    }

    private static String quote(String word) {
        return word.matches("[\\w@%+=:,./-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }
}

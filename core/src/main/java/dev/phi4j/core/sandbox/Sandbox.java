package dev.phi4j.core.sandbox;

import dev.phi4j.core.sandbox.ExecutionResult.Outcome;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs generated programs (a HumanEval completion with its tests, a Java solution) under limits, so that a synthetic
 * data stage can keep code that passes and drop the rest with the reason. One call, {@link #run(Program)}, one fresh
 * directory, one process tree, all of it gone when the call returns. Thread-safe: Spark tasks share one instance.
 *
 * <p>Each run is a shell script ({@link RunScript}) started with a cleared environment in a fresh directory of its
 * own under {@code java.io.tmpdir}. Where the machine allows ({@link Isolation}), {@code unshare} gives it network,
 * mount and PID namespaces: the network has only a downed loopback, /tmp is a size-limited tmpfs the program's files
 * are copied into, and when the namespace's init dies the kernel kills every process left in it, daemons included.
 * As root the program runs as a user id of its own ({@code setpriv}); without root, inside a user namespace with
 * every mount remounted read-only. Every step gets {@code prlimit} limits (CPU seconds, address space, processes,
 * file size, no core dumps) and an environment of exactly PATH, LANG, HOME and TMPDIR. The wall-clock limit and the
 * output cap are enforced here, by killing the whole process tree; a {@code timeout} watchdog kills the run a few
 * seconds later should this JVM die first.
 */
public final class Sandbox {

    /** The only PATH the sandboxed program and the launcher see. */
    static final String PATH = "/usr/bin:/bin";

    /**
     * HotSpot flags that keep a JVM within a small address space and process limit: one compiler thread, serial GC,
     * small code cache and metaspace. With them java and javac start 13 threads and reserve about 360 MiB besides
     * the heap (measured on JDK 17), hence the allowances.
     */
    private static final List<String> JVM_FLAGS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-XX:CICompilerCount=1", "-XX:ReservedCodeCacheSize=16m", "-XX:CompressedClassSpaceSize=32m",
            "-XX:MaxMetaspaceSize=64m", "-XX:-UsePerfData");
    private static final int JVM_THREAD_ALLOWANCE = 32;
    private static final long JVM_RESERVED_MB = 512;

    private static final int SIGXCPU = 24;
    private static final int SIGXFSZ = 25;
    private static final int LAST_SIGNAL = 64;

    private static final Pattern PROCESS_LIMIT_ERROR = Pattern.compile(
            "^(BlockingIOError: \\[Errno 11]|RuntimeError: can't start new thread"
                    + "|.*java\\.lang\\.OutOfMemoryError: unable to create native thread)", Pattern.MULTILINE);
    private static final Pattern MEMORY_LIMIT_ERROR = Pattern.compile(
            "^(MemoryError\\b|(Exception in thread \"[^\"]*\" )?java\\.lang\\.OutOfMemoryError"
                    + "|Could not reserve enough space|Could not allocate compressed class space"
                    + "|There is insufficient memory for the Java Runtime)", Pattern.MULTILINE);
    private static final Pattern DISK_LIMIT_ERROR = Pattern.compile("^\\w+: \\[Errno (27|28)]", Pattern.MULTILINE);
    /** A parse error of the script itself has no traceback above it; one raised by exec() or compile() has. */
    private static final Pattern PYTHON_SYNTAX_ERROR = Pattern.compile(
            "^(SyntaxError|IndentationError|TabError)\\b[^\n]*\\s*\\z", Pattern.MULTILINE);
    private static final String PYTHON_TRACEBACK = "Traceback (most recent call last):";

    private static final Pattern JAVA_COMMENT = Pattern.compile("//[^\n]*|/\\*.*?\\*/", Pattern.DOTALL);
    private static final Pattern JAVA_PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern JAVA_PUBLIC_TYPE = Pattern.compile(
            "\\bpublic\\s+(?:(?:final|abstract|static|strictfp|sealed|non-sealed)\\s+)*(?:class|record|enum|interface)"
                    + "\\s+(\\w+)");

    private static final long STREAM_END_MILLIS = 15_000;

    private static final ExecutorService OUTPUT_READERS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "sandbox-output");
        thread.setDaemon(true);
        return thread;
    });
    private static final Path RUNS = Path.of(System.getProperty("java.io.tmpdir"));
    private static final UidPool USER_IDS = new UidPool(RUNS.resolve("phi4j-sandbox-uids"));

    private final SandboxConfig config;
    private final Isolation isolation;

    /** A sandbox with the strongest isolation this machine allows (found on first use, once per JVM). */
    public Sandbox(SandboxConfig config) {
        this(config, StrongestIsolation.LEVEL);
    }

    /** A sandbox at a given level, for tests of the weaker ones on a machine that allows more. */
    Sandbox(SandboxConfig config, Isolation isolation) {
        this.config = config;
        this.isolation = isolation;
    }

    public Isolation isolation() {
        return isolation;
    }

    /** Whether programs run without network access; false when configured so or when namespaces are unavailable. */
    public boolean networkIsolated() {
        return !config.network() && isolation.namespaces();
    }

    /**
     * Runs {@code program} to its end or to the first limit. Never throws for anything the program does; a failure of
     * the sandbox itself is {@link Outcome#SANDBOX_ERROR}. Throws {@link CancellationException} when the calling
     * thread is interrupted (a cancelled Spark task), after killing the program.
     */
    public ExecutionResult run(Program program) {
        long start = System.nanoTime();
        Path run = null;
        try {
            run = createRunDirectory();
            Path work = run.resolve("work");
            List<RunScript.Step> steps = switch (program.language()) {
                case PYTHON -> pythonSteps(program.source(), work);
                case JAVA -> javaSteps(program.source(), work);
            };
            if (!program.stdin().isEmpty()) {
                Files.writeString(run.resolve("stdin"), program.stdin(), StandardCharsets.UTF_8);
            }
            return execute(run, steps, start);
        } catch (SetupFailure failure) {
            return result(failure.outcome, -1, "", failure.getMessage(), start);
        } catch (IOException e) {
            return result(Outcome.SANDBOX_ERROR, -1, "", "sandbox: " + e, start);
        } finally {
            deleteTree(run);
        }
    }

    /** A fresh directory for one run: {@code work} (the program's files) and, beside it, stdin and step statuses. */
    private Path createRunDirectory() throws IOException {
        // Without namespaces a program of its own user must pass through to its directory (but not list it).
        String access = isolation.ownUser() && !isolation.namespaces() ? "rwx--x--x" : "rwx------";
        Path run = Files.createTempDirectory(RUNS, "phi4j-sandbox-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(access)));
        Files.createDirectory(run.resolve("work"));
        return run;
    }

    /** A program that cannot be run at all, found before anything starts. */
    private static final class SetupFailure extends Exception {
        final Outcome outcome;

        SetupFailure(Outcome outcome, String message) {
            super(message);
            this.outcome = outcome;
        }
    }

    private List<RunScript.Step> pythonSteps(String source, Path work) throws IOException, SetupFailure {
        Path interpreter = Path.of(config.python());
        Optional<Path> python = interpreter.isAbsolute()
                ? Optional.of(interpreter).filter(Files::isExecutable)
                : Stream.of(PATH.split(":")).map(dir -> Path.of(dir, config.python())).filter(Files::isExecutable)
                .findFirst();
        if (python.isEmpty()) {
            throw new SetupFailure(Outcome.SANDBOX_ERROR, "sandbox: python '" + config.python() + "' is not an "
                    + "executable " + (interpreter.isAbsolute() ? "file" : "on PATH=" + PATH)
                    + "; set sandbox.python to an interpreter the program may run");
        }
        Files.writeString(work.resolve("main.py"), source, StandardCharsets.UTF_8);
        // -I: no PYTHON* variables, no user site directory, the script's directory not on sys.path. Not -S: it would
        // also drop exit() and quit(), which generated code calls.
        return List.of(new RunScript.Step("run", List.of(python.get().toString(), "-I", "main.py"), config.maxProcesses(),
                config.memoryMb()));
    }

    private List<RunScript.Step> javaSteps(String source, Path work) throws IOException, SetupFailure {
        Path javac = config.jdk().resolve("bin/javac");
        Path java = config.jdk().resolve("bin/java");
        if (!Files.isExecutable(javac) || !Files.isExecutable(java)) {
            throw new SetupFailure(Outcome.SANDBOX_ERROR, "sandbox: no bin/javac and bin/java under " + config.jdk()
                    + "; set sandbox.java_home to a JDK (not a JRE)");
        }
        String code = JAVA_COMMENT.matcher(source).replaceAll(" ");
        Matcher type = JAVA_PUBLIC_TYPE.matcher(code);
        if (!type.find()) {
            throw new SetupFailure(Outcome.COMPILE_ERROR, "sandbox: no public class in the source, so no file name "
                    + "for it and no class to run");
        }
        String className = type.group(1);
        Matcher pkg = JAVA_PACKAGE.matcher(code);
        String mainClass = pkg.find() ? pkg.group(1) + "." + className : className;
        Files.writeString(work.resolve(className + ".java"), source, StandardCharsets.UTF_8);

        String heap = "-Xmx" + config.memoryMb() + "m";
        List<String> compile = new ArrayList<>(List.of(javac.toString(), "-J" + heap));
        JVM_FLAGS.forEach(flag -> compile.add("-J" + flag));
        compile.addAll(List.of("-encoding", "UTF-8", "-proc:none", "-d", ".", className + ".java"));
        List<String> launch = new ArrayList<>(List.of(java.toString(), heap));
        launch.addAll(JVM_FLAGS);
        launch.addAll(List.of("-cp", ".", mainClass));
        int processes = config.maxProcesses() + JVM_THREAD_ALLOWANCE;
        long addressSpace = config.memoryMb() + JVM_RESERVED_MB;
        return List.of(new RunScript.Step("compile", compile, processes, addressSpace),
                new RunScript.Step("run", launch, processes, addressSpace));
    }

    private ExecutionResult execute(Path run, List<RunScript.Step> steps, long start) throws IOException {
        // Without a PID namespace to reap them, zombies of an earlier run may still hold part of a user's budget.
        try (UidPool.Lease user = !isolation.ownUser() ? null
                : USER_IDS.lease(uid -> isolation.namespaces() || ProcessTable.processesOf(uid, true).isEmpty())) {
            List<String> command = new RunScript(config, isolation).command(run, steps, user == null ? null : user.uid);
            ProcessBuilder builder = new ProcessBuilder(command).directory(run.toFile());
            // From scratch: nothing of the JVM's environment (API keys, credentials) reaches the launcher or program.
            builder.environment().clear();
            builder.environment().put("PATH", PATH);
            builder.environment().put("LANG", "C.UTF-8");
            Path stdin = run.resolve("stdin");
            builder.redirectInput(Files.exists(stdin) ? stdin.toFile() : new File("/dev/null"));

            Process process = builder.start();
            StreamCapture stdout = new StreamCapture(process.getInputStream(), config.maxOutputBytes(),
                    StreamCapture.Keep.HEAD, () -> ProcessTable.killTree(process));
            StreamCapture stderr = new StreamCapture(process.getErrorStream(), config.maxOutputBytes(),
                    StreamCapture.Keep.TAIL, () -> {});
            OUTPUT_READERS.execute(stdout);
            OUTPUT_READERS.execute(stderr);
            try {
                long wallNanos = (long) (config.wallSeconds() * 1e9);
                boolean timedOut = !process.waitFor(wallNanos - (System.nanoTime() - start), TimeUnit.NANOSECONDS);
                ProcessTable.killTree(process);
                if (user != null && !isolation.namespaces()) {
                    ProcessTable.killUser(user.uid);
                }
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    return result(Outcome.SANDBOX_ERROR, -1, stdout.text(), "sandbox: the process survived SIGKILL",
                            start);
                }
                // Under namespaces the streams end with the namespace; without, a daemonised child may hold them
                // until killUser above. With a 2 s wait, eight concurrent runs of 72 processes on two cores once
                // returned a run as passed with its output missing; waiting on a pipe that has ended costs nothing.
                stdout.awaitEnd(STREAM_END_MILLIS);
                stderr.awaitEnd(STREAM_END_MILLIS);
                Map<String, Integer> statuses = stepStatuses(run.resolve(RunScript.STATUS_FILE));
                String lastStep = steps.get(steps.size() - 1).name();
                String endedIn = steps.stream().map(RunScript.Step::name)
                        .filter(name -> !statuses.containsKey(name) || statuses.get(name) != 0)
                        .findFirst().orElse(lastStep);
                int exit = statuses.getOrDefault(endedIn, process.exitValue());
                Outcome outcome = classify(timedOut, stdout.overflowed(), endedIn, statuses.containsKey(endedIn),
                        exit, stderr.text());
                return result(outcome, exit, stdout.text(), stderr.text(), start);
            } catch (InterruptedException e) {
                ProcessTable.killTree(process);
                if (user != null) {
                    ProcessTable.killUser(user.uid);
                }
                Thread.currentThread().interrupt();
                throw new CancellationException("sandbox run interrupted; its processes were killed");
            }
        }
    }

    private static Map<String, Integer> stepStatuses(Path file) throws IOException {
        Map<String, Integer> statuses = new HashMap<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                String[] parts = line.trim().split(" ");
                if (parts.length == 2 && parts[1].matches("\\d+")) {
                    statuses.put(parts[0], Integer.parseInt(parts[1]));
                }
            }
        }
        return statuses;
    }

    /**
     * The outcome from what we did (killed it for time or output) and from how the process ended: 128 + n is signal
     * n (the shell's convention), otherwise the exit status, with the error on stderr naming a limit where one was hit.
     */
    private static Outcome classify(boolean timedOut, boolean outputOverflowed, String endedIn, boolean stepEnded,
                                    int exit, String stderr) {
        if (outputOverflowed) {
            return Outcome.OUTPUT_LIMIT;
        }
        if (timedOut) {
            return Outcome.TIMED_OUT;
        }
        if (!stepEnded) {
            return Outcome.SANDBOX_ERROR;
        }
        if (exit == 0) {
            return Outcome.PASSED;
        }
        int signal = exit > 128 && exit <= 128 + LAST_SIGNAL ? exit - 128 : 0;
        if (signal == SIGXCPU) {
            return Outcome.CPU_LIMIT;
        }
        if (signal == SIGXFSZ || DISK_LIMIT_ERROR.matcher(stderr).find()) {
            return Outcome.DISK_LIMIT;
        }
        if (PROCESS_LIMIT_ERROR.matcher(stderr).find()) {
            return Outcome.PROCESS_LIMIT;
        }
        if (MEMORY_LIMIT_ERROR.matcher(stderr).find()) {
            return Outcome.MEMORY_LIMIT;
        }
        if (signal != 0) {
            return Outcome.KILLED;
        }
        if (endedIn.equals("compile")
                || (!stderr.contains(PYTHON_TRACEBACK) && PYTHON_SYNTAX_ERROR.matcher(stderr).find())) {
            return Outcome.COMPILE_ERROR;
        }
        return Outcome.FAILED;
    }

    private ExecutionResult result(Outcome outcome, int exit, String stdout, String stderr, long start) {
        return new ExecutionResult(outcome, exit, stdout, stderr, (System.nanoTime() - start) / 1e9,
                networkIsolated(), isolation);
    }

    private static void deleteTree(Path root) {
        if (root == null) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFileFailed(Path file, IOException failure) throws IOException {
                    // Without namespaces the program may have left a directory it made unreadable; it is ours.
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
                    deleteTree(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the sandbox directory " + root, e);
        }
    }

    /** The strongest level that runs a trivial step on this machine, tried once per JVM. */
    private static final class StrongestIsolation {
        static final Isolation LEVEL = probe();

        private static Isolation probe() {
            SandboxConfig probe = new SandboxConfig(5, 10, 64, 16, 4096, 1, "python3", "", false);
            for (Isolation level : List.of(Isolation.NAMESPACES_AND_USER, Isolation.NAMESPACES, Isolation.USER)) {
                Sandbox sandbox = new Sandbox(probe, level);
                long start = System.nanoTime();
                Path run = null;
                try {
                    run = sandbox.createRunDirectory();
                    RunScript.Step trivial = new RunScript.Step("run", List.of("/bin/true"), 16, 64);
                    if (sandbox.execute(run, List.of(trivial), start).passed()) {
                        return level;
                    }
                } catch (IOException unavailable) {
                    // unshare or setpriv missing or refused: try the next level
                } finally {
                    deleteTree(run);
                }
            }
            return Isolation.LIMITS_ONLY;
        }
    }
}

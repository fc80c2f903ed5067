package dev.phi4j.core.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.phi4j.core.SharedData;
import dev.phi4j.core.config.RecordBinder;
import dev.phi4j.core.config.YamlTreeReader;
import dev.phi4j.core.sandbox.ExecutionResult.Outcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Adversarial programs, each of which must end with its own reason while this JVM and the machine go on: nothing
 * written outside the program's directory, no process left behind, no secret or network reachable.
 */
class SandboxTest {

    private static final Set<String> ALLOWED_VARIABLES = Set.of("PATH", "LANG", "HOME", "TMPDIR");

    private static Sandbox sandbox;
    private Set<Long> processesBefore;

    @BeforeAll
    static void createSandbox() {
        sandbox = new Sandbox(limits(2, 4));
    }

    /** Small limits so each adversarial case ends within seconds. */
    private static SandboxConfig limits(int cpuSeconds, double wallSeconds) {
        return new SandboxConfig(cpuSeconds, wallSeconds, 256, 16, 4096, 16, "python3", "", false);
    }

    private static ExecutionResult python(String source) {
        return sandbox.run(Program.python(source));
    }

    @BeforeEach
    void rememberProcesses() {
        processesBefore = descendantsOfThisJvm();
    }

    @AfterEach
    void noProcessOutlivesItsRun() throws IOException {
        Set<Long> left = descendantsOfThisJvm();
        left.removeAll(processesBefore);
        assertEquals(Set.of(), left, "processes the run left under this JVM");
        assertEquals(List.of(), sandboxUserProcesses(), "processes of sandbox user ids left on the machine");
    }

    private static Set<Long> descendantsOfThisJvm() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).map(ProcessHandle::pid)
                .collect(Collectors.toCollection(HashSet::new));
    }

    /**
     * Every living process on the machine running as one of the sandbox's user ids, daemonised or not. Zombies are
     * left out: they are dead, and without a PID namespace the machine's init reaps them when it gets to it.
     */
    private static List<String> sandboxUserProcesses() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (Path process : entries.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    List<String> status = Files.readAllLines(process.resolve("status"));
                    boolean zombie = status.stream().anyMatch(line -> line.startsWith("State:") && line.contains("Z"));
                    for (String line : status) {
                        if (line.startsWith("Uid:") && !zombie) {
                            long uid = Long.parseLong(line.split("\\s+")[1]);
                            if (uid >= UidPool.FIRST_UID && uid < UidPool.FIRST_UID + UidPool.SIZE) {
                                found.add(process.getFileName() + " uid " + uid);
                            }
                        }
                    }
                } catch (IOException exitedMeanwhile) {
                    // gone between the listing and the read
                }
            }
        }
        return found;
    }

    @Test
    void passingProgramPassesWithItsOutputAndStdin() {
        ExecutionResult result = sandbox.run(Program.python("import sys\nprint('hello', sys.stdin.read().upper())")
                .withStdin("from stdin"));

        assertEquals(Outcome.PASSED, result.outcome(), result.stderr());
        assertEquals("passed", result.reason());
        assertEquals(0, result.exitCode());
        assertEquals("hello FROM STDIN\n", result.stdout());
        assertEquals("''\n", python("import sys\nprint(repr(sys.stdin.read()))").stdout(), "no stdin: empty");
    }

    @Test
    void failingAssertionIsTestFailedWithTheTracebackKept() {
        ExecutionResult result = python("def add(a, b):\n    return a - b\n\nassert add(1, 2) == 3, 'add is wrong'\n");

        assertEquals(Outcome.FAILED, result.outcome());
        assertEquals("test_failed", result.reason());
        assertEquals(1, result.exitCode());
        assertTrue(result.stderr().contains("AssertionError: add is wrong"), result.stderr());
    }

    @Test
    void syntaxErrorIsACompileErrorButOneRaisedWhileRunningIsAFailure() {
        ExecutionResult unparsable = python("def f(:\n    pass\n");
        ExecutionResult raisedAtRunTime = python("exec('def (')\n");

        assertEquals(Outcome.COMPILE_ERROR, unparsable.outcome(), unparsable.stderr());
        assertEquals("compile_error", unparsable.reason());
        assertTrue(unparsable.stderr().contains("SyntaxError"), unparsable.stderr());
        assertEquals(Outcome.FAILED, raisedAtRunTime.outcome(), raisedAtRunTime.stderr());
    }

    @Test
    void sleepingForeverIsKilledAtTheWallClockLimit() {
        ExecutionResult result = new Sandbox(limits(2, 1.5)).run(Program.python(
                "import time\nprint('started', flush=True)\nwhile True:\n    time.sleep(1)\n"));

        assertEquals(Outcome.TIMED_OUT, result.outcome(), result.stderr());
        assertEquals("timeout", result.reason());
        assertEquals("started\n", result.stdout(), "output before the kill is kept");
        assertTrue(result.seconds() >= 1.5 && result.seconds() < 10, "seconds " + result.seconds());
    }

    @Test
    void busyLoopTripsTheCpuLimitBeforeTheWallClock() {
        ExecutionResult result = new Sandbox(limits(1, 8)).run(Program.python("while True:\n    pass\n"));

        assertEquals(Outcome.CPU_LIMIT, result.outcome(), result.stderr());
        assertEquals("cpu_limit", result.reason());
        assertEquals(128 + 24, result.exitCode(), "SIGXCPU");
        assertTrue(result.seconds() < 8, "seconds " + result.seconds());
    }

    @Test
    void forkBombIsContainedByTheProcessLimitAndLeavesNothingBehind() {
        assumeTrue(sandbox.isolation() != Isolation.LIMITS_ONLY || !"root".equals(System.getProperty("user.name")),
                "as root without namespaces or setpriv the process limit does not apply: no fork bomb on this machine");
        ExecutionResult plain = python("import os\nwhile True:\n    os.fork()\n");
        ExecutionResult stubborn = new Sandbox(limits(2, 2)).run(Program.python(
                "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"));
        ExecutionResult afterwards = python("print('still fine')");

        assertEquals(Outcome.PROCESS_LIMIT, plain.outcome(), plain.stderr());
        assertEquals("process_limit", plain.reason());
        assertTrue(plain.stderr().contains("BlockingIOError"), plain.stderr());
        assertTrue(Set.of(Outcome.TIMED_OUT, Outcome.CPU_LIMIT).contains(stubborn.outcome()),
                stubborn.outcome() + " " + stubborn.stderr());
        assertEquals(Outcome.PASSED, afterwards.outcome(), afterwards.stderr());
    }

    @Test
    void endlessOutputIsCutAtTheCapAndTheProgramKilled() {
        ExecutionResult result = python("while True:\n    print('x' * 100)\n");

        assertEquals(Outcome.OUTPUT_LIMIT, result.outcome(), result.stderr());
        assertEquals("output_limit", result.reason());
        assertEquals(4096, result.stdout().getBytes(StandardCharsets.UTF_8).length, "the head, up to the cap");
        assertTrue(result.stdout().startsWith("x".repeat(100) + "\n"));
        assertTrue(result.seconds() < 4, "killed at the cap, not at the wall clock: " + result.seconds());
    }

    @Test
    void longStandardErrorKeepsItsTailAndDoesNotEndTheRun() {
        ExecutionResult result = python("import sys\nfor i in range(2000):\n    print('warning', i, file=sys.stderr)\n"
                + "raise ValueError('the real error')\n");

        assertEquals(Outcome.FAILED, result.outcome());
        assertTrue(result.stderr().getBytes(StandardCharsets.UTF_8).length <= 4096);
        assertTrue(result.stderr().strip().endsWith("ValueError: the real error"), result.stderr());
    }

    @Test
    void allocatingFourGigabytesHitsTheMemoryLimit() {
        ExecutionResult atOnce = python("block = bytearray(4 * 1024 ** 3)\n");
        ExecutionResult bitByBit = python("blocks = []\nwhile True:\n    blocks.append(bytearray(64 * 1024 ** 2))\n");

        assertEquals(Outcome.MEMORY_LIMIT, atOnce.outcome(), atOnce.stderr());
        assertEquals("memory_limit", atOnce.reason());
        assertEquals(Outcome.MEMORY_LIMIT, bitByBit.outcome(), bitByBit.stderr());
    }

    @Test
    void writingAFileLargerThanTheDiskLimitIsStopped() {
        ExecutionResult result = python("with open('big.bin', 'wb') as f:\n    for _ in range(64):\n"
                + "        f.write(bytes(1024 * 1024))\n");

        assertEquals(Outcome.DISK_LIMIT, result.outcome(), result.exitCode() + " " + result.stderr());
        assertEquals("disk_limit", result.reason());
    }

    @Test
    void writingOutsideItsDirectoryFailsAndLeavesTheTargetsUntouched(@TempDir Path testTemp) throws IOException {
        assumeTrue(sandbox.isolation() != Isolation.LIMITS_ONLY,
                "without namespaces the program runs as this JVM's user and can write what it can");
        assertWritesOutsideAreRefused(sandbox, testTemp);
    }

    @Test
    void withoutRootTheReadOnlyMountsStillProtectFiles(@TempDir Path testTemp) throws IOException {
        Sandbox userNamespace = new Sandbox(limits(2, 4), Isolation.NAMESPACES);
        ExecutionResult probe = userNamespace.run(Program.python("print('ok')"));
        assumeTrue(probe.passed(), "user namespaces are unavailable here: " + probe.stderr());
        // As root the user namespace maps the program to root outside, so only the read-only mounts stop it.
        assertWritesOutsideAreRefused(userNamespace, testTemp);
    }

    /**
     * A victim file in this test's temporary directory (under /tmp) and one in the build directory (on the root file
     * system); the program tries to overwrite, delete and create next to each.
     */
    private static void assertWritesOutsideAreRefused(Sandbox sandbox, Path testTemp) throws IOException {
        Path inTemp = Files.writeString(testTemp.resolve("victim.txt"), "original");
        Path inBuild = Files.writeString(Files.createTempFile(Path.of("target").toAbsolutePath(), "sandbox-victim-",
                ".txt"), "original");
        try {
            FileTime before = Files.getLastModifiedTime(inBuild);
            String attempts = Stream.of(inTemp, inBuild).map(victim -> """
                    for action in (lambda: open(%1$s, 'w').write('clobbered'), lambda: os.remove(%1$s),
                                   lambda: open(%1$s + '.new', 'w').write('planted')):
                        try:
                            action()
                            print('DONE', %1$s)
                        except OSError as e:
                            print('refused', e)
                    """.formatted("'" + victim + "'")).collect(Collectors.joining());
            ExecutionResult result = sandbox.run(Program.python("import os\n" + attempts));

            assertEquals(Outcome.PASSED, result.outcome(), result.stderr());
            assertFalse(result.stdout().contains("DONE"), result.stdout());
            for (Path victim : List.of(inTemp, inBuild)) {
                assertEquals("original", Files.readString(victim), victim.toString());
                assertFalse(Files.exists(Path.of(victim + ".new")), victim + ".new");
            }
            assertEquals(before, Files.getLastModifiedTime(inBuild));
        } finally {
            Files.deleteIfExists(inBuild);
        }
    }

    @Test
    void connectingToAServerOnLoopbackFailsWithoutNetwork() throws Exception {
        assumeTrue(sandbox.networkIsolated(), "this machine allows no network namespace (unshare --net failed), so "
                + "the sandbox reports network_isolated=false and cannot keep programs off the network");
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            String connect = "import socket\nsocket.create_connection(('127.0.0.1', %d), timeout=2).sendall(b'hi')\n"
                    .formatted(server.getLocalPort());
            ExecutionResult isolated = python(connect);
            ExecutionResult allowed = new Sandbox(new SandboxConfig(2, 4, 256, 16, 4096, 16, "python3", "", true))
                    .run(Program.python(connect));

            assertEquals(Outcome.FAILED, isolated.outcome(), isolated.stderr());
            assertTrue(isolated.networkIsolated());
            assertTrue(isolated.stderr().contains("Network is unreachable"), isolated.stderr());
            // The control: with network allowed the same program reaches the server, so the test can fail.
            assertEquals(Outcome.PASSED, allowed.outcome(), allowed.stderr());
            assertFalse(allowed.networkIsolated());
            server.setSoTimeout(2000);
            try (Socket accepted = server.accept()) {
                assertEquals("hi", new String(accepted.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
            server.setSoTimeout(200);
            assertThrows(SocketTimeoutException.class, server::accept, "only the allowed run connected");
        }
    }

    @Test
    void theProgramSeesOnlyItsFourVariablesAndNoneOfThisJvms() throws IOException {
        Map<String, String> parent = System.getenv();
        List<String> parentOnly = parent.entrySet().stream()
                .filter(e -> !ALLOWED_VARIABLES.contains(e.getKey()) && e.getValue().length() >= 4)
                .map(e -> e.getKey() + "=" + e.getValue()).toList();
        assumeTrue(!parentOnly.isEmpty(), "this JVM has no variable of its own to look for");

        Sandbox roomy = new Sandbox(new SandboxConfig(2, 4, 256, 16, 1 << 20, 16, "python3", "", false));
        ExecutionResult result = roomy.run(Program.python("""
                import glob, json, os
                readable = []
                for path in glob.glob('/proc/*/environ'):
                    try:
                        readable.append(open(path, 'rb').read().decode('utf-8', 'replace'))
                    except OSError:
                        pass
                print(json.dumps({'env': dict(os.environ), 'cwd': os.getcwd(), 'proc': readable}))
                """));

        assertEquals(Outcome.PASSED, result.outcome(), result.stderr());
        JsonNode seen = new ObjectMapper().readTree(result.stdout());
        Set<String> names = new HashSet<>();
        seen.get("env").fieldNames().forEachRemaining(names::add);
        assertEquals(ALLOWED_VARIABLES, names);
        assertEquals(Sandbox.PATH, seen.get("env").get("PATH").asText());
        assertEquals(seen.get("cwd").asText(), seen.get("env").get("HOME").asText());
        assertEquals(seen.get("cwd").asText(), seen.get("env").get("TMPDIR").asText());
        if (sandbox.isolation() != Isolation.LIMITS_ONLY) {
            // Without namespaces the program is this JVM's user and can read /proc/<jvm>/environ: documented.
            String everything = result.stdout();
            for (String secret : parentOnly) {
                assertFalse(everything.contains(secret), "the program saw " + secret.split("=")[0]);
            }
        }
    }

    @Test
    void javaProgramCompilesAndRuns() {
        ExecutionResult result = sandbox.run(Program.java("""
                package demo;

                import java.util.stream.IntStream;

                /** A comment naming public class NotThisOne. */
                public final class Solution {
                    public static void main(String[] args) {
                        System.out.println(IntStream.rangeClosed(1, 6).reduce(1, (a, b) -> a * b));
                    }
                }
                """));

        assertEquals(Outcome.PASSED, result.outcome(), result.stderr());
        assertEquals("720\n", result.stdout());
    }

    @Test
    void javaThatDoesNotCompileIsACompileErrorAndAFailingOneATestFailure() {
        ExecutionResult broken = sandbox.run(Program.java("public class Broken { int x = 1 }\n"));
        ExecutionResult throwing = sandbox.run(Program.java(
                "public class Throws { public static void main(String[] a) { throw new IllegalStateException(\"no\"); } }"));

        assertEquals(Outcome.COMPILE_ERROR, broken.outcome(), broken.stderr());
        assertEquals("compile_error", broken.reason());
        assertTrue(broken.stderr().contains("';' expected"), broken.stderr());
        assertEquals(Outcome.FAILED, throwing.outcome(), throwing.stderr());
        assertTrue(throwing.stderr().contains("IllegalStateException: no"), throwing.stderr());
    }

    @Test
    void javaHeapHogHitsTheMemoryLimit() {
        ExecutionResult result = sandbox.run(Program.java(
                "public class Hog { public static void main(String[] a) { long[] b = new long[1 << 29]; "
                        + "System.out.println(b.length); } }"));

        assertEquals(Outcome.MEMORY_LIMIT, result.outcome(), result.stderr());
        assertTrue(result.stderr().contains("OutOfMemoryError"), result.stderr());
    }

    @Test
    void humanEvalCanonicalSolutionsPassAndWrongOnesFail() throws IOException {
        List<JsonNode> problems = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                Files.newInputStream(SharedData.find("datasets/humaneval/HumanEval.jsonl.gz"))), StandardCharsets.UTF_8))) {
            for (int i = 0; i < 5; i++) {
                problems.add(json.readTree(lines.readLine()));
            }
        }
        for (JsonNode problem : problems) {
            String id = problem.get("task_id").asText();
            ExecutionResult canonical = python(humanEval(problem, problem.get("canonical_solution").asText()));
            ExecutionResult wrong = python(humanEval(problem, "    return None\n"));

            assertEquals(Outcome.PASSED, canonical.outcome(), id + ": " + canonical.stderr());
            assertEquals(Outcome.FAILED, wrong.outcome(), id + ": " + wrong.stderr());
        }
    }

    /** The program HumanEval's harness runs: prompt, completion, the test's check(), and the call to it. */
    private static String humanEval(JsonNode problem, String completion) {
        return problem.get("prompt").asText() + completion + "\n" + problem.get("test").asText() + "\n"
                + "check(" + problem.get("entry_point").asText() + ")\n";
    }

    @Test
    void concurrentRunsEachGetTheirOwnProcessBudget() throws Exception {
        // 8 runs with 8 children each: 72 processes, far over one run's limit of 16 if the runs shared it.
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<ExecutionResult>> runs = IntStream.range(0, 8).mapToObj(id -> pool.submit(() -> python("""
                    import os, time
                    children = []
                    for _ in range(8):
                        pid = os.fork()
                        if pid == 0:
                            time.sleep(0.5)
                            os._exit(0)
                        children.append(pid)
                    for pid in children:
                        os.waitpid(pid, 0)
                    print(%d)
                    """.formatted(id)))).toList();
            for (int id = 0; id < runs.size(); id++) {
                ExecutionResult result = runs.get(id).get();
                assertEquals(Outcome.PASSED, result.outcome(), result.stderr());
                assertEquals(id + "\n", result.stdout());
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void withOnlyAUserIdOfItsOwnForksDaemonsAndWritesAreStillContained(@TempDir Path testTemp) throws IOException {
        Sandbox userOnly = new Sandbox(limits(2, 2), Isolation.USER);
        ExecutionResult probe = userOnly.run(Program.python("print('ok')"));
        assumeTrue(probe.passed(), "setpriv to a user of its own is unavailable here: " + probe.stderr());

        ExecutionResult forkBomb = userOnly.run(Program.python("import os\nwhile True:\n    os.fork()\n"));
        ExecutionResult daemon = userOnly.run(Program.python(
                "import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n        time.sleep(60)\n"));

        assertEquals(Outcome.PROCESS_LIMIT, forkBomb.outcome(), forkBomb.stderr());
        assertEquals(Outcome.PASSED, daemon.outcome(), daemon.stderr());
        assertFalse(daemon.networkIsolated());
        assertWritesOutsideAreRefused(userOnly, testTemp);
    }

    @Test
    void withLimitsOnlyATimeoutIsStillContainedAndNoIsolationIsClaimed() {
        Sandbox limitsOnly = new Sandbox(limits(5, 1.5), Isolation.LIMITS_ONLY);

        ExecutionResult result = limitsOnly.run(Program.python(
                "import os, time\nif os.fork() == 0:\n    time.sleep(60)\nwhile True:\n    time.sleep(1)\n"));

        assertEquals(Outcome.TIMED_OUT, result.outcome(), result.stderr());
        assertFalse(result.networkIsolated());
        assertFalse(limitsOnly.networkIsolated());
        assertEquals(Isolation.LIMITS_ONLY, result.isolation());
    }

    @Test
    void configProgramAndResultSurviveJavaSerializationAsSparkShipsThem() throws Exception {
        SandboxConfig config = limits(2, 4);
        Program program = Program.python("print(1)").withStdin("input");
        ExecutionResult result = sandbox.run(program);

        assertEquals(config, roundTrip(config));
        assertEquals(program, roundTrip(program));
        assertEquals(result, roundTrip(result));
    }

    private static Object roundTrip(Serializable value) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return in.readObject();
        }
    }

    @Test
    void configBindsFromYamlWithItsDefaults() {
        SandboxConfig defaults = RecordBinder.bind(YamlTreeReader.readDocument(new StringReader("{}"), "sandbox.yaml"),
                SandboxConfig.class).value();
        SandboxConfig written = RecordBinder.bind(YamlTreeReader.readDocument(new StringReader(
                "cpu_seconds: 3\nwall_seconds: 2.5\nmax_output_bytes: 2048\njava_home: /opt/jdk\nnetwork: true\n"),
                "sandbox.yaml"), SandboxConfig.class).value();

        assertEquals(new SandboxConfig(5, 10, 512, 16, 65536, 64, "python3", "", false), defaults);
        assertEquals(Path.of(System.getProperty("java.home")), defaults.jdk());
        assertEquals(new SandboxConfig(3, 2.5, 512, 16, 2048, 64, "python3", "/opt/jdk", true), written);
    }
}

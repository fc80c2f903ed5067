package dev.phi4j.trainer.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phi4j.core.config.RecordBinder;
import dev.phi4j.core.config.YamlTreeReader;
import dev.phi4j.core.sandbox.ExecutionResult;
import dev.phi4j.core.sandbox.Program;
import dev.phi4j.core.sandbox.Sandbox;
import dev.phi4j.core.sandbox.SandboxConfig;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * HumanEval-format functional correctness: each completion is run as HumanEval's harness runs it (prompt +
 * completion + the problem's tests + {@code check(entry_point)}) in the {@link Sandbox}, and scored with the unbiased
 * {@link PassAtK} estimator. The completions come from the caller (a model, an endpoint), so nothing here generates.
 */
public final class HumanEvalTask {

    /** One problem as HumanEval's JSONL writes it; {@code location} is {@code FILE:LINE}. */
    public record Problem(String taskId, String prompt, String canonicalSolution, String test, String entryPoint,
                          String location) {

        /** The program HumanEval's harness runs for one completion. */
        public String program(String completion) {
            return prompt + completion + "\n" + test + "\n" + "check(" + entryPoint + ")\n";
        }
    }

    /** How one sample ended, coarser than the sandbox's outcome; the sandbox's reason is kept beside it. */
    public enum Verdict {
        PASSED,
        /** the program ran and a test failed or it raised */
        FAILED,
        /** out of time: the wall clock or the CPU limit, both a non-terminating program as HumanEval counts it */
        TIMED_OUT,
        /** never got to its tests or broke a limit other than time: a syntax error, memory, output, the sandbox */
        ERROR
    }

    /**
     * One completion's run: its verdict, the sandbox's reason ({@code passed}, {@code test_failed},
     * {@code timeout}, {@code compile_error}, …) and the last line of its standard error (the exception).
     */
    public record Sample(Verdict verdict, String reason, String error, double seconds) {

        public boolean passed() {
            return verdict == Verdict.PASSED;
        }
    }

    /** One problem's n samples, c of them passing. */
    public record ProblemResult(String taskId, List<Sample> samples) {

        public int n() {
            return samples.size();
        }

        public int c() {
            return (int) samples.stream().filter(Sample::passed).count();
        }

        public double passAtK(int k) {
            return PassAtK.estimate(n(), c(), k);
        }
    }

    /** Per-problem results in the order of the problems, pass@k averaged over them for each requested k. */
    public record Result(List<ProblemResult> problems, Map<Integer, Double> passAtK, double seconds) {

        /** Samples by the sandbox's reason: what a report shows beside the score. */
        public Map<String, Long> reasons() {
            Map<String, Long> counts = new TreeMap<>();
            problems.forEach(problem -> problem.samples()
                    .forEach(sample -> counts.merge(sample.reason(), 1L, Long::sum)));
            return counts;
        }
    }

    private final Sandbox sandbox;
    private final int parallelism;

    /** Runs up to {@code parallelism} programs at once; the sandbox is thread-safe and each run is its own process. */
    public HumanEvalTask(SandboxConfig limits, int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism = " + parallelism + ": run at least one program at a time");
        }
        this.sandbox = new Sandbox(limits);
        this.parallelism = parallelism;
    }

    /**
     * The sandbox's default limits with a time limit of {@code timeoutSeconds}, wall clock and CPU alike, so that a
     * busy loop and a blocked program both end as {@link Verdict#TIMED_OUT} within it.
     */
    public static SandboxConfig limits(double timeoutSeconds) {
        if (!(timeoutSeconds >= 0.1)) {
            throw new IllegalArgumentException("timeout = " + timeoutSeconds + " s: must be at least 0.1 s");
        }
        SandboxConfig defaults = RecordBinder.bind(YamlTreeReader.readDocument(new StringReader("{}"),
                "sandbox defaults"), SandboxConfig.class).value();
        return new SandboxConfig((int) Math.ceil(timeoutSeconds), timeoutSeconds, defaults.memoryMb(),
                defaults.maxProcesses(), defaults.maxOutputBytes(), defaults.diskMb(), defaults.python(),
                defaults.javaHome(), defaults.network());
    }

    /**
     * The problems of a HumanEval JSONL file, gzipped when its name ends in {@code .gz}; a line that is not JSON or
     * lacks a field is an error naming the file and line.
     */
    public static List<Problem> read(Path file) throws IOException {
        List<Problem> problems = new ArrayList<>();
        for (JsonLines.Line line : JsonLines.read(file, "HumanEval file", 0)) {
            JsonNode row = line.json();
            String where = line.where();
            problems.add(new Problem(field(row, "task_id", where), field(row, "prompt", where),
                    field(row, "canonical_solution", where), field(row, "test", where),
                    field(row, "entry_point", where), where));
        }
        return problems;
    }

    private static String field(JsonNode row, String name, String where) {
        JsonNode value = row.get(name);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException(where + ": '" + name + "' is missing or not a string");
        }
        return value.asText();
    }

    /**
     * Runs every completion of every problem that has some and scores pass@k for each of {@code ks}. The
     * completions are checked before anything runs: a task id that is no problem, or fewer than k samples for a
     * problem, is an error. Throws {@link CancellationException} when the calling thread is interrupted.
     */
    public Result evaluate(List<Problem> problems, Map<String, List<String>> completions, List<Integer> ks) {
        Map<String, Problem> byId = new LinkedHashMap<>();
        for (Problem problem : problems) {
            Problem earlier = byId.put(problem.taskId(), problem);
            if (earlier != null) {
                throw new IllegalArgumentException(problem.location() + ": task '" + problem.taskId()
                        + "' again (first at " + earlier.location() + ")");
            }
        }
        for (String taskId : completions.keySet()) {
            if (!byId.containsKey(taskId)) {
                throw new IllegalArgumentException("completions for '" + taskId + "', which is not among the "
                        + problems.size() + " problems");
            }
        }
        List<Problem> scored = byId.values().stream().filter(problem -> completions.containsKey(problem.taskId()))
                .toList();
        if (scored.isEmpty()) {
            throw new IllegalArgumentException("no completions for any of the " + problems.size() + " problems");
        }
        for (Problem problem : scored) {
            int n = completions.get(problem.taskId()).size();
            for (int k : ks) {
                if (k < 1 || k > n) {
                    throw new IllegalArgumentException(problem.taskId() + ": " + n + " completions, so no pass@"
                            + k + " (needs 1 ≤ k ≤ n)");
                }
            }
        }

        long start = System.nanoTime();
        List<ProblemResult> results = run(scored, completions);
        Map<Integer, Double> passAtK = new TreeMap<>();
        for (int k : ks) {
            passAtK.put(k, results.stream().mapToDouble(result -> result.passAtK(k)).average().orElseThrow());
        }
        return new Result(results, passAtK, (System.nanoTime() - start) / 1e9);
    }

    private List<ProblemResult> run(List<Problem> problems, Map<String, List<String>> completions) {
        ExecutorService pool = Executors.newFixedThreadPool(parallelism, task -> {
            Thread thread = new Thread(task, "humaneval");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<List<Future<Sample>>> runs = new ArrayList<>();
            for (Problem problem : problems) {
                List<Future<Sample>> samples = new ArrayList<>();
                for (String completion : completions.get(problem.taskId())) {
                    samples.add(pool.submit(() -> sample(sandbox.run(Program.python(problem.program(completion))))));
                }
                runs.add(samples);
            }
            List<ProblemResult> results = new ArrayList<>();
            for (int i = 0; i < problems.size(); i++) {
                List<Sample> samples = new ArrayList<>();
                for (Future<Sample> run : runs.get(i)) {
                    samples.add(run.get());
                }
                results.add(new ProblemResult(problems.get(i).taskId(), samples));
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("HumanEval evaluation interrupted; its running programs were killed");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure : new IllegalStateException(e.getCause());
        } finally {
            // Interrupts the runs still going: the sandbox kills their processes before it returns.
            pool.shutdownNow();
        }
    }

    private static Sample sample(ExecutionResult result) {
        Verdict verdict = switch (result.outcome()) {
            case PASSED -> Verdict.PASSED;
            case FAILED -> Verdict.FAILED;
            case TIMED_OUT, CPU_LIMIT -> Verdict.TIMED_OUT;
            case COMPILE_ERROR, MEMORY_LIMIT, PROCESS_LIMIT, OUTPUT_LIMIT, DISK_LIMIT, KILLED, SANDBOX_ERROR ->
                    Verdict.ERROR;
        };
        return new Sample(verdict, result.reason(), lastLine(result.stderr()), result.seconds());
    }

    private static String lastLine(String text) {
        String trimmed = text.stripTrailing();
        return trimmed.substring(trimmed.lastIndexOf('\n') + 1);
    }
}

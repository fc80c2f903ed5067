package dev.phi4j.trainer.eval;

import dev.phi4j.trainer.eval.HumanEvalTask.Problem;
import dev.phi4j.trainer.eval.HumanEvalTask.ProblemResult;
import dev.phi4j.trainer.eval.HumanEvalTask.Result;
import dev.phi4j.trainer.eval.HumanEvalTask.Sample;
import dev.phi4j.trainer.eval.HumanEvalTask.Verdict;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HumanEvalTaskTest {

    private static final int PARALLELISM = Runtime.getRuntime().availableProcessors();

    private static List<Problem> problems;

    @BeforeAll
    static void readHumanEval() throws IOException {
        problems = HumanEvalTask.read(SharedData.find("datasets/humaneval/HumanEval.jsonl.gz"));
    }

    @Test
    void passAtKHasThePapersValues() {
        assertEquals(0.3, PassAtK.estimate(10, 3, 1), 1e-12);
        assertEquals(0.0, PassAtK.estimate(10, 0, 5));
        assertEquals(1.0, PassAtK.estimate(10, 8, 3), "n − c < k: every draw of k holds a passing sample");
        assertEquals(1.0, PassAtK.estimate(1, 1, 1));
        assertEquals(1 - 7.0 * 6 / (10 * 9), PassAtK.estimate(10, 3, 2), 1e-12);
    }

    @Test
    void passAtKEqualsTheClosedFormWithBinomials() {
        for (int n = 1; n <= 30; n++) {
            for (int c = 0; c <= n; c++) {
                for (int k = 1; k <= n; k++) {
                    double exact = 1 - ratio(binomial(n - c, k), binomial(n, k));
                    assertEquals(exact, PassAtK.estimate(n, c, k), 1e-12, "n=" + n + " c=" + c + " k=" + k);
                }
            }
        }
        // Where C(n, k) overflows a double the product form still agrees with exact arithmetic.
        assertEquals(1 - ratio(binomial(1800, 200), binomial(2000, 200)), PassAtK.estimate(2000, 200, 200), 1e-12);
    }

    @Test
    void passAtKRejectsImpossibleCounts() {
        assertThrows(IllegalArgumentException.class, () -> PassAtK.estimate(0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> PassAtK.estimate(5, 6, 1));
        assertThrows(IllegalArgumentException.class, () -> PassAtK.estimate(5, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> PassAtK.estimate(5, 2, 0));
        assertThrows(IllegalArgumentException.class, () -> PassAtK.estimate(5, 2, 6));
    }

    @Test
    void canonicalSolutionsOfAllProblemsScorePassAtOneOfOne() {
        assertEquals(164, problems.size());
        Map<String, List<String>> canonical = new LinkedHashMap<>();
        problems.forEach(problem -> canonical.put(problem.taskId(), List.of(problem.canonicalSolution())));

        Result result = task(10).evaluate(problems, canonical, List.of(1));

        List<String> failing = new ArrayList<>();
        for (ProblemResult problem : result.problems()) {
            Sample sample = problem.samples().get(0);
            if (!sample.passed()) {
                failing.add(problem.taskId() + " " + sample.reason() + ": " + sample.error());
            }
        }
        assertEquals(List.of(), failing);
        assertEquals(1.0, result.passAtK().get(1));
        assertEquals(Map.of("passed", 164L), result.reasons());
    }

    @Test
    void solutionsThatReturnNoneScoreZero() {
        Map<String, List<String>> broken = new LinkedHashMap<>();
        problems.forEach(problem -> broken.put(problem.taskId(), List.of("    return None\n", "    return None\n")));

        Result result = task(10).evaluate(problems, broken, List.of(1, 2));

        assertEquals(Map.of(1, 0.0, 2, 0.0), result.passAtK());
        for (ProblemResult problem : result.problems()) {
            assertEquals(2, problem.n(), problem.taskId());
            assertEquals(0, problem.c(), problem.taskId());
            problem.samples().forEach(sample -> assertEquals(Verdict.FAILED, sample.verdict(),
                    problem.taskId() + " " + sample.reason() + ": " + sample.error()));
        }
    }

    @Test
    void mixedSamplesGiveTheEstimatorsValue() {
        Problem first = problems.get(0);
        List<String> samples = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            samples.add(i < 3 ? first.canonicalSolution() : "    return None\n");
        }

        Result result = task(10).evaluate(problems, Map.of(first.taskId(), samples), List.of(1, 5, 10));

        assertEquals(1, result.problems().size(), "only problems with completions are scored");
        assertEquals(3, result.problems().get(0).c());
        assertEquals(0.3, result.passAtK().get(1), 1e-12);
        assertEquals(1 - ratio(binomial(7, 5), binomial(10, 5)), result.passAtK().get(5), 1e-12);
        assertEquals(1.0, result.passAtK().get(10));
    }

    @Test
    void infiniteLoopIsReportedAsTimedOutWithinTheTimeout() {
        Problem first = problems.get(0);
        double timeout = 2;

        Result result = task(timeout).evaluate(problems,
                Map.of(first.taskId(), List.of("    while True:\n        pass\n")), List.of(1));

        Sample sample = result.problems().get(0).samples().get(0);
        assertEquals(Verdict.TIMED_OUT, sample.verdict(), sample.reason() + ": " + sample.error());
        assertTrue(sample.seconds() < timeout + 1, sample.seconds() + " s");
        assertEquals(0.0, result.passAtK().get(1));
    }

    @Test
    void syntaxErrorIsAnErrorWithItsReason() {
        Problem first = problems.get(0);

        Result result = task(10).evaluate(problems,
                Map.of(first.taskId(), List.of("    return [x for x in\n")), List.of(1));

        Sample sample = result.problems().get(0).samples().get(0);
        assertEquals(Verdict.ERROR, sample.verdict());
        assertEquals("compile_error", sample.reason());
        assertTrue(sample.error().startsWith("SyntaxError"), sample.error());
    }

    @Test
    void completionsAreCheckedBeforeAnythingRuns() {
        HumanEvalTask task = task(10);
        String id = problems.get(0).taskId();

        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> task.evaluate(problems, Map.of("HumanEval/999", List.of("    pass\n")), List.of(1)));
        IllegalArgumentException tooFew = assertThrows(IllegalArgumentException.class,
                () -> task.evaluate(problems, Map.of(id, List.of("    pass\n")), List.of(1, 10)));

        assertTrue(unknown.getMessage().contains("HumanEval/999"), unknown.getMessage());
        assertTrue(tooFew.getMessage().contains(id) && tooFew.getMessage().contains("pass@10"), tooFew.getMessage());
    }

    @Test
    void aMalformedLineIsNamedByFileAndLine(@TempDir Path folder) throws IOException {
        Path file = Files.writeString(folder.resolve("he.jsonl"),
                "{\"task_id\": \"t/0\", \"prompt\": \"\", \"canonical_solution\": \"\", \"test\": \"\", "
                        + "\"entry_point\": \"f\"}\n{\"task_id\": \"t/1\", \"prompt\": \"\"}\n");

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> HumanEvalTask.read(file));

        assertTrue(error.getMessage().startsWith(file + ":2: 'canonical_solution'"), error.getMessage());
    }

    private static HumanEvalTask task(double timeoutSeconds) {
        return new HumanEvalTask(HumanEvalTask.limits(timeoutSeconds), PARALLELISM);
    }

    private static BigInteger binomial(int n, int k) {
        if (k < 0 || k > n) {
            return BigInteger.ZERO;
        }
        BigInteger value = BigInteger.ONE;
        for (int i = 1; i <= k; i++) {
            value = value.multiply(BigInteger.valueOf(n - k + i)).divide(BigInteger.valueOf(i));
        }
        return value;
    }

    private static double ratio(BigInteger numerator, BigInteger denominator) {
        return new BigDecimal(numerator).divide(new BigDecimal(denominator),
                MathContext.DECIMAL128).doubleValue();
    }
}

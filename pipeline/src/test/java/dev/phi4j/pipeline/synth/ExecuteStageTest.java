package dev.phi4j.pipeline.synth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.phi4j.core.sandbox.Sandbox;
import dev.phi4j.core.sandbox.SandboxConfig;
import dev.phi4j.core.schema.Message;
import dev.phi4j.core.schema.SyntheticSample;
import dev.phi4j.core.schema.Validation;
import dev.phi4j.core.schema.ValidationStatus;
import dev.phi4j.pipeline.TestSpark;
import dev.phi4j.pipeline.io.SparkRecords;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.util.DoubleAccumulator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.*;

/** Execution validation on real HumanEval problems and on generated code that misbehaves. */
class ExecuteStageTest {

    private static final SandboxConfig LIMITS = new SandboxConfig(2, 4, 256, 16, 65536, 16, "python3", "", false);
    private static List<JsonNode> problems;
    private static Sandbox sandbox;
    private static DoubleAccumulator seconds;

    @BeforeAll
    static void load() throws IOException {
        problems = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                Files.newInputStream(TestSpark.shared("humaneval/HumanEval.jsonl.gz"))), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null && problems.size() < 6; line = lines.readLine()) {
                problems.add(json.readTree(line));
            }
        }
        sandbox = new Sandbox(LIMITS);
        seconds = TestSpark.session().sparkContext().doubleAccumulator("sandbox seconds");
    }

    private static SyntheticSample sample(String technique, String response, Map<String, String> extra) {
        Map<String, String> metadata = new HashMap<>(Map.of("format", "code", "template", technique));
        metadata.putAll(extra);
        return SyntheticSample.of(technique, List.of(Message.user("write it")), response, List.of(), List.of(),
                Map.of(), Validation.notRun(), metadata, List.of());
    }

    private static SyntheticSample validated(Row row) {
        Object[] cells = new Object[row.length() - 1];
        for (int i = 0; i < cells.length; i++) {
            cells[i] = row.get(i);
        }
        return SparkRecords.fromRow(new GenericRowWithSchema(cells, SparkRecords.structType(SyntheticSample.class)),
                SyntheticSample.class);
    }

    private static String reason(Row row) {
        return row.isNullAt(row.length() - 1) ? null : row.getString(row.length() - 1);
    }

    @Test
    void canonicalHumanEvalSolutionsPassTheSeedsTestsAndBrokenOnesFailWithTheReason() {
        for (JsonNode problem : problems) {
            Map<String, String> seed = Map.of("seed.test", problem.get("test").asText(),
                    "seed.entry_point", problem.get("entry_point").asText());
            String solution = "```python\n" + problem.get("prompt").asText() + problem.get("canonical_solution").asText()
                    + "```";
            String broken = "```python\n" + problem.get("prompt").asText() + "    return None\n```";

            Row good = ExecuteStage.validate(sample("instruction_reversal", solution, seed), sandbox, 0.5, seconds);
            Row bad = ExecuteStage.validate(sample("instruction_reversal", broken, seed), sandbox, 0.5, seconds);

            assertNull(reason(good), problem.get("task_id") + ": " + validated(good).validation());
            assertEquals(ValidationStatus.PASSED, validated(good).validation().status());
            assertEquals("seed", validated(good).metadata().get("execute.tests"));
            assertEquals("test_failed", reason(bad), problem.get("task_id").asText());
            assertEquals(ValidationStatus.FAILED, validated(bad).validation().status());
            assertTrue(validated(bad).validation().detail().startsWith("test_failed: "));
        }
    }

    @Test
    void misbehavingGeneratedCodeIsContainedAndDroppedWithItsReason() {
        Map<String, String> programs = Map.of(
                "while True:\n    pass\n", "cpu_limit",
                "import time\ntime.sleep(60)\n", "timeout",
                "while True:\n    print('x' * 1000)\n", "output_limit",
                "def f(:\n", "compile_error",
                "import socket\nsocket.create_connection(('127.0.0.1', 9), timeout=1)\n", "test_failed",
                "x = bytearray(4 * 1024 ** 3)\n", "memory_limit");
        programs.forEach((code, expected) -> {
            Row row = ExecuteStage.validate(sample("code_with_tests", code, Map.of()), sandbox, 0.5, seconds);
            assertEquals(expected, reason(row), code);
        });
    }

    @Test
    void aReversalWithoutTestsMustRunAndResembleTheOriginal() {
        String original = "def mean(values):\n    total = sum(values)\n    return total / len(values)\n";
        String close = "```python\ndef mean(values):\n    total = sum(values)\n    return total / len(values)\n"
                + "assert mean([1, 3]) == 2\n```";
        String unrelated = "```python\ndef shout(word):\n    return word.upper() + '!'\n```";

        Row kept = ExecuteStage.validate(sample("instruction_reversal", close, Map.of("seed_text", original)), sandbox,
                0.5, seconds);
        Row dropped = ExecuteStage.validate(sample("instruction_reversal", unrelated, Map.of("seed_text", original)),
                sandbox, 0.5, seconds);

        assertNull(reason(kept));
        assertEquals("0.875", validated(kept).metadata().get("execute.similarity"), "7 shared identifiers of 8: assert is new");
        assertEquals(ExecuteStage.DISSIMILAR, reason(dropped));
        assertEquals(ValidationStatus.FAILED, validated(dropped).validation().status());
    }

    @Test
    void samplesThatAreNotCodePassThroughUnrunAndAResponseWithoutCodeIsDropped() {
        SyntheticSample prose = SyntheticSample.of("textbook_section", List.of(Message.user("x")), "Prose.", List.of(),
                List.of(), Map.of(), Validation.notRun(), Map.of("format", "text"), List.of());

        assertNull(reason(ExecuteStage.validate(prose, sandbox, 0.5, seconds)));
        assertEquals(ValidationStatus.NOT_RUN,
                validated(ExecuteStage.validate(prose, sandbox, 0.5, seconds)).validation().status());
        assertEquals(ExecuteStage.NO_CODE, reason(ExecuteStage.validate(sample("code_with_tests", "  \n", Map.of()),
                sandbox, 0.5, seconds)));
    }
}

package dev.phi4j.trainer.eval;

import dev.phi4j.core.schema.Message;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Reading a chat model's answer into a HumanEval completion, and running answers end to end in the sandbox. */
class CodeGenerationTest {

    private static final HumanEvalTask.Problem ADD = new HumanEvalTask.Problem("t/0",
            "def add(a, b):\n    \"\"\"Sum of a and b.\"\"\"\n", "    return a + b\n",
            "def check(candidate):\n    assert candidate(2, 3) == 5\n", "add", "test:1");

    @Test
    void aFencedBlockABareBodyAndARestatedSignatureAllBecomeTheBody() {
        assertEquals("    return a + b\n", CodeGeneration.completion(ADD, "Sure:\n```python\n    return a + b\n```\n"));
        assertEquals("    return a + b\n", CodeGeneration.completion(ADD, "    return a + b\n"));
        assertEquals("    return a + b\n", CodeGeneration.completion(ADD,
                "```python\ndef add(a, b):\n    \"\"\"Sum of a and b.\"\"\"\n    return a + b\n```"));
        assertEquals("    return a + b\n", CodeGeneration.completion(ADD, "```\ndef add(a, b) -> int:\n    return a + b\n```"));
    }

    @Test
    void answersRunInTheSandboxAndScorePassAtK() {
        Completer scripted = new Completer() {
            @Override
            public List<Answers> complete(List<List<Message>> conversations, Request request) {
                return List.of(Answers.of(List.of("```python\ndef add(a, b):\n    return a + b\n```",
                        "    return a - b\n")));
            }

            @Override
            public String name() {
                return "scripted";
            }
        };
        HumanEvalTask task = new HumanEvalTask(HumanEvalTask.limits(10), 2);
        CodeGeneration.Result result = CodeGeneration.run(scripted, task, List.of(ADD),
                new Completer.Request(0.5, 64, 2, 1), List.of(1, 2));
        assertEquals(0.5, result.execution().passAtK().get(1), 1e-12);
        assertEquals(1.0, result.execution().passAtK().get(2), 1e-12);
        assertEquals(List.of("    return a + b\n", "    return a - b\n"), result.completions().get("t/0"));
    }

    @Test
    void aRefusedProblemIsNotRunAndScoresZeroBesideTheOthers() {
        HumanEvalTask.Problem second = new HumanEvalTask.Problem("t/1", ADD.prompt(), ADD.canonicalSolution(),
                ADD.test(), "add", "test:2");
        Completer refusesTheSecond = new Completer() {
            @Override
            public List<Answers> complete(List<List<Message>> conversations, Request request) {
                return List.of(Answers.of(List.of("    return a + b\n")),
                        Answers.refused("the prompt is 600 tokens; the model's context is 512", request.n()));
            }

            @Override
            public String name() {
                return "scripted";
            }
        };
        CodeGeneration.Result result = CodeGeneration.run(refusesTheSecond, new HumanEvalTask(HumanEvalTask.limits(10),
                2), List.of(ADD, second), new Completer.Request(0, 64, 1, 1), List.of(1));

        assertEquals(0.5, result.execution().passAtK().get(1), 1e-12, "the refused problem counts, as a failure");
        HumanEvalTask.Sample refused = result.execution().problems().get(1).samples().get(0);
        assertEquals(CodeGeneration.REFUSED, refused.reason(), "never run in the sandbox");
        assertEquals(Map.of("passed", 1L, "refused", 1L), result.execution().reasons());
        TaskResult report = result.report("m", List.of(ADD, second), List.of(1), Optional.empty());
        assertEquals("the prompt is 600 tokens; the model's context is 512", report.records().get(1).get("refused"));
        assertEquals(0.5, report.metrics().get("pass@1"), 1e-12);
    }
}

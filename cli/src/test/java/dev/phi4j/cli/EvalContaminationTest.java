package dev.phi4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.phi4j.core.model.ModelPresets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real pipeline run decontaminates the bundled forum answers and code against the bundled arithmetic and
 * HumanEval-format test files (two forum answers quote test questions 3 and 5, the code repo holds problem sample/2);
 * evaluation then reads each item's status from that run and scores the clean items apart.
 */
class EvalContaminationTest {

    private static final Path SAMPLE = TinyCheckpoint.ROOT.resolve("datasets/sample");

    @Test
    void itemsCarryTheirStatusFromThePipelineRunAndScoresAreGivenOnCleanItemsToo(@TempDir Path dir)
            throws IOException {
        Path arith = SAMPLE.resolve("benchmarks/arith-test.jsonl");
        Path pyfunc = SAMPLE.resolve("benchmarks/pyfunc-test.jsonl.gz");
        Path pipeline = dir.resolve("pipeline.yaml");
        Files.writeString(pipeline, String.join("\n",
                "run: {name: data, output_dir: " + dir.resolve("runs") + "}",
                "spark: {master: \"local[2]\", shuffle_partitions: 2, output_partitions: 2}",
                "stages:",
                "  - stage: ingest",
                "    sources:",
                "      - {format: jsonl, name: forum, source_class: qa, paths: [" + SAMPLE.resolve("qa")
                        + "], text_fields: [question, answer], id_field: id}",
                "      - {format: code, name: repo, paths: [" + SAMPLE.resolve("code") + "]}",
                "  - stage: decontam",
                "    benchmarks:",
                "      - {name: arith, format: gsm8k, path: " + arith + "}",
                "      - {name: pyfunc, format: humaneval, path: " + pyfunc + "}",
                ""));
        CliRun.Result ran = CliRun.run("pipeline", "run", pipeline.toString());
        assertEquals(ExitCodes.OK, ran.exitCode(), ran.out() + ran.err());

        Path checkpoint = dir.resolve("model");
        TinyCheckpoint.write(checkpoint, ModelPresets.TINY.withContext(512, 10_000));
        Path out = dir.resolve("eval");
        CliRun.Result eval = CliRun.run("eval", "--checkpoint", checkpoint.toString(), "--tasks", "math,humaneval",
                "--math-file", arith.toString(), "--humaneval-file", pyfunc.toString(), "--max-new-tokens", "4",
                "--contamination", dir.resolve("runs/data").toString(), "--output", out.toString());
        assertEquals(ExitCodes.OK, eval.exitCode(), eval.err());
        assertTrue(eval.out().contains("| clean (4 of 6):"), eval.out());

        JsonNode math = new ObjectMapper().readTree(out.resolve("math.json").toFile());
        assertEquals(4, math.path("contamination").path("clean").asInt());
        assertEquals(2, math.path("contamination").path("contaminated").asInt());
        List<Integer> contaminated = new ArrayList<>();
        double cleanSum = 0;
        for (JsonNode record : math.path("records")) {
            if (record.path("contamination").asText().equals("contaminated")) {
                contaminated.add(record.path("item").asInt());
            } else {
                assertEquals("clean", record.path("contamination").asText());
                cleanSum += record.path("scores").path("strict").asDouble();
            }
        }
        assertEquals(List.of(3, 5), contaminated, "the two questions the forum answers quote");
        assertEquals(cleanSum / 4, math.path("clean_metrics").path("strict").asDouble(), 1e-12);

        JsonNode code = new ObjectMapper().readTree(out.resolve("humaneval.json").toFile());
        for (JsonNode record : code.path("records")) {
            assertEquals(record.path("task_id").asText().equals("sample/2") ? "contaminated" : "clean",
                    record.path("contamination").asText(), record.path("task_id").asText());
        }

        CliRun.Result other = CliRun.run("eval", "--checkpoint", checkpoint.toString(), "--tasks", "math",
                "--math-file", TinyCheckpoint.ROOT.resolve("datasets/arith/test.jsonl").toString(), "--limit", "1",
                "--contamination", dir.resolve("runs/data").toString(), "--output", out.toString());
        assertEquals(ExitCodes.USAGE, other.exitCode());
        assertTrue(other.err().contains("decontaminated against no benchmark read from"), other.err());
    }
}

package dev.phi4j.trainer.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading a pipeline run's decontamination statuses and finding an evaluation file's benchmark among them. */
class ContaminationTest {

    @TempDir
    Path run;

    private void stage(String folder, String section) throws IOException {
        Files.createDirectories(run.resolve(folder));
        Files.writeString(run.resolve(folder).resolve("_manifest.json"), "{\"stage\": \"x\", \"sections\": {"
                + section + "}}");
    }

    private static String benchmark(String name, String path, String idField, int items, String flagged) {
        return "\"" + name + "\": {\"path\": \"" + path + "\", \"format\": \"jsonl\", \"id_field\": " + idField
                + ", \"items\": " + items + ", \"flagged\": {" + flagged + "}}";
    }

    @Test
    void itemsAreFoundByPositionOrByTheirOwnIdAndUnflaggedItemsAreClean() throws IOException {
        stage("00-ingest", "\"ingest.sources\": {}");
        stage("03-decontam", "\"decontam.items\": {"
                + benchmark("gsm8k", "bench/test.jsonl", "null", 5,
                        "\"2\": {\"status\": \"contaminated\", \"documents\": 3, \"kept_documents\": 0}, "
                                + "\"4\": {\"status\": \"partial\", \"documents\": 1, \"kept_documents\": 1}")
                + ", " + benchmark("humaneval", "bench/HumanEval.jsonl.gz", "\"task_id\"", 3,
                        "\"HumanEval/1\": {\"status\": \"contaminated\", \"documents\": 1, \"kept_documents\": 0}")
                + "}");

        Contamination statuses = Contamination.read(run);
        Contamination.Benchmark math = statuses.forFile(Path.of("bench/test.jsonl"), Optional.empty(), 5);
        assertEquals("gsm8k", math.name());
        assertEquals(Contamination.Status.CLEAN, math.status(0, Optional.empty()));
        assertEquals(Contamination.Status.CONTAMINATED, math.status(1, Optional.empty()), "item 2 is position 1");
        assertEquals(Contamination.Status.PARTIAL, math.status(3, Optional.empty()));

        Contamination.Benchmark code = statuses.forFile(Path.of("bench/./HumanEval.jsonl.gz").toAbsolutePath(),
                Optional.empty(), 3);
        assertEquals(Contamination.Status.CONTAMINATED, code.status(0, Optional.of("HumanEval/1")),
                "named items are found by name, wherever they are");
        assertEquals(Contamination.Status.CLEAN, code.status(1, Optional.of("HumanEval/0")));
        assertThrows(IllegalArgumentException.class, () -> code.status(0, Optional.empty()),
                "a task that only knows positions cannot read statuses kept by name");
    }

    @Test
    void twoDecontamStagesOverTheSameFileGiveEachItemItsWorstStatus() throws IOException {
        stage("03-decontam", "\"decontam.items\": {" + benchmark("gsm8k", "t.jsonl", "null", 3,
                "\"1\": {\"status\": \"partial\", \"documents\": 1, \"kept_documents\": 1}") + "}");
        stage("21-decontam_synth", "\"decontam.items\": {" + benchmark("gsm8k", "t.jsonl", "null", 3,
                "\"1\": {\"status\": \"contaminated\", \"documents\": 1, \"kept_documents\": 0}, "
                        + "\"3\": {\"status\": \"partial\", \"documents\": 2, \"kept_documents\": 2}") + "}");

        Contamination.Benchmark merged = Contamination.read(run).forFile(Path.of("t.jsonl"), Optional.empty(), 3);
        assertEquals(Contamination.Status.CONTAMINATED, merged.status(0, Optional.empty()));
        assertEquals(Contamination.Status.CLEAN, merged.status(1, Optional.empty()));
        assertEquals(Contamination.Status.PARTIAL, merged.status(2, Optional.empty()));
        assertEquals(Contamination.Status.CONTAMINATED,
                Contamination.read(run.resolve("21-decontam_synth")).forFile(Path.of("t.jsonl"), Optional.of("gsm8k"),
                        3).status(0, Optional.empty()), "one stage folder reads alone");
    }

    @Test
    void anotherFileACountMismatchOrARunWithoutStatusesIsAClearError() throws IOException {
        stage("03-decontam", "\"decontam.items\": {" + benchmark("gsm8k", "t.jsonl", "null", 3, "") + "}");
        Contamination statuses = Contamination.read(run);

        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> statuses.forFile(Path.of("other.jsonl"), Optional.empty(), 3));
        assertTrue(other.getMessage().contains("no benchmark read from other.jsonl")
                && other.getMessage().contains("gsm8k: t.jsonl"), other.getMessage());
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> statuses.forFile(Path.of("t.jsonl"), Optional.empty(), 4));
        assertTrue(count.getMessage().contains("has 3 items; t.jsonl has 4"), count.getMessage());
        assertThrows(IllegalArgumentException.class, () -> statuses.forFile(Path.of("t.jsonl"), Optional.of("mmlu"), 3));

        Path plain = run.resolve("plain");
        Files.createDirectories(plain.resolve("00-ingest"));
        Files.writeString(plain.resolve("00-ingest/_manifest.json"), "{\"sections\": {}}");
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> Contamination.read(plain));
        assertTrue(none.getMessage().contains("no stage manifest with a 'decontam.items' section"), none.getMessage());
    }
}

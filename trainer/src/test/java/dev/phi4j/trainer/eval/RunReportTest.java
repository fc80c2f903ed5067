package dev.phi4j.trainer.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunReportTest {

    @TempDir
    Path run;

    @Test
    void aSectionWrittenAgainReplacesItselfAndKeepsTheOthers() throws IOException {
        RunReport.writeSection(run, "Long-context evaluation", "first table");
        RunReport.writeSection(run, "SFT", "sft notes");
        Path report = RunReport.writeSection(run, "Long-context evaluation", "second table\n\nwith two paragraphs");

        String text = Files.readString(report);
        assertTrue(text.startsWith("# Run report: " + run.getFileName() + "\n"), text);
        assertFalse(text.contains("first table"), text);
        assertTrue(text.contains("## Long-context evaluation\n\nsecond table\n\nwith two paragraphs\n"), text);
        assertTrue(text.indexOf("## Long-context evaluation") < text.indexOf("## SFT"), "stays where it was: " + text);
        assertTrue(text.endsWith("## SFT\n\nsft notes\n"), text);
        assertEquals(1, text.split("## Long-context evaluation", -1).length - 1, text);
        assertFalse(Files.exists(run.resolve(RunReport.FILE + ".partial")));
    }

    @Test
    void aHeadingThatOnlyStartsLikeAnotherIsADifferentSection() throws IOException {
        RunReport.writeSection(run, "Eval", "a");
        RunReport.writeSection(run, "Eval at 4x", "b");
        String text = Files.readString(RunReport.writeSection(run, "Eval", "c"));

        assertTrue(text.contains("## Eval\n\nc\n") && text.contains("## Eval at 4x\n\nb\n"), text);
    }

    @Test
    void theRunDirectoryOfACheckpointFolderIsAboveCheckpoints() {
        Path folder = run.resolve("checkpoints").resolve("step-00000040");
        assertEquals(run.toAbsolutePath().normalize(), RunReport.runDirectory(folder));
        assertEquals(run.toAbsolutePath().normalize(), RunReport.runDirectory(run));
    }
}

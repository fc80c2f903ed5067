package dev.phi4j.bench.distributed;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark's table on a tiny shape: one process and local[2], the same losses, a projection. */
class DistributedBenchCommandTest {

    @Test
    void benchPrintsBothSettingsWithTheSameLossesAndAProjection(@TempDir Path dir) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = System.out;
        int code;
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            code = new CommandLine(new DistributedBenchCommand()).execute("--vocab", "300", "--seq", "32",
                    "--micro-batch", "2", "--accumulation", "2", "--steps", "1", "--warmup-steps", "1",
                    "--spark", "local[2]=2", "--work-dir", dir.toString());
        } finally {
            System.setOut(out);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text);
        String local = text.lines().filter(l -> l.startsWith("local[2] ")).findFirst().orElseThrow(() ->
                new AssertionError(text));
        String[] columns = local.trim().split("\\s+");
        assertEquals("2", columns[1], local);
        assertTrue(Double.parseDouble(columns[columns.length - 1]) <= 1e-6, "|Δloss| of local[2]: " + local);
        assertTrue(text.contains("projection (exchange from local[2])") && text.lines().anyMatch(l -> l.startsWith("2 ")),
                text);
    }
}

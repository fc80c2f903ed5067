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

/**
 * The benchmark's table on a tiny shape: one process, two replicas in process, gradient sharing and averaging on
 * local[2] (all but averaging with the single process's losses), a projection per Spark mode.
 */
class DistributedBenchCommandTest {

    @Test
    void benchPrintsBothModesBesideOneProcessAndAProjectionEach(@TempDir Path dir) {
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
        String gradients = row(text, "local[2] gradients ");
        String[] columns = gradients.trim().split("\\s+");
        assertEquals("2", columns[2], gradients);
        assertTrue(Double.parseDouble(columns[columns.length - 1]) <= 1e-6, "|Δloss| of gradient sharing: " + gradients);
        String replicas = row(text, "2 replicas in process ");
        String[] inProcess = replicas.trim().split("\\s+");
        assertTrue(Double.parseDouble(inProcess[inProcess.length - 1]) <= 1e-6, "|Δloss| of replicas: " + replicas);
        String averaging = row(text, "local[2] averaging ");
        String[] averaged = averaging.trim().split("\\s+");
        assertEquals("2", averaged[2], averaging);
        assertTrue(Double.isFinite(Double.parseDouble(averaged[averaged.length - 2])), averaging);
        assertTrue(text.contains("projection (exchange from local[2] gradients)")
                && text.contains("projection (exchange from local[2] averaging)")
                && text.contains("weights and moments per worker per round of 4 steps")
                && text.lines().anyMatch(l -> l.startsWith("2 ")), text);
        System.out.println(text);
    }

    private static String row(String text, String prefix) {
        return text.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(() -> new AssertionError(text));
    }
}

package dev.phi4j.bench.teacher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class TeacherBenchTest {

    @TempDir
    Path cache;

    @Test
    void everyClientAnswersEveryRequestAndOnlyTheWarmCacheSkipsTheNetwork() throws Exception {
        TeacherBench.Result result = TeacherBench.run(new TeacherBench.Settings(40, 4), cache);

        assertEquals(TeacherBench.BASELINE, result.rows().get(0).client());
        assertEquals(List.of(40, 40, 40, 0), result.rows().stream().map(TeacherBench.Row::httpRequests).toList());
        String table = result.render();
        assertTrue(table.contains("1.00x"), table);
        assertTrue(table.contains("cache warm"), table);
    }
}

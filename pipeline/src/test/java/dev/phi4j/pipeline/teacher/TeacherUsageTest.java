package dev.phi4j.pipeline.teacher;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.phi4j.pipeline.stage.ManifestJson;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class TeacherUsageTest {

    private static final TeacherConfig LARGE = new TeacherConfig("teacher-large", "http://h/v1", "m", Optional.empty(),
            4, 0, 1, 0, 0, 0, 2.5, 10);

    private static ChatResult result(String teacher, boolean cached, int prompt, int completion) {
        return new ChatResult(teacher, "m", "text", "stop", prompt, completion, "sha256:00", cached, cached ? 0 : 1);
    }

    @Test
    void fetchedAnswersCostTheirTokensCachedOnesNothing() {
        TeacherUsage fetched = TeacherUsage.of(result("teacher-large", false, 400_000, 100_000), LARGE);
        TeacherUsage cached = TeacherUsage.of(result("teacher-large", true, 400_000, 100_000), LARGE);

        assertEquals(new TeacherUsage("teacher-large", 1, 0, 0, 400_000, 100_000, 2.0), fetched);
        assertEquals(new TeacherUsage("teacher-large", 1, 1, 0, 0, 0, 0), cached);
    }

    @Test
    void mergeAddsEveryCountAndRefusesAnotherTeacher() {
        TeacherUsage a = new TeacherUsage("t", 3, 1, 2, 10, 20, 0.5);
        TeacherUsage b = new TeacherUsage("t", 4, 2, 1, 30, 40, 0.25);

        assertEquals(new TeacherUsage("t", 7, 3, 3, 40, 60, 0.75), a.merge(b));
        assertThrows(IllegalArgumentException.class, () -> a.merge(TeacherUsage.none("u")));
    }

    @Test
    void sectionHasOneRowPerTeacherInTheReportsShape() throws Exception {
        List<TeacherUsage> partials = List.of(
                TeacherUsage.of(result("teacher-small", false, 1000, 500), LARGE),
                TeacherUsage.of(result("teacher-large", false, 400_000, 100_000), LARGE),
                TeacherUsage.of(result("teacher-large", true, 9, 9), LARGE),
                TeacherUsage.failure("teacher-large"));

        String json = ManifestJson.MAPPER.writeValueAsString(ManifestJson.tree(TeacherUsage.section(partials)));

        assertEquals(new ObjectMapper().readTree("""
                {"models": [
                  {"model": "teacher-large", "calls": 2, "cached_calls": 1, "failed_calls": 1,
                   "prompt_tokens": 400000, "completion_tokens": 100000, "cost_usd": 2.0},
                  {"model": "teacher-small", "calls": 1, "cached_calls": 0, "failed_calls": 0,
                   "prompt_tokens": 1000, "completion_tokens": 500, "cost_usd": 0.0075}]}"""),
                new ObjectMapper().readTree(json));
    }
}

package dev.phi4j.pipeline.seed;

import dev.phi4j.core.schema.Message;
import dev.phi4j.core.schema.SeedKind;
import dev.phi4j.pipeline.stage.StageContext;
import dev.phi4j.pipeline.teacher.ChatRequest;
import dev.phi4j.pipeline.teacher.ChatResult;
import dev.phi4j.pipeline.teacher.Teacher;
import dev.phi4j.pipeline.teacher.TeacherException;
import dev.phi4j.pipeline.teacher.TeacherPanel;
import dev.phi4j.pipeline.teacher.UsageAccumulator;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Grading by a teacher ({@code scorer: teacher}), as shipped to executors: each candidate excerpt is one request (the
 * prompt filled in), answered from the response cache when it holds it, the reply read by {@link GradeReply}. A failed
 * call drops the excerpt with the call's reason ({@code teacher_timeout}, {@code teacher_http_500}, …), a reply cut at
 * {@code max_tokens} with {@code truncated}, a reply without a readable grade with {@code score_unparsed}; the raw
 * reply (or error body) stays in {@code seed.grade_raw}, so a grade can be checked and a failure retried.
 */
final class TeacherGrading implements Serializable {

    /**
     * The seed of every grading request. A grade belongs to the excerpt, not to the run: with a fixed seed it is one
     * cache entry that every run finds, whatever the run's seed.
     */
    static final long REQUEST_SEED = 0;

    private final TeacherPanel panel;
    private final String prompt;
    private final double temperature;
    private final int maxTokens;

    TeacherGrading(GradingConfig config, StageContext context) {
        this.panel = TeacherPanel.of(List.of(config.endpoint()), config.cacheDir(), context);
        this.prompt = config.prompt();
        this.temperature = config.temperature();
        this.maxTokens = config.maxTokens();
    }

    /** On an executor: a grader whose requests are counted into {@code usage}, up to max_concurrency in flight. */
    SeedStage.Grader open(UsageAccumulator usage) {
        Teacher teacher = panel.open(usage).get(0);
        return candidates -> panel.map(candidates, candidate -> grade(teacher, candidate));
    }

    Grade grade(Teacher teacher, SeedStage.Candidate candidate) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(SeedStage.SCORER, teacher.name());
        metadata.put(SeedStage.HEURISTIC_VALUE, Double.toString(candidate.heuristic().educationalValue()));
        ChatResult result;
        try {
            result = teacher.complete(request(candidate.text(), candidate.excerpt().kind()));
        } catch (TeacherException e) {
            metadata.put(SeedStage.GRADE_RAW, e.raw());
            return Grade.failed(e.reason(), metadata);
        }
        if (result.truncated()) {
            metadata.put(SeedStage.GRADE_RAW, result.text());
            return Grade.failed(SeedStage.TRUNCATED, metadata);
        }
        Optional<GradeReply> reply = GradeReply.parse(result.text());
        if (reply.isEmpty()) {
            metadata.put(SeedStage.GRADE_RAW, result.text());
            return Grade.failed(SeedStage.SCORE_UNPARSED, metadata);
        }
        if (!reply.get().clamped().isEmpty()) {
            metadata.put(SeedStage.GRADE_RAW, result.text());
            metadata.put(SeedStage.GRADE_CLAMPED, String.join("; ", reply.get().clamped()));
        }
        return Grade.of(reply.get().score(), metadata);
    }

    private ChatRequest request(String excerpt, SeedKind kind) {
        return new ChatRequest(List.of(Message.user(prompt(prompt, excerpt, kind))), temperature, 1.0, maxTokens,
                REQUEST_SEED);
    }

    /** {@code template} filled in; {@code {kind}} first, so placeholders in an excerpt's own text stay as written. */
    static String prompt(String template, String excerpt, SeedKind kind) {
        return template.replace(GradingConfig.KIND, kind.name().toLowerCase(Locale.ROOT))
                .replace(GradingConfig.EXCERPT, excerpt);
    }
}

package dev.phi4j.pipeline.seed;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.InvalidConfigValue;
import dev.phi4j.core.config.Range;
import dev.phi4j.pipeline.teacher.TeacherConfig;

/**
 * The teacher that grades seed excerpts ({@code scorer: teacher}): which endpoint, where its answers are cached, and
 * what it is asked. One request per excerpt; the reply's first JSON object is the grade ({@link GradeReply}).
 */
public record GradingConfig(
        @Doc("the grading endpoint, written like a synthesize stage's teachers") TeacherConfig endpoint,
        @Doc("the response cache (local path, hdfs:// or s3a://), shared with the generation stages: a re-run grades "
                + "nothing twice") @Default("runs/teacher-cache") String cacheDir,
        @Doc("sampling temperature; 0 (greedy) gives one reproducible grade per excerpt") @Default("0")
        @Range(min = 0, max = 2) double temperature,
        @Doc("longest reply, in tokens; a reply cut here is dropped as truncated") @Default("256") @Range(min = 1)
        int maxTokens,
        @Doc("the grading prompt: {excerpt} is the excerpt's text, {kind} passage, code or question; it asks for one "
                + "JSON object with educational_value (0–1), complexity (1–5), factual_obscurity (1–5) and "
                + "reasoning_steps (≥ 0)")
        @Default(DEFAULT_PROMPT) String prompt) {

    /** The default prompt as YAML: a literal block, so its quotes and braces need no escaping. */
    static final String DEFAULT_PROMPT = """
            |-
              You are grading excerpts that could seed synthetic textbook data for training a language model.

              Excerpt ({kind}):
              <<<
              {excerpt}
              >>>

              Grade the excerpt:
              - educational_value, 0 to 1: how much a student would learn from it. Clear explanations, reasoning, \
            worked examples and well-commented code score high; navigation, ads, boilerplate, fragments and lists \
            of links score low.
              - complexity, 1 (trivial) to 5 (expert): how demanding it is to understand.
              - factual_obscurity, 1 (common knowledge) to 5 (obscure): how rare its facts are.
              - reasoning_steps, 0 or more: how many reasoning steps a question about it needs.

              Reply with this JSON object only:
              {"educational_value": 0.0, "complexity": 1, "factual_obscurity": 1, "reasoning_steps": 0}
            """;

    static final String EXCERPT = "{excerpt}";
    static final String KIND = "{kind}";

    public GradingConfig {
        if (!prompt.contains(EXCERPT)) {
            throw new InvalidConfigValue("prompt", "the grading prompt never mentions {excerpt}: the teacher would "
                    + "not see what it grades");
        }
    }
}

package dev.phi4j.pipeline.synth;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.InvalidConfigValue;
import dev.phi4j.core.config.Range;
import dev.phi4j.core.config.Variant;
import dev.phi4j.pipeline.stage.Stage;
import dev.phi4j.pipeline.stage.StageConfig;
import dev.phi4j.pipeline.teacher.TeacherConfig;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Plurality-based difficulty filtering (report §4.1): each question (a sample's response) gets K independent answers
 * from the panel; a question whose answers all agree is too easy, one where fewer than {@code min_agreeing} agree is
 * too hard or ambiguous. A kept question's plurality answer becomes its reference, and one of the solutions reaching it
 * becomes its response (rejection sampling).
 */
@Variant("plurality")
public record PluralityConfig(
        @Doc(StageConfig.NAME_DOC) Optional<String> name,
        @Doc(StageConfig.INPUT_DOC) @Default("[]") List<String> input,
        @Doc("the panel answering; answer k goes to member k mod the panel's size") List<TeacherConfig> teachers,
        @Doc("the response cache, shared with the generation stages") @Default("runs/teacher-cache") String cacheDir,
        @Doc("independent answers per question (K)") @Default("5") @Range(min = 2, max = 64) int answers,
        @Doc("sampling of the answers; the temperature must be above 0, or the K answers are one answer K times")
        @Default("{temperature: 0.8, top_p: 1.0, max_tokens: 1024}") Sampling sampling,
        @Doc("how final answers are read: number, choice or last_line") @Default("number") String answerFormat,
        @Doc("keep a question when at least this many answers agree with the plurality answer") @Default("2")
        @Range(min = 1) int minAgreeing,
        @Doc("and at most this many; 0: K − 1 (drop only when every answer agrees)") @Default("0") @Range(min = 0)
        int maxAgreeing,
        @Doc("the prompt of each answer; {question} is filled in")
        @Default("\"Solve the following problem step by step. End with a line \\\"Answer: <final answer>\\\".\\n\\n"
                + "{question}\"")
        String prompt) implements StageConfig {

    public PluralityConfig {
        if (teachers.isEmpty()) {
            throw new InvalidConfigValue("teachers", "plurality filtering needs at least one teacher");
        }
        if (sampling.temperature() == 0) {
            throw new InvalidConfigValue("sampling.temperature", "temperature 0 makes the " + answers
                    + " answers copies of one answer (greedy decoding); use a temperature above 0, e.g. 0.8");
        }
        extraction(answerFormat);
        int upper = maxAgreeing == 0 ? answers - 1 : maxAgreeing;
        if (minAgreeing > upper) {
            throw new InvalidConfigValue("min_agreeing", "min_agreeing " + minAgreeing + " is above max_agreeing "
                    + upper + ": every question would be dropped");
        }
        if (!Placeholders.names(prompt).contains("question")) {
            throw new InvalidConfigValue("prompt", "the prompt never mentions {question}");
        }
    }

    static Answers extraction(String format) {
        try {
            return Answers.valueOf(format.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigValue("answer_format", "'" + format + "' is not one of number, choice, last_line");
        }
    }

    int upperAgreeing() {
        return maxAgreeing == 0 ? answers - 1 : maxAgreeing;
    }

    @Override
    public Stage build() {
        return new PluralityStage(this);
    }
}

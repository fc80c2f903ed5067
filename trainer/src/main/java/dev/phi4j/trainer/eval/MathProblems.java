package dev.phi4j.trainer.eval;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Math word problems with a checkable final answer, read from GSM8K-style JSONL ({@code "answer": "…#### n"}). */
public final class MathProblems {

    /**
     * A question, its reference final answer, the worked solution it was read from (a few-shot example shows it
     * whole), and where it was read ({@code FILE:LINE}).
     */
    public record Problem(String question, String reference, String solution, String location) {}

    private MathProblems() {}

    /**
     * The first {@code limit} problems of {@code file} (0: all); a line that is not JSON, lacks the question, or whose
     * answer has no {@code ####} final answer is an error naming the file and line.
     */
    public static List<Problem> read(Path file, String questionField, String answerField, int limit)
            throws IOException {
        List<Problem> problems = new ArrayList<>();
        for (JsonLines.Line read : JsonLines.read(file, "file of math problems", limit)) {
            JsonNode line = read.json();
            String where = read.where();
            String question = line.path(questionField).asText("");
            if (question.isBlank()) {
                throw new IllegalArgumentException(where + ": '" + questionField + "' is missing or empty");
            }
            String solution = line.path(answerField).asText("");
            String reference = MathAnswers.strict(solution).orElseThrow(() ->
                    new IllegalArgumentException(where + ": '" + answerField + "' has no final answer after ####"));
            problems.add(new Problem(question, reference, solution, where));
        }
        return problems;
    }
}

package dev.phi4j.trainer.eval;

import dev.phi4j.core.schema.Message;
import dev.phi4j.core.schema.Role;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Scoring of generative math: mean over samples, majority vote, each extraction, few-shot prompts. */
class MathExactMatchTest {

    /** Answers each question with the samples scripted for it, and keeps the conversations it was asked. */
    private static final class ScriptedCompleter implements Completer {

        private final Map<String, List<String>> answers;
        private final List<List<Message>> asked = new ArrayList<>();

        ScriptedCompleter(Map<String, List<String>> answers) {
            this.answers = answers;
        }

        @Override
        public List<Answers> complete(List<List<Message>> conversations, Request request) {
            asked.addAll(conversations);
            return conversations.stream().map(c -> Answers.of(answers.get(c.get(c.size() - 1).content())
                    .subList(0, request.n()))).toList();
        }

        @Override
        public String name() {
            return "scripted";
        }
    }

    private static final List<MathProblems.Problem> PROBLEMS = List.of(
            new MathProblems.Problem("2+3?", "5", "2+3=5.\n#### 5", "a:1"),
            new MathProblems.Problem("10*10?", "100", "10*10=100.\n#### 100", "a:2"));

    @Test
    void meanAndMajorityVoteDisagreeWhereTheyShouldUnderEachExtraction() {
        ScriptedCompleter completer = new ScriptedCompleter(Map.of(
                // 2 of 3 samples right under strict; the majority answer is right.
                "2+3?", List.of("#### 5", "#### 5", "#### 6"),
                // strict finds a marker in one sample only (wrong), flexible reads 100 twice: majority right.
                "10*10?", List.of("so 100", "it is 100", "#### 1,000")));
        MathExactMatch.Result result = MathExactMatch.run(completer, PROBLEMS, List.of(), 0,
                List.of(MathAnswers.Extraction.STRICT, MathAnswers.Extraction.FLEXIBLE),
                new Completer.Request(0.5, 16, 3, 7));

        MathExactMatch.Score strict = result.score(MathAnswers.Extraction.STRICT);
        assertEquals((2 / 3.0 + 0) / 2, strict.mean(), 1e-12);
        assertEquals(0.5, strict.majority(), 1e-12, "5 wins the first vote; 1000 alone wins the second, wrongly");
        MathExactMatch.Score flexible = result.score(MathAnswers.Extraction.FLEXIBLE);
        assertEquals((2 / 3.0 + 2 / 3.0) / 2, flexible.mean(), 1e-12);
        assertEquals(1.0, flexible.majority(), 1e-12);
    }

    @Test
    void shotsPrecedeEveryQuestionAsSolvedTurnsAndMoreThanGivenIsAnError() {
        ScriptedCompleter completer = new ScriptedCompleter(Map.of("2+3?", List.of("#### 5"), "10*10?",
                List.of("#### 100")));
        List<MathProblems.Problem> solved = List.of(new MathProblems.Problem("1+1?", "2", "1+1=2.\n#### 2", "b:1"),
                new MathProblems.Problem("3-1?", "2", "3-1=2.\n#### 2", "b:2"));
        MathExactMatch.Result result = MathExactMatch.run(completer, PROBLEMS, solved, 2,
                List.of(MathAnswers.Extraction.STRICT), new Completer.Request(0, 16, 1, 7));

        assertEquals(1.0, result.score(MathAnswers.Extraction.STRICT).mean(), 0.0);
        List<Message> first = completer.asked.get(0);
        assertEquals(List.of(Role.USER, Role.ASSISTANT, Role.USER, Role.ASSISTANT, Role.USER),
                first.stream().map(Message::role).toList());
        assertEquals("1+1=2.\n#### 2", first.get(1).content(), "a shot shows the whole worked solution");
        assertThrows(IllegalArgumentException.class, () -> MathExactMatch.run(completer, PROBLEMS, solved, 3,
                List.of(MathAnswers.Extraction.STRICT), new Completer.Request(0, 16, 1, 7)));
    }
}

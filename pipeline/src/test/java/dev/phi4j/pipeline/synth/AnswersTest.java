package dev.phi4j.pipeline.synth;

import dev.phi4j.core.config.InvalidConfigValue;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class AnswersTest {

    @Test
    void numbersAreReadFromTheMarkedAnswerFirstAndNormalised() {
        assertEquals(Optional.of("1200"), Answers.NUMBER.extract("3 boxes of 400 make 1,200.\n#### 1,200"));
        assertEquals(Optional.of("18"), Answers.NUMBER.extract("16 - 3 - 4 = 9 eggs, 9 * 2 = 18 dollars\n#### 18"));
        assertEquals(Optional.of("42"), Answers.NUMBER.extract("so \\boxed{42} is it, not 7"));
        assertEquals(Optional.of("-3.5"), Answers.NUMBER.extract("Step 1: 2 - 5.5\nAnswer: -3.50."));
        assertEquals(Optional.of("1200"), Answers.NUMBER.extract("Answer: $1200.00"));
        assertEquals(Optional.of("7"), Answers.NUMBER.extract("First 3, then 4, so 7"));
        assertEquals(Optional.empty(), Answers.NUMBER.extract("no idea"));
    }

    @Test
    void realGsm8kSolutionsGiveTheirReferenceAnswer() {
        String solution = "Natalia sold 48/2 = <<48/2=24>>24 clips in May.\nNatalia sold 48+24 = <<48+24=72>>72 clips "
                + "altogether in April and May.\n#### 72";
        assertEquals(Optional.of("72"), Answers.NUMBER.extract(solution));
    }

    @Test
    void choicesAndLastLines() {
        assertEquals(Optional.of("C"), Answers.CHOICE.extract("A is wrong because ... so the answer is (C)"));
        assertEquals(Optional.of("B"), Answers.CHOICE.extract("Reasoning.\nAnswer: B"));
        assertEquals(Optional.of("paris"), Answers.LAST_LINE.extract("It is the capital.\n  Paris.  \n"));
    }

    @Test
    void pluralityTiesGoToTheSmallestAnswerWhateverTheOrder() {
        List<Optional<String>> answers = List.of(Optional.of("9"), Optional.of("12"), Optional.empty(),
                Optional.of("12"), Optional.of("9"));
        PluralityVote vote = PluralityVote.of(answers);
        List<Optional<String>> backwards = new java.util.ArrayList<>(answers);
        java.util.Collections.reverse(backwards);
        PluralityVote reversed = PluralityVote.of(backwards);

        assertEquals(Optional.of("12"), vote.answer(), "\"12\" < \"9\" as strings: ties are broken by the answer");
        assertEquals(vote, reversed);
        assertEquals(2, vote.agreeing());
        assertEquals(5, vote.answers());
    }

    @Test
    void theBandDropsQuestionsEveryAnswerAgreesOnAndThoseNoneAgreeOn() {
        PluralityVote all = PluralityVote.of(List.of(Optional.of("4"), Optional.of("4"), Optional.of("4")));
        PluralityVote none = PluralityVote.of(List.of(Optional.of("1"), Optional.of("2"), Optional.of("3")));
        PluralityVote some = PluralityVote.of(List.of(Optional.of("4"), Optional.of("4"), Optional.of("5")));

        assertEquals(PluralityStage.TOO_EASY, all.dropReason(2, 2));
        assertEquals(PluralityStage.TOO_HARD, none.dropReason(2, 2));
        assertNull(some.dropReason(2, 2));
    }

    @Test
    void temperatureZeroWithSeveralAnswersIsAConfigError() {
        InvalidConfigValue error = assertThrows(InvalidConfigValue.class, () -> new PluralityConfig(
                java.util.Optional.empty(), List.of(), List.of(new dev.phi4j.pipeline.teacher.TeacherConfig("t",
                "http://localhost:1/v1", "m", Optional.empty(), 1, 0, 1, 0, 0, 0, 0, 0)), "cache", 5,
                new Sampling(0, 1, 64), "number", 2, 0, "{question}"));
        assertTrue(error.getMessage().contains("copies of one answer"), error.getMessage());
    }
}

package dev.phi4j.pipeline.judge;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class JudgementTest {

    private static Judgement read(String reply) {
        Judgement.Reading reading = Judgement.read(reply);
        assertInstanceOf(Judgement.Read.class, reading, reply);
        return ((Judgement.Read) reading).judgement();
    }

    private static Judgement.Unreadable unreadable(String reply) {
        Judgement.Reading reading = Judgement.read(reply);
        assertInstanceOf(Judgement.Unreadable.class, reading, reply);
        return (Judgement.Unreadable) reading;
    }

    @Test
    void fencedJudgementAfterItsReasoningIsRead() {
        Judgement judgement = read("""
                The answer is right but says nothing about why.
                ```json
                {"faults": ["no reasoning", "too short"], "accuracy": 5, "style": 3, "detail": 1}
                ```""");
        assertEquals(List.of("no reasoning", "too short"), judgement.faults());
        assertEquals(5, judgement.accuracy());
        assertEquals(3, judgement.mean(), 1e-12);
    }

    @Test
    void braceInProseBeforeTheObjectIsSkipped() {
        assertEquals(4, read("The set {1, 2} is listed. {\"accuracy\": 4, \"style\": \"4\", \"detail\": 4}")
                .accuracy());
    }

    @Test
    void faultsMayBeMissingOrOneString() {
        assertEquals(List.of(), read("{\"accuracy\": 3, \"style\": 3, \"detail\": 3}").faults());
        assertEquals(List.of("rambles"), read("{\"faults\": \"rambles\", \"accuracy\": 3, \"style\": 2, "
                + "\"detail\": 3}").faults());
    }

    @Test
    void missingOrOutOfRangeScoresAreNamed() {
        Judgement.Unreadable missing = unreadable("{\"faults\": [], \"accuracy\": 5, \"style\": \"good\"}");
        assertEquals(Judgement.INVALID_SCORES, missing.reason());
        assertEquals("style is missing or not a number; detail is missing or not a number", missing.detail());
        assertEquals("accuracy 6 is outside 1–5",
                unreadable("{\"accuracy\": 6, \"style\": 5, \"detail\": 5}").detail());
    }

    @Test
    void replyWithoutAnObjectIsNotJson() {
        assertEquals(Judgement.NOT_JSON, unreadable("Accuracy: 5/5. Style: 4/5.").reason());
        assertEquals(Judgement.NOT_JSON, unreadable("{\"accuracy\": 5, \"style\": ").reason());
    }
}

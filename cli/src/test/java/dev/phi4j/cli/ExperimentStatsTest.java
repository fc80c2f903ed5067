package dev.phi4j.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The spread over seeds, against values worked out by hand. */
class ExperimentStatsTest {

    @Test
    void meanSampleStdMinMaxOfThreeSeeds() {
        ExperimentStats s = ExperimentStats.of(List.of(2.0, 4.0, 9.0));
        assertEquals(3, s.n());
        assertEquals(5.0, s.mean(), 1e-12);
        // squares about the mean: 9 + 1 + 16 = 26, over n − 1 = 2: 13
        assertEquals(Math.sqrt(13), s.std(), 1e-12);
        assertEquals(2.0, s.min());
        assertEquals(9.0, s.max());
        assertEquals("5.0000 ± 3.6056", s.meanStd());
        assertEquals("2.0000–9.0000", s.range());
    }

    @Test
    void oneValueHasNoSpreadAndMissingRunsAreCountedNotAveraged() {
        ExperimentStats one = ExperimentStats.of(List.of(3.5));
        assertEquals(0.0, one.std());
        ExperimentStats gap = ExperimentStats.of(List.of(1.0, Double.NaN, 3.0));
        assertEquals(2, gap.n());
        assertEquals(1, gap.missing());
        assertEquals(2.0, gap.mean(), 1e-12);
        ExperimentStats none = ExperimentStats.of(List.of(Double.NaN));
        assertTrue(Double.isNaN(none.mean()));
        assertEquals("n/a", none.meanStd());
    }
}

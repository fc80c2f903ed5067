package dev.phi4j.trainer.generate;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LogProbsTest {

    @Test
    void logSoftmaxIsStableForLargeLogits() {
        double[] logp = LogProbs.logSoftmax(new double[] {1000, 1000 + Math.log(3)});
        assertEquals(Math.log(0.25), logp[0], 1e-12);
        assertEquals(Math.log(0.75), logp[1], 1e-12);
    }

    @Test
    void topListsTheMostLikelyFirstAndBreaksTiesById() {
        List<LogProbs.Alternative> top = LogProbs.top(new double[] {-3, -1, -2, -1, -5}, 3);
        assertEquals(List.of(new LogProbs.Alternative(1, -1), new LogProbs.Alternative(3, -1),
                new LogProbs.Alternative(2, -2)), top);
        assertEquals(List.of(), LogProbs.top(new double[] {0}, 0));
    }
}

package dev.phi4j.trainer.align;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A scripted solver whose success probability is known per prefix: the search finds exactly what was planted. */
class PivotalTokenSearchTest {

    private static final int LENGTH = 40;

    @Test
    void exactlyThePlantedPivotalTokensAreFoundWithEitherSplit() {
        // p jumps at tokens 7 (+0.2), 21 (+0.25) and 33 (+0.3); elsewhere it drifts by less than p_gap per token.
        IntToDoubleFunction p = prefix -> 0.1 + (prefix > 7 ? 0.2 : 0) + (prefix > 21 ? 0.25 : 0)
                + (prefix > 33 ? 0.3 : 0) + 0.01 * Math.sin(prefix);
        for (PivotalTokenSearch.Split split : PivotalTokenSearch.Split.values()) {
            PivotalTokenSearch.Result result = new PivotalTokenSearch(new PivotalTokenSearch.Config(0.15, split))
                    .search(logProbs(1), p);
            assertEquals(List.of(7, 21, 33), result.pivotal().stream().map(PivotalTokenSearch.PivotalToken::index)
                    .toList(), split.name());
            assertTrue(result.pivotal().stream().allMatch(token -> token.delta() > 0.15), result.pivotal().toString());
            PivotalTokenSearch.Result falling = new PivotalTokenSearch(new PivotalTokenSearch.Config(0.15, split))
                    .search(logProbs(1), prefix -> prefix > 12 ? 0.1 : 0.8);
            assertEquals(1, falling.pivotal().size());
            assertEquals(12, falling.pivotal().get(0).index());
            assertEquals(-0.7, falling.pivotal().get(0).delta(), 1e-12, "a token that lowers p: a rejected one");
            assertTrue(result.prefixesEstimated() < LENGTH, split + " asked for " + result.prefixesEstimated()
                    + " prefixes, fewer than one per token");
        }
    }

    @Test
    void aSolutionWhoseSuccessNeverMovesHasNoPivotalTokenAndCostsTwoEstimates() {
        PivotalTokenSearch.Result result = new PivotalTokenSearch(new PivotalTokenSearch.Config(0.2,
                PivotalTokenSearch.Split.LOG_PROB_MIDPOINT)).search(logProbs(2), prefix -> 0.5);
        assertTrue(result.pivotal().isEmpty());
        assertEquals(2, result.prefixesEstimated(), "p of the empty prefix and of the whole solution");
    }

    @Test
    void changesBelowTheGapAreNotPivotalAndEachPrefixIsEstimatedOnce() {
        int[] calls = new int[LENGTH + 1];
        IntToDoubleFunction p = prefix -> {
            calls[prefix]++;
            return prefix > 12 ? 0.65 : 0.5;                        // a jump of 0.15 < p_gap
        };
        PivotalTokenSearch.Result result = new PivotalTokenSearch(new PivotalTokenSearch.Config(0.2,
                PivotalTokenSearch.Split.TOKEN_MIDPOINT)).search(logProbs(3), p);
        assertTrue(result.pivotal().isEmpty());
        assertTrue(Arrays.stream(calls).allMatch(count -> count <= 1), Arrays.toString(calls));
        assertThrows(IllegalArgumentException.class, () -> new PivotalTokenSearch.Config(0,
                PivotalTokenSearch.Split.TOKEN_MIDPOINT));
    }

    @Test
    void theLogProbMidpointCutsWhereHalfTheSurpriseIsSpent() {
        double[] logProbs = new double[LENGTH];
        Arrays.fill(logProbs, -0.01);
        logProbs[30] = -10;                                          // almost all the surprise is token 30
        int[] firstCut = new int[1];
        IntToDoubleFunction p = prefix -> {
            if (firstCut[0] == 0 && prefix != 0 && prefix != LENGTH) {
                firstCut[0] = prefix;
            }
            return prefix > 30 ? 0.9 : 0.1;
        };
        PivotalTokenSearch.Result result = new PivotalTokenSearch(new PivotalTokenSearch.Config(0.2,
                PivotalTokenSearch.Split.LOG_PROB_MIDPOINT)).search(logProbs, p);
        assertEquals(31, firstCut[0], "the first cut is right after the surprising token");
        assertEquals(List.of(30), result.pivotal().stream().map(PivotalTokenSearch.PivotalToken::index).toList());
    }

    private static double[] logProbs(long seed) {
        Random random = new Random(seed);
        double[] logProbs = new double[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            logProbs[i] = Math.log(0.05 + 0.95 * random.nextDouble());
        }
        return logProbs;
    }
}

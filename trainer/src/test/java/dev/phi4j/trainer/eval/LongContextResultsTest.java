package dev.phi4j.trainer.eval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LongContextResultsTest {

    private static final LongContextResults BEFORE = new LongContextResults(
            List.of(new Passkey.Result(256, 0.05, 5, 1), new Passkey.Result(256, 0.95, 5, 0)),
            List.of(new PositionPerplexity.Bucket(128, 0, 64, 100, Math.log(4)),
                    new PositionPerplexity.Bucket(128, 64, 128, 300, Math.log(8)),
                    new PositionPerplexity.Bucket(256, 0, 128, 100, Math.log(10)),
                    new PositionPerplexity.Bucket(256, 128, 256, 100, Math.log(40))));
    private static final LongContextResults AFTER = new LongContextResults(
            List.of(new Passkey.Result(256, 0.05, 5, 5), new Passkey.Result(256, 0.95, 5, 4)),
            List.of(new PositionPerplexity.Bucket(128, 0, 64, 100, Math.log(4)),
                    new PositionPerplexity.Bucket(128, 64, 128, 300, Math.log(8)),
                    new PositionPerplexity.Bucket(256, 0, 128, 100, Math.log(10)),
                    new PositionPerplexity.Bucket(256, 128, 256, 100, Math.log(10))));

    @Test
    void summariesPoolDepthsAndWeighBucketsByTheirPredictions() {
        assertEquals(0.1, BEFORE.passkeyAccuracy(256), 1e-12);
        assertEquals(Double.NaN, BEFORE.passkeyAccuracy(128));
        assertEquals(8, BEFORE.lastBucketPerplexity(128), 1e-9);
        assertEquals(Math.exp((100 * Math.log(4) + 300 * Math.log(8)) / 400), BEFORE.perplexity(128), 1e-9);
        assertEquals(20, BEFORE.perplexity(256), 1e-9);                              // √(10·40)
        assertEquals(Double.NaN, BEFORE.perplexity(512));
    }

    @Test
    void theTableHasARowPerLengthWithRatiosAndDashesForWhatWasNotMeasured() {
        String table = LongContextResults.beforeAfterTable(BEFORE, AFTER, List.of(128, 256));
        List<String> rows = table.lines().toList();

        assertEquals(4, rows.size(), table);
        assertEquals("| 128 | – | – | 8.00 | 8.00 | 1.00× | 6.73 | 6.73 | 1.00× |", rows.get(2));
        assertEquals("| 256 | 10% | 90% | 40.00 | 10.00 | 0.25× | 20.00 | 10.00 | 0.50× |", rows.get(3));
        assertTrue(rows.get(0).startsWith("| length | passkey before | passkey after |"), rows.get(0));
    }
}

package dev.phi4j.bench.train;

import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.trainer.model.PhiDecoder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@code phi4j bench train} reports: one timing per step, tokens/s from the median, FLOP/s, RSS, backend. */
class ThroughputProbeTest {

    /** Grouped-query: 4 query heads share 2 kv heads; head_dim 4. */
    private static final ModelConfig GQA = new ModelConfig(11, 16, 2, 4, 2, 12, 5, 10_000, 1e-5);

    @Test
    void reportsEveryTimedStepAndRatesFromTheMedian() {
        List<Double> heard = new ArrayList<>();
        ThroughputProbe.Result result = ThroughputProbe.measure(GQA, PhiDecoder.Masking.DOCUMENTS, 2, 1, 3,
                7, heard::add);

        assertEquals(3, result.stepSeconds().size());
        assertEquals(result.stepSeconds(), heard);
        assertEquals(2.0 * GQA.contextLength() / result.medianStepSeconds(), result.tokensPerSecond(),
                1e-9 * result.tokensPerSecond());
        assertEquals(result.tokensPerSecond() * GQA.trainingFlopsPerToken(GQA.contextLength()),
                result.flopsPerSecond(), 1e-9 * result.flopsPerSecond());
        assertTrue(result.peakRssBytes() > 0, "Linux reports VmHWM");
        assertTrue(result.backend().startsWith("CPU linux-x86_64"), result.backend());
        assertTrue(result.toString().contains("tokens/s"), result.toString());
    }

    @Test
    void refusesAnEmptyRun() {
        assertThrows(IllegalArgumentException.class,
                () -> ThroughputProbe.measure(GQA, PhiDecoder.Masking.CAUSAL, 2, 0, 0, 1, s -> {}));
    }
}

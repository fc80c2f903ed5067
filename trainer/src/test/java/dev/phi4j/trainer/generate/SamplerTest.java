package dev.phi4j.trainer.generate;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplerTest {

    private static final double[] LOGITS = {Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05)};

    @Test
    void greedyAndTopOneTakeTheArgmax() {
        double[] logits = {0.1, 2.5, -1, 2.4};
        assertEquals(1, Sampler.sample(logits, SamplingParams.greedy(1), new SplittableRandom(1)));
        SamplingParams topOne = SamplingParams.builder().temperature(1.5).topK(1).build();
        for (int i = 0; i < 50; i++) {
            assertEquals(1, Sampler.sample(logits, topOne, new SplittableRandom(i)));
        }
    }

    @Test
    void temperatureOneDrawsFromTheSoftmax() {
        int[] counts = draw(SamplingParams.builder().temperature(1).build(), 40_000);
        double[] expected = {0.5, 0.3, 0.15, 0.05};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], counts[i] / 40_000.0, 0.01, "token " + i);
        }
    }

    @Test
    void temperatureSharpensAndFlattens() {
        // At T, p_i ∝ p_i^(1/T): at T = 0.5 the ratio of the first two is (5/3)^2.
        int[] cold = draw(SamplingParams.builder().temperature(0.5).build(), 40_000);
        assertEquals(25.0 / 9, (double) cold[0] / cold[1], 0.15);
        int[] hot = draw(SamplingParams.builder().temperature(100).build(), 40_000);
        for (int count : hot) {
            assertEquals(0.25, count / 40_000.0, 0.02);
        }
    }

    @Test
    void topKAndTopPKeepTheMostLikelyTokens() {
        int[] topTwo = draw(SamplingParams.builder().temperature(1).topK(2).build(), 20_000);
        assertEquals(0, topTwo[2] + topTwo[3]);
        assertEquals(0.5 / 0.8, topTwo[0] / 20_000.0, 0.015);

        // 0.5 + 0.3 reaches 0.7: the nucleus is {0, 1}; at 0.81 it needs token 2 as well.
        int[] nucleus = draw(SamplingParams.builder().temperature(1).topP(0.7).build(), 20_000);
        assertEquals(0, nucleus[2] + nucleus[3]);
        int[] wider = draw(SamplingParams.builder().temperature(1).topP(0.81).build(), 20_000);
        assertTrue(wider[2] > 0);
        assertEquals(0, wider[3]);
    }

    @Test
    void equalSeedsDrawEqualSequences() {
        SamplingParams params = SamplingParams.builder().temperature(1).build();
        int[] a = new int[100];
        int[] b = new int[100];
        SplittableRandom ra = new SplittableRandom(42);
        SplittableRandom rb = new SplittableRandom(42);
        for (int i = 0; i < 100; i++) {
            a[i] = Sampler.sample(LOGITS, params, ra);
            b[i] = Sampler.sample(LOGITS, params, rb);
        }
        assertArrayEquals(a, b);
    }

    @Test
    void biasAndPenaltiesShiftLogitsAsTheOpenAiApiDefines() {
        double[] logits = {1, 1, 1, 1};
        SamplingParams params = SamplingParams.builder().logitBias(Map.of(3, -100.0))
                .presencePenalty(0.5).frequencyPenalty(0.25).build();
        Sampler.adjust(logits, params, new int[] {0, 1, 3, 0});
        assertArrayEquals(new double[] {1, 1 - 0.5 - 0.25, 1 - 0.5 - 0.75, -99}, logits, 1e-12);
    }

    private static int[] draw(SamplingParams params, int n) {
        SplittableRandom random = new SplittableRandom(7);
        int[] counts = new int[LOGITS.length];
        for (int i = 0; i < n; i++) {
            counts[Sampler.sample(LOGITS, params, random)]++;
        }
        return counts;
    }
}

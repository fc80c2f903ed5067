package dev.phi4j.trainer.generate;

import dev.phi4j.core.tokenizer.BpeTokenizer;
import dev.phi4j.trainer.model.PhiDecoder;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Generation, log-probabilities and scoring on the tiny preset with the KV cache, checked against
 * {@link PhiDecoder#logits} (the independent reference) and against the no-cache baseline.
 */
class GenerationTest {

    private static ComputationGraph net;
    private static BpeTokenizer tokenizer;
    private static Generator generator;
    private static int[] prompt;

    @BeforeAll
    static void setUp() {
        net = TinyLm.net(DataType.DOUBLE, PhiDecoder.Masking.CAUSAL, 11);
        tokenizer = TinyLm.tokenizer();
        generator = new Generator(new KvCacheModel(net), tokenizer, new DecodeLoop.Limits(8, 512));
        prompt = tokenizer.encode("The lighthouse keeper counted");
    }

    @Test
    void greedyFollowsTheArgmaxOfTheFullForward() {
        Completion completion = generator.generate(prompt, SamplingParams.greedy(8));
        int[] sequence = prompt;
        for (int step = 0; step < 8; step++) {
            INDArray last = TinyLm.referenceLogits(net, sequence, sequence.length - 1);
            int next = LogProbs.argmax(last.toDoubleVector());
            assertEquals(next, completion.tokens()[step], "token " + step);
            sequence = TinyLm.concat(sequence, new int[] {next});
        }
        assertEquals(FinishReason.LENGTH, completion.finishReason());
        assertEquals(tokenizer.decode(completion.tokens()), completion.text());
    }

    @Test
    void theNoCacheBaselineGeneratesTheSameTokens() {
        Generator baseline = new Generator(new FullRecomputeModel(net, TinyLm.CONFIG), tokenizer,
                new DecodeLoop.Limits(8, 512));
        SamplingParams params = SamplingParams.builder().maxNewTokens(3).temperature(0.7).seed(8).build();
        List<int[]> prompts = List.of(prompt, tokenizer.encode("one, two"));
        List<List<Completion>> cached = generator.generate(prompts, params, 2);
        List<List<Completion>> recomputed = baseline.generate(prompts, params, 2);
        for (int p = 0; p < 2; p++) {
            for (int j = 0; j < 2; j++) {
                assertArrayEquals(recomputed.get(p).get(j).tokens(), cached.get(p).get(j).tokens());
            }
        }
    }

    @Test
    void logprobsAreTheLogSoftmaxOfTheLogitsAtEachPosition() {
        Completion completion = generator.generate(prompt, SamplingParams.builder().maxNewTokens(6).temperature(1)
                .seed(3).topLogprobs(5).build());
        int[] sequence = TinyLm.concat(prompt, completion.tokens());
        INDArray logits = TinyLm.referenceLogits(net, sequence, prompt.length - 1);
        assertEquals(6, completion.logprobs().size());
        for (int i = 0; i < 6; i++) {
            double[] expected = TinyLm.referenceLogSoftmax(logits.getRow(i));
            TokenLogprob entry = completion.logprobs().get(i);
            assertEquals(completion.tokens()[i], entry.token());
            assertEquals(expected[entry.token()], entry.logprob(), 1e-9);
            assertEquals(5, entry.top().size());
            double[] sorted = expected.clone();
            Arrays.sort(sorted);
            for (int k = 0; k < 5; k++) {
                LogProbs.Alternative alternative = entry.top().get(k);
                assertEquals(sorted[sorted.length - 1 - k], alternative.logprob(), 1e-9);
                assertEquals(expected[alternative.token()], alternative.logprob(), 1e-9);
            }
        }
    }

    @Test
    void continuationScoresMatchTheFullForward() {
        int[] continuation = tokenizer.encode(" the ships at night");
        ContinuationScorer scorer = new ContinuationScorer(new KvCacheModel(net), 4);
        ContinuationScorer.Score score = scorer.score(prompt, continuation);

        INDArray logits = TinyLm.referenceLogits(net, TinyLm.concat(prompt, continuation), prompt.length - 1);
        double sum = 0;
        for (int i = 0; i < continuation.length; i++) {
            double expected = TinyLm.referenceLogSoftmax(logits.getRow(i))[continuation[i]];
            assertEquals(expected, score.perToken()[i], 1e-9);
            sum += expected;
        }
        assertEquals(sum, score.sum(), 1e-9);
        assertFalse(score.greedy(), "random weights do not predict English");

        Completion greedy = generator.generate(prompt, SamplingParams.greedy(5));
        ContinuationScorer.Score greedyScore = scorer.score(prompt, greedy.tokens());
        assertTrue(greedyScore.greedy());

        List<ContinuationScorer.Score> batch = scorer.scoreAll(List.of(
                new ContinuationScorer.Pair(prompt, continuation),
                new ContinuationScorer.Pair(tokenizer.encode("one, two"), tokenizer.encode(", three")),
                new ContinuationScorer.Pair(prompt, greedy.tokens())));
        assertEquals(score.sum(), batch.get(0).sum(), 1e-9);
        assertEquals(greedyScore.sum(), batch.get(2).sum(), 1e-9);
        assertEquals(scorer.score(tokenizer.encode("one, two"), tokenizer.encode(", three")).sum(), batch.get(1).sum(),
                1e-9);
    }

    @Test
    void promptLogprobsScoreThePromptTokens() {
        Completion echo = generator.generate(prompt, SamplingParams.builder().maxNewTokens(0).topLogprobs(2)
                .promptLogprobs(true).build());
        assertEquals(0, echo.tokens().length);
        assertEquals(prompt.length - 1, echo.promptLogprobs().size());
        INDArray logits = TinyLm.referenceLogits(net, prompt, 0);
        for (int i = 1; i < prompt.length; i++) {
            assertEquals(TinyLm.referenceLogSoftmax(logits.getRow(i - 1))[prompt[i]],
                    echo.promptLogprobs().get(i - 1).logprob(), 1e-9);
        }
    }

    @Test
    void stopTokensEndTheCompletionAndLeaveTheText() {
        int imEnd = tokenizer.specialTokens().imEnd();
        Completion forced = generator.generate(prompt, SamplingParams.builder().maxNewTokens(10)
                .logitBias(Map.of(imEnd, 1000.0)).topLogprobs(0).build());
        assertArrayEquals(new int[] {imEnd}, forced.tokens());
        assertEquals("", forced.text());
        assertEquals(FinishReason.STOP, forced.finishReason());
        assertEquals(List.of(), forced.logprobs(), "the stop token is not part of the text");
    }

    @Test
    void stopSequencesCutTheTextBeforeTheirFirstOccurrence() {
        Completion free = generator.generate(prompt, SamplingParams.greedy(16));
        String text = free.text();
        String stop = text.substring(text.length() / 2, text.length() / 2 + 3);
        Completion stopped = generator.generate(prompt, SamplingParams.builder().maxNewTokens(16)
                .stop(List.of(stop)).topLogprobs(0).build());
        assertEquals(text.substring(0, text.indexOf(stop)), stopped.text());
        assertEquals(FinishReason.STOP, stopped.finishReason());
        assertTrue(stopped.tokens().length < free.tokens().length);
        for (TokenLogprob entry : stopped.logprobs()) {
            assertTrue(entry.textOffset() < stopped.text().length() || stopped.text().isEmpty());
        }
    }

    @Test
    void seedsMakeSamplingReproducibleAndSamplesOfOneRequestDiffer() {
        SamplingParams params = SamplingParams.builder().maxNewTokens(8).temperature(1).topP(0.95).seed(1234).build();
        List<Completion> first = generator.generate(List.of(prompt), params, 3).get(0);
        List<Completion> again = generator.generate(List.of(prompt), params, 3).get(0);
        for (int j = 0; j < 3; j++) {
            assertArrayEquals(first.get(j).tokens(), again.get(j).tokens());
        }
        assertFalse(Arrays.equals(first.get(0).tokens(), first.get(1).tokens()));
        Completion otherSeed = generator.generate(prompt, params.toBuilder().seed(99).build());
        assertNotEquals(Arrays.toString(first.get(0).tokens()), Arrays.toString(otherSeed.tokens()));
        assertArrayEquals(first.get(0).tokens(), generator.generate(prompt, params).tokens(),
                "sample 0 uses the request's seed itself");
    }

    @Test
    void batchedPromptsGenerateWhatEachGeneratesAlone() {
        List<int[]> prompts = new ArrayList<>();
        for (String sentence : TinyLm.sampleSentences()) {
            prompts.add(tokenizer.encode(sentence));
        }
        List<List<Completion>> batched = generator.generate(prompts, SamplingParams.greedy(6), 2);
        for (int i = 0; i < prompts.size(); i++) {
            Completion alone = generator.generate(prompts.get(i), SamplingParams.greedy(6));
            assertArrayEquals(alone.tokens(), batched.get(i).get(0).tokens());
            assertArrayEquals(alone.tokens(), batched.get(i).get(1).tokens(), "greedy samples are equal");
        }
    }

    @Test
    void completionsStopAtTheContext() {
        int[] longPrompt = new int[TinyLm.CONFIG.contextLength() - 3];
        Arrays.fill(longPrompt, 5);
        Completion completion = generator.generate(longPrompt, SamplingParams.greedy(50));
        assertEquals(3, completion.tokens().length);
        assertEquals(FinishReason.LENGTH, completion.finishReason());

        int[] tooLong = new int[TinyLm.CONFIG.contextLength() + 1];
        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class,
                () -> generator.generate(tooLong, SamplingParams.greedy(1)));
        assertTrue(failure.getMessage().contains("context"), failure.getMessage());
    }
}

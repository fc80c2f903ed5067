package dev.phi4j.trainer.align;

import dev.phi4j.core.chat.ChatFormat;
import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.core.schema.Message;
import dev.phi4j.core.schema.Role;
import dev.phi4j.core.shard.TokenRow;
import dev.phi4j.core.tokenizer.BpeTokenizer;
import dev.phi4j.core.tokenizer.BpeTrainer;
import dev.phi4j.trainer.model.PhiDecoder;
import dev.phi4j.trainer.train.MicroBatches;
import dev.phi4j.trainer.train.Objective;
import dev.phi4j.trainer.train.TrainerConfig.DpoConfig;
import dev.phi4j.trainer.train.TrainerConfig.DpoConfig.DpoLoss;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.learning.config.NoOp;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DpoObjectiveTest {

    private static final BpeTokenizer TOKENIZER = new BpeTrainer(BpeTrainer.Settings.of(300)).train(
            Collections.nCopies(30, "What is two plus two? It is four. Name a colour: blue, red or green. "
                    + "The answer is 7, not 5; a prime like 23 or 29.").iterator(), done -> { });
    private static final ChatFormat CHAT = new ChatFormat(TOKENIZER);
    private static final int SEQ_LEN = 48;
    private static final ModelConfig MODEL = new ModelConfig(TOKENIZER.vocabSize(), 16, 2, 4, 2, 32, SEQ_LEN,
            10_000, 1e-5);
    private static final String[][] PAIRS = {
            {"What is two plus two?", "It is four.", "It is five."},
            {"Name a colour.", "Blue.", "The answer is 7."},
            {"Name a prime.", "23 or 29.", "It is four, not a prime."}};

    @Test
    void withThePolicyAsItsOwnReferenceTheLossIsLn2AndEveryRewardZero() {
        ComputationGraph net = network(1);
        MultiDataSet batch = batch(net);
        DpoObjective objective = new DpoObjective(net, dpo(DpoLoss.SIGMOID, 0.1, 0));
        Objective.Sum sum = objective.evaluate(batch);
        assertEquals(PAIRS.length, sum.targets(), 0.0);
        assertEquals(Math.log(2), sum.loss() / sum.targets(), 1e-12);
        DpoObjective.PairMetrics metrics = objective.metrics(DpoBatch.of(batch));
        for (int i = 0; i < PAIRS.length; i++) {
            assertEquals(0.0, metrics.chosenRewards()[i], 1e-12);
            assertEquals(0.0, metrics.rejectedRewards()[i], 1e-12);
            assertTrue(metrics.chosenLogps()[i] < 0 && metrics.rejectedLogps()[i] < 0);
        }
        assertEquals(0.0, metrics.accuracy(), "a tie is not a win");
        Map<String, Double> logged = objective.validationMetrics(List.of(batch));
        assertEquals(0.0, logged.get("rewards/margins"), 1e-12);
        assertEquals(0.0, logged.get("rewards/accuracies"), 0.0);
        assertEquals(metrics.chosenLogps()[0] + metrics.chosenLogps()[1] + metrics.chosenLogps()[2],
                3 * logged.get("logps/chosen"), 1e-9);
    }

    @Test
    void theGradientOfEveryVariantMatchesFiniteDifferences() {
        ComputationGraph reference = network(2);
        for (DpoConfig config : List.of(dpo(DpoLoss.SIGMOID, 0.5, 0), dpo(DpoLoss.SIGMOID, 0.5, 0.2),
                dpo(DpoLoss.IPO, 0.5, 0))) {
            ComputationGraph policy = network(3);
            MultiDataSet batch = batch(reference);
            DpoObjective objective = new DpoObjective(policy, config);
            INDArray gradient = policy.params().ulike();
            objective.accumulate(batch, gradient);

            INDArray params = policy.params();
            Random random = new Random(4);
            List<String> mismatches = new ArrayList<>();
            for (int probe = 0; probe < 25; probe++) {
                long i = random.nextInt((int) params.length());
                double original = params.getDouble(i), step = 1e-6;
                params.putScalar(i, original + step);
                double plus = objective.evaluate(batch).loss();
                params.putScalar(i, original - step);
                double minus = objective.evaluate(batch).loss();
                params.putScalar(i, original);
                double numeric = (plus - minus) / (2 * step), analytic = gradient.getDouble(i);
                if (Math.abs(numeric - analytic) > 1e-7 + 1e-4 * Math.abs(numeric)) {
                    mismatches.add("param " + i + ": analytic " + analytic + ", numeric " + numeric);
                }
            }
            assertTrue(mismatches.isEmpty(), config + ": " + mismatches);
            assertTrue(gradient.norm2Number().doubleValue() > 1e-6, "a gradient that could be wrong: " + config);
        }
    }

    @Test
    void cachedReferenceLogProbsEqualOnTheFlyOnesAndARestartComputesNothing(@TempDir Path cache) throws IOException {
        ComputationGraph reference = network(5);
        List<ReferenceLogProbs.Pair> pairs = new ArrayList<>();
        for (int i = 0; i < PAIRS.length; i++) {
            pairs.add(new ReferenceLogProbs.Pair("pair-" + i, row(PAIRS[i][0], PAIRS[i][1]),
                    row(PAIRS[i][0], PAIRS[i][2])));
        }
        ReferenceLogProbs.Result first = ReferenceLogProbs.of(() -> reference, "sha256:abc", pairs, SEQ_LEN,
                PhiDecoder.Masking.DOCUMENTS, 2, cache);
        ReferenceLogProbs.Result restarted = ReferenceLogProbs.of(() -> {
            throw new AssertionError("every pair is cached: the reference is not even loaded");
        }, "sha256:abc", pairs, SEQ_LEN, PhiDecoder.Masking.DOCUMENTS, 2, cache);

        assertEquals(List.of(PAIRS.length, 0), List.of(first.computed(), first.cached()));
        assertEquals(List.of(0, PAIRS.length), List.of(restarted.computed(), restarted.cached()));
        for (int i = 0; i < PAIRS.length; i++) {
            double[] onTheFly = SequenceLogProbs.of(reference, MicroBatches.of(
                    List.of(pairs.get(i).chosen(), pairs.get(i).rejected()), SEQ_LEN, PhiDecoder.Masking.DOCUMENTS));
            assertArrayEquals(onTheFly, new double[] {restarted.chosen("pair-" + i), restarted.rejected("pair-" + i)},
                    1e-12, "pair " + i);
        }
        ReferenceLogProbs.Result otherReference = ReferenceLogProbs.of(() -> network(6), "sha256:def", pairs,
                SEQ_LEN, PhiDecoder.Masking.DOCUMENTS, 2, cache);
        assertEquals(PAIRS.length, otherReference.computed(), "keyed by the reference's hash");
    }

    private static DpoConfig dpo(DpoLoss loss, double beta, double labelSmoothing) {
        return new DpoConfig(loss, beta, labelSmoothing, Optional.empty(), Optional.empty());
    }

    /** The pairs with the reference's log-probs from {@code reference}. */
    private static MultiDataSet batch(ComputationGraph reference) {
        List<TokenRow> chosen = new ArrayList<>(), rejected = new ArrayList<>();
        for (String[] pair : PAIRS) {
            chosen.add(row(pair[0], pair[1]));
            rejected.add(row(pair[0], pair[2]));
        }
        List<TokenRow> rows = new ArrayList<>(chosen);
        rows.addAll(rejected);
        double[] logps = SequenceLogProbs.of(reference, MicroBatches.of(rows, SEQ_LEN, PhiDecoder.Masking.DOCUMENTS));
        double[] referenceChosen = new double[PAIRS.length], referenceRejected = new double[PAIRS.length];
        System.arraycopy(logps, 0, referenceChosen, 0, PAIRS.length);
        System.arraycopy(logps, PAIRS.length, referenceRejected, 0, PAIRS.length);
        return DpoBatch.of(chosen, rejected, referenceChosen, referenceRejected, SEQ_LEN, PhiDecoder.Masking.DOCUMENTS);
    }

    /** The prompt as a user turn and the answer as the assistant's, the answer and its im_end masked in. */
    private static TokenRow row(String prompt, String answer) {
        ChatFormat.Encoded encoded = CHAT.encodeForTraining(List.of(new Message(Role.USER, prompt),
                new Message(Role.ASSISTANT, answer)));
        assertTrue(encoded.tokens().length <= SEQ_LEN + 1, "fits: " + encoded.tokens().length);
        int[] tokens = new int[SEQ_LEN + 1];
        boolean[] mask = new boolean[SEQ_LEN + 1];
        System.arraycopy(encoded.tokens(), 0, tokens, 0, encoded.tokens().length);
        System.arraycopy(encoded.trainable(), 0, mask, 0, encoded.trainable().length);
        return new TokenRow(tokens, new int[] {0}, mask);
    }

    private static ComputationGraph network(long seed) {
        return PhiDecoder.build(MODEL, PhiDecoder.Masking.DOCUMENTS,
                new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.DOUBLE).updater(new NoOp()));
    }
}

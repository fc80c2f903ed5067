package dev.phi4j.trainer.train;

import dev.phi4j.core.chat.ChatFormat;
import dev.phi4j.core.schema.Message;
import dev.phi4j.core.schema.Role;
import dev.phi4j.core.shard.ShardNames;
import dev.phi4j.core.shard.ShardSet;
import dev.phi4j.core.shard.ShardWriter;
import dev.phi4j.core.shard.TokenRow;
import dev.phi4j.trainer.model.PhiDecoder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The silent failures other SFT trainers are known for, each made loud or impossible here: a set whose loss mask
 * trains on nothing, a batch without a trainable token logged as loss 0, packed conversations attending to each
 * other, and token accuracy counted over positions that are not trained.
 */
class SftDataTest {

    private static final ChatFormat CHAT = new ChatFormat(TrainFixtures.tokenizer());
    private static final int SEQ_LEN = 64;

    @Test
    void aTrainSplitWhoseLossMaskIsZeroEverywhereIsRefusedNamingTheSet(@TempDir Path dir) throws IOException {
        TokenRow untrained = new TokenRow(new int[SEQ_LEN + 1], new int[] {0}, new boolean[SEQ_LEN + 1]);
        ShardSet data = write(dir.resolve("sft"), List.of(untrained, untrained, untrained));
        TrainerConfig config = TrainFixtures.trainer("{max_steps: 1, micro_batch_size: 1, global_batch_tokens: "
                + SEQ_LEN + ", schedule: {warmup_steps: 1}}");
        Trainer.Run run = new Trainer.Run(dir.resolve("run"), 1, TrainFixtures.MODEL.withContext(SEQ_LEN, 10_000),
                TrainFixtures.tokenizer(), TrainFixtures.tokenizerIn(dir), config);

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Trainer.start(run, data, TrainingProgress.SILENT));
        assertTrue(error.getMessage().startsWith(data.directory().resolve("manifest.json") + ": the train split's "
                + "loss mask is 0 at every position of its 3 sequences"), error.getMessage());
        assertFalse(Files.exists(dir.resolve("run/metrics.jsonl")), "nothing was trained");
    }

    @Test
    void aStepWithoutATrainableTokenIsSkippedWithAnUndefinedLossAndChangesNoWeight() {
        ComputationGraph net = network(PhiDecoder.Masking.DOCUMENTS, 3);
        INDArray before = net.params().dup();
        TrainStep step = new TrainStep(net, new AdamW(TrainFixtures.trainer("{}").optimizer(), DecayMask.of(net)), 1);
        TokenRow row = packed(conversation("What is 2+2?", "4"), conversation("Name a colour.", "Blue."));
        TokenRow untrained = new TokenRow(row.tokens(), row.documentStarts(), new boolean[SEQ_LEN + 1]);

        TrainStep.Outcome outcome = step.run(List.of(MicroBatches.of(List.of(untrained), SEQ_LEN,
                PhiDecoder.Masking.DOCUMENTS)), 1e-2);

        assertTrue(outcome.empty() && !outcome.applied(), outcome.toString());
        assertTrue(Double.isNaN(outcome.loss()), "undefined, not 0: " + outcome.loss());
        assertEquals(before, net.params());

        TrainStep.Outcome trained = step.run(List.of(MicroBatches.of(List.of(row), SEQ_LEN,
                PhiDecoder.Masking.DOCUMENTS)), 1e-2);
        assertTrue(trained.applied() && trained.loss() > 0, trained.toString());
        assertEquals(targets(row), trained.targets(), 0.0);
    }

    @Test
    void packedConversationsDoNotSeeEachOther() {
        ChatFormat.Encoded first = conversation("What is 2+2?", "4");
        ChatFormat.Encoded second = conversation("Name a colour.", "Blue.");
        TokenRow row = packed(first, second);
        int[] changedTokens = row.tokens().clone();
        for (int i = 3; i < first.tokens().length - 1; i++) {                    // the first conversation's text
            changedTokens[i] = (changedTokens[i] + 7) % TrainFixtures.VOCAB;
        }
        TokenRow changed = new TokenRow(changedTokens, row.documentStarts(), row.lossMask());
        int from = first.tokens().length, to = from + second.tokens().length;

        for (PhiDecoder.Masking masking : PhiDecoder.Masking.values()) {
            ComputationGraph net = network(masking, 5);
            INDArray secondLogits = logits(net, row, masking, from, to);
            INDArray secondLogitsAfterChange = logits(net, changed, masking, from, to);
            double difference = secondLogits.sub(secondLogitsAfterChange).amaxNumber().doubleValue();
            if (masking == PhiDecoder.Masking.DOCUMENTS) {
                assertEquals(0.0, difference, 1e-12, "the second conversation must not see the first");
            } else {
                assertTrue(difference > 1e-6, "without document masking it does (" + difference + ")");
            }
        }
    }

    @Test
    void tokenAccuracyCountsTrainedPositionsOnly() {
        ComputationGraph net = network(PhiDecoder.Masking.DOCUMENTS, 7);
        TokenRow row = packed(conversation("What is 2+2?", "4"), conversation("Name a colour.", "Blue."));
        MultiDataSet batch = MicroBatches.of(List.of(row), SEQ_LEN, PhiDecoder.Masking.DOCUMENTS);
        INDArray predicted = PhiDecoder.logits(net, batch.getFeatures()).argMax(2);             // (1, T)
        int correct = 0;
        for (int t = 0; t < SEQ_LEN; t++) {
            boolean right = predicted.getInt(0, t) == row.tokens()[t + 1];
            correct += right && row.lossMask()[t + 1] ? 1 : 0;
        }

        TokenAccuracy.Count count = TokenAccuracy.of(net, batch);
        assertEquals(targets(row), count.targets(), 0.0);
        assertEquals(correct, count.correct(), 0.0);
    }

    @Test
    void everyAssistantTurnTrainsOnItsClosingImEnd() {
        ChatFormat.Encoded encoded = conversation("What is 2+2?", "4");
        int imEnd = TrainFixtures.tokenizer().specialTokens().imEnd();
        int last = encoded.tokens().length - 1;
        assertEquals(imEnd, encoded.tokens()[last]);
        assertTrue(encoded.trainable()[last], "the model must learn to end its turn");
        assertFalse(encoded.trainable()[0], "headers are not trained");
    }

    private static ChatFormat.Encoded conversation(String question, String answer) {
        return CHAT.encodeForTraining(List.of(new Message(Role.USER, question), new Message(Role.ASSISTANT, answer)));
    }

    /** Conversations one after the other in a row of SEQ_LEN + 1 tokens, padded with untrained zeros. */
    private static TokenRow packed(ChatFormat.Encoded... conversations) {
        int[] tokens = new int[SEQ_LEN + 1];
        boolean[] mask = new boolean[SEQ_LEN + 1];
        int[] starts = new int[conversations.length];
        int at = 0;
        for (int c = 0; c < conversations.length; c++) {
            starts[c] = at;
            System.arraycopy(conversations[c].tokens(), 0, tokens, at, conversations[c].tokens().length);
            System.arraycopy(conversations[c].trainable(), 0, mask, at, conversations[c].trainable().length);
            at += conversations[c].tokens().length;
        }
        assertTrue(at <= SEQ_LEN, "the conversations fit: " + at);
        return new TokenRow(tokens, starts, mask);
    }

    /** Trained targets of a row: loss-mask entries at positions 1..SEQ_LEN (position 0 is never a label). */
    private static int targets(TokenRow row) {
        int count = 0;
        for (int t = 1; t <= SEQ_LEN; t++) {
            count += row.lossMask()[t] ? 1 : 0;
        }
        return count;
    }

    private static ShardSet write(Path dir, List<TokenRow> rows) throws IOException {
        try (ShardWriter writer = ShardWriter.create(dir,
                ShardWriter.Settings.of(SEQ_LEN, TrainFixtures.tokenizer(), Map.of()).withLossMask(true))) {
            for (TokenRow row : rows) {
                writer.append(ShardNames.TRAIN, row);
            }
            writer.finish();
        }
        return ShardSet.open(dir);
    }

    private static ComputationGraph network(PhiDecoder.Masking masking, long seed) {
        return PhiDecoder.build(TrainFixtures.MODEL.withContext(SEQ_LEN, 10_000), masking,
                new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.DOUBLE).updater(new NoOp()));
    }

    /** Logits of positions from..to-1, (to - from, vocab). */
    private static INDArray logits(ComputationGraph net, TokenRow row, PhiDecoder.Masking masking, int from, int to) {
        MultiDataSet batch = MicroBatches.of(List.of(row), SEQ_LEN, masking);
        return PhiDecoder.logits(net, batch.getFeatures())
                .get(NDArrayIndex.point(0), NDArrayIndex.interval(from, to), NDArrayIndex.all());
    }
}

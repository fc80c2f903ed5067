package dev.phi4j.trainer.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.core.shard.ShardSet;
import dev.phi4j.core.shard.ShardWriter;
import dev.phi4j.core.shard.TokenRow;
import dev.phi4j.trainer.align.PreferenceData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The DPO phase through the real training loop: {@code trainer.objective: dpo} on a DPO shard set. */
class DpoPhaseTest {

    private static final ModelConfig MODEL = TrainFixtures.MODEL.withContext(32, 10_000);
    private static final int SEQ_LEN = MODEL.contextLength();
    /** Prompt, chosen and rejected continuation, from the sample books' vocabulary. */
    private static final String[][] PAIRS = {
            {"The keeper wrote", " the date", " a stone"},
            {"Counting starts", " at one", " in the sea"},
            {"The lamp", " was lit", " was a ledger"},
            {"Ships passed", " at night", " on paper"},
            {"He counted", " the waves", " the lamp"},
            {"The ledger held", " every ship", " no light"}};

    @TempDir
    static Path shared;
    private static Path sft;
    private static ShardSet pairs;

    @BeforeAll
    static void sftModelAndPairs() throws IOException {
        sft = shared.resolve("sft");
        Trainer.start(run(sft, TrainFixtures.trainer("{max_steps: 2, micro_batch_size: 2, global_batch_tokens: 64, "
                + "schedule: {warmup_steps: 1}, eval: {interval: 0}}")), TextPacker.pack(TrainFixtures.BOOKS,
                TrainerConfig.DataConfig.DocumentSplit.BLANK_LINES, 0.1, TrainFixtures.tokenizer(), SEQ_LEN,
                shared.resolve("books")).shards(), TrainingProgress.SILENT).train();
        pairs = write(shared.resolve("dpo"));
    }

    @Test
    void dpoStartsAtLn2WithZeroRewardsThenPrefersTheChosenAndLogsTheReferenceTrainersMetrics(@TempDir Path dir)
            throws IOException {
        TrainerConfig config = dpo(6, dir.resolve("cache"));
        Trainer.Run run = run(dir.resolve("dpo"), config);
        PreferenceData data = PreferenceData.open(pairs, config, run.directory(), SEQ_LEN, TrainingProgress.SILENT);
        assertEquals(PAIRS.length, data.referenceWork().computed(), "the reference scores every pair once");
        assertEquals(0, data.referenceWork().cached());
        assertEquals(4, data.size());

        Trainer.start(run, data, TrainingProgress.SILENT).train();

        List<JsonNode> steps = TrainFixtures.steps(run.directory());
        JsonNode first = steps.get(0);
        assertEquals(Math.log(2), first.get("loss").asDouble(), 1e-6, "the policy starts as its own reference");
        assertEquals(0.0, first.get("rewards/chosen").asDouble(), 1e-6);
        assertEquals(0.0, first.get("rewards/rejected").asDouble(), 1e-6);
        assertEquals(4L * SEQ_LEN * 2, first.get("tokens").asLong(), "two pairs of two sequences per step");
        JsonNode last = steps.get(steps.size() - 1);
        assertTrue(last.get("loss").asDouble() < Math.log(2), last.toString());
        assertTrue(last.get("rewards/margins").asDouble() > 0, last.toString());
        assertEquals(last.get("rewards/chosen").asDouble() - last.get("rewards/rejected").asDouble(),
                last.get("rewards/margins").asDouble(), 1e-9);
        for (String metric : List.of("rewards/accuracies", "logps/chosen", "logps/rejected")) {
            assertTrue(last.has(metric), metric + " in " + last);
        }
        JsonNode eval = TrainFixtures.events(run.directory(), "eval").get(0);
        assertTrue(eval.has("val_rewards/accuracies") && eval.has("val_loss"), eval.toString());
        assertTrue(!eval.has("val_token_accuracy"), "token accuracy is next-token prediction's");
    }

    @Test
    void aResumedRunReadsTheReferenceFromTheCacheAndTrainsExactlyAsTheUninterruptedOne(@TempDir Path dir)
            throws IOException {
        Path cache = dir.resolve("cache");
        TrainerConfig config = dpo(4, cache);
        Trainer.Run whole = run(dir.resolve("whole"), config);
        Trainer.start(whole, PreferenceData.open(pairs, config, whole.directory(), SEQ_LEN, TrainingProgress.SILENT),
                TrainingProgress.SILENT).train();

        Trainer.Run halves = run(dir.resolve("halves"), config);
        PreferenceData cached = PreferenceData.open(pairs, config, halves.directory(), SEQ_LEN, TrainingProgress.SILENT);
        assertEquals(0, cached.referenceWork().computed(), "the same reference and pairs: nothing to compute");
        assertEquals(PAIRS.length, cached.referenceWork().cached());
        Trainer.start(halves, cached, TrainingProgress.SILENT).train(2);
        Trainer.resume(halves, PreferenceData.open(pairs, config, halves.directory(), SEQ_LEN,
                TrainingProgress.SILENT), TrainingProgress.SILENT).train();

        assertEquals(losses(whole.directory()), losses(halves.directory()));
    }

    @Test
    void dpoOnASetWithoutPairsIsRefusedNamingItsSplits(@TempDir Path dir) {
        ShardSet books = TrainFixtures.packedBooks(dir.resolve("books"));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> PreferenceData.open(books,
                dpo(2, dir.resolve("cache")), dir.resolve("run"), SEQ_LEN, TrainingProgress.SILENT));
        assertTrue(error.getMessage().startsWith(books.directory().resolve("manifest.json") + ": a DPO set has splits "
                + "chosen and rejected"), error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Trainer.start(run(dir.resolve("run"),
                dpo(2, dir.resolve("cache"))), books, TrainingProgress.SILENT), "plain sequences under dpo");
    }

    private static Trainer.Run run(Path dir, TrainerConfig config) {
        return new Trainer.Run(dir, 42, MODEL, TrainFixtures.tokenizer(), TrainFixtures.tokenizerIn(dir), config);
    }

    private static TrainerConfig dpo(long steps, Path cache) {
        return TrainFixtures.trainer("{objective: 'dpo', init_from: '" + sft + "', max_steps: " + steps
                + ", micro_batch_size: 2, global_batch_tokens: " + (2 * 2 * 2 * SEQ_LEN) + ", optimizer: {lr: 0.01}, "
                + "schedule: {warmup_steps: 1}, eval: {interval: 3}, dpo: {beta: 0.5, reference_cache: '" + cache
                + "'}}");
    }

    private static List<Double> losses(Path runDir) {
        return TrainFixtures.steps(runDir).stream().map(step -> step.get("loss").asDouble()).toList();
    }

    /** Pairs 0–3 for training, 4–5 held out; each row the prompt then one continuation, the continuation in the mask. */
    private static ShardSet write(Path dir) throws IOException {
        try (ShardWriter writer = ShardWriter.create(dir,
                ShardWriter.Settings.of(SEQ_LEN, TrainFixtures.tokenizer(), Map.of()).withLossMask(true))) {
            for (int i = 0; i < PAIRS.length; i++) {
                boolean held = i >= 4;
                writer.append(held ? PreferenceData.VALIDATION_CHOSEN : PreferenceData.CHOSEN,
                        row(PAIRS[i][0], PAIRS[i][1]));
                writer.append(held ? PreferenceData.VALIDATION_REJECTED : PreferenceData.REJECTED,
                        row(PAIRS[i][0], PAIRS[i][2]));
            }
            writer.finish();
        }
        return ShardSet.open(dir);
    }

    private static TokenRow row(String prompt, String continuation) {
        int[] p = TrainFixtures.tokenizer().encode(prompt);
        int[] c = TrainFixtures.tokenizer().encode(continuation);
        int[] tokens = new int[SEQ_LEN + 1];
        boolean[] mask = new boolean[SEQ_LEN + 1];
        System.arraycopy(p, 0, tokens, 0, p.length);
        System.arraycopy(c, 0, tokens, p.length, c.length);
        for (int t = p.length; t < p.length + c.length; t++) {
            mask[t] = true;
        }
        return new TokenRow(tokens, new int[] {0}, mask);
    }
}

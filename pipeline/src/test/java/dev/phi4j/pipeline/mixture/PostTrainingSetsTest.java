package dev.phi4j.pipeline.mixture;

import dev.phi4j.core.chat.ChatFormat;
import dev.phi4j.core.schema.Conversation;
import dev.phi4j.core.schema.Message;
import dev.phi4j.core.schema.PreferenceKind;
import dev.phi4j.core.schema.PreferencePair;
import dev.phi4j.core.shard.ShardManifest;
import dev.phi4j.core.shard.ShardSet;
import dev.phi4j.core.shard.TokenRow;
import dev.phi4j.core.tokenizer.Phi4Tokenizer;
import dev.phi4j.core.tokenizer.Tokenizer;
import dev.phi4j.pipeline.TestSpark;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/** SFT and DPO sets from the bundled sample chats and pairs (plus bad lines), with Phi-4's tokenizer. */
class PostTrainingSetsTest {

    private static final int SEQ_LEN = 160;

    @TempDir
    static Path dir;

    private static SparkSession spark;
    private static List<MixtureBuild.Outcome> outcomes;
    private static final Tokenizer TOKENIZER = Phi4Tokenizer.instance();
    private static final ChatFormat CHAT = new ChatFormat(TOKENIZER);

    @BeforeAll
    static void build() throws IOException {
        spark = TestSpark.session();
        Path sample = TestSpark.root().resolve("datasets/sample");
        Path chats = dir.resolve("chats.jsonl");
        List<String> lines = new ArrayList<>(Files.readAllLines(sample.resolve("sft/conversations.jsonl")));
        lines.add("{\"messages\": [{\"role\": \"user\", \"content\": \"" + "very long question ".repeat(200)
                + "\"}, {\"role\": \"assistant\", \"content\": \"ok\"}]}");
        lines.add("{\"messages\": [{\"role\": \"user\", \"content\": \"only a question\"}]}");
        lines.add("{\"messages\": [{\"role\": \"narrator\", \"content\": \"x\"}]}");
        lines.add("{not json");
        Files.write(chats, lines);
        MixtureConfig config = new MixtureConfig(Map.of(), Optional.of(dir.resolve("mixtures").toString()), MixtureFixtures.PHI4, MixtureFixtures.SPARK, 99,
                new ProfileConfig(3, 10, 100), List.of(
                new SftSetConfig("sft", SEQ_LEN, List.of(chats.toString()), PostTrainingInput.AUTO,
                        SftSetConfig.Packing.PACKED, 0.1, 1L << 27, 2),
                new SftSetConfig("sft-padded", SEQ_LEN, List.of(chats.toString()), PostTrainingInput.JSONL,
                        SftSetConfig.Packing.PADDED, 0.0, 1L << 27, 1),
                new DpoSetConfig("dpo", SEQ_LEN, List.of(sample.resolve("dpo/pairs.jsonl").toString()),
                        PostTrainingInput.AUTO, 0.0, 1L << 27, 1)));
        outcomes = MixtureFixtures.build(spark, config);
    }

    private static Map<String, Conversation> conversations() throws IOException {
        Map<String, Conversation> byId = new HashMap<>();
        for (String line : Files.readAllLines(TestSpark.root().resolve("datasets/sample/sft/conversations.jsonl"))) {
            Conversation c = PostTrainingRecords.conversation(line);
            byId.put(c.id(), c);
        }
        return byId;
    }

    /** The rows of a split with the ids of their segments from the sequence index. */
    private static Map<Long, List<String>> index(String set, String file) {
        Map<Long, List<String>> rows = new HashMap<>();
        for (Row row : spark.read().parquet(dir.resolve("mixtures").resolve(set).resolve("sequences").toString())
                .filter("file = '" + file + "'").collectAsList()) {
            rows.put(row.getLong(2), row.getList(3));
        }
        return rows;
    }

    @Test
    void everyConversationIsKeptOrDroppedWithAReason() {
        var counts = outcomes.get(0).manifest().counts();
        assertEquals(20, counts.in());
        assertEquals(16, counts.kept());
        assertEquals(Map.of("too_long", 1L, "no_assistant_turn", 1L, "invalid_record", 1L, "malformed_json", 1L),
                counts.droppedByReason());
        assertTrue(outcomes.get(0).manifest().sections().get("sft.dropped_examples").size() >= 4);
    }

    @Test
    void lossMaskCoversAssistantTurnsAndTheirImEndOnly() throws IOException {
        Map<String, Conversation> byId = conversations();
        ShardSet set = ShardSet.open(dir.resolve("mixtures/sft/shards"));
        assertTrue(set.manifest().lossMask());
        int seen = 0;
        int imEnd = TOKENIZER.specialTokens().imEnd();
        for (String split : List.of("train", "validation")) {
            ShardSet.Split rows = set.split(split);
            long base = 0;
            for (ShardManifest.ShardFile file : set.manifest().splits().get(split)) {
                Map<Long, List<String>> ids = index("sft", file.file());
                for (long r = 0; r < file.sequences(); r++) {
                    TokenRow row = rows.get(base + r);
                    int[] starts = row.documentStarts();
                    for (int d = 0; d < starts.length; d++) {
                        int end = d + 1 < starts.length ? starts[d + 1] : row.tokens().length;
                        String id = ids.get(r).get(d);
                        int[] tokens = Arrays.copyOfRange(row.tokens(), starts[d], end);
                        boolean[] mask = Arrays.copyOfRange(row.lossMask(), starts[d], end);
                        if (id == null) {
                            for (int i = 0; i < tokens.length; i++) {
                                assertEquals(TOKENIZER.specialTokens().endOfText(), tokens[i], "padding");
                                assertFalse(mask[i], "padding is outside the loss");
                            }
                            continue;
                        }
                        ChatFormat.Encoded expected = CHAT.encodeForTraining(byId.get(id).messages());
                        assertArrayEquals(expected.tokens(), tokens, id);
                        assertArrayEquals(expected.trainable(), mask, id);
                        assertTrue(mask[mask.length - 1] && tokens[tokens.length - 1] == imEnd,
                                "the <|im_end|> closing the last (assistant) turn is trained on");
                        assertFalse(mask[0], "<|im_start|> of the prompt is not");
                        seen++;
                    }
                }
                base += file.sequences();
            }
        }
        assertEquals(16, seen, "every kept conversation appears exactly once, whole");
        assertTrue(set.hasSplit("validation"), "validation_fraction 0.1 holds out some of 16 conversations");
    }

    @Test
    void assistantContentIsTrainedAndUserContentIsNot() {
        Conversation c = Conversation.of(List.of(Message.user("Is 91 prime?"), Message.assistant("No, 7 × 13.")),
                List.of());
        ChatFormat.Encoded encoded = CHAT.encodeForTraining(c.messages());
        String trained = decode(encoded, true);
        String untrained = decode(encoded, false);
        assertEquals("No, 7 × 13.<|im_end|>", trained);
        assertEquals("<|im_start|>user<|im_sep|>Is 91 prime?<|im_end|><|im_start|>assistant<|im_sep|>", untrained);
    }

    private static String decode(ChatFormat.Encoded encoded, boolean trained) {
        int[] picked = java.util.stream.IntStream.range(0, encoded.tokens().length)
                .filter(i -> encoded.trainable()[i] == trained).map(i -> encoded.tokens()[i]).toArray();
        return TOKENIZER.decode(picked);
    }

    @Test
    void paddedPackingPutsOneConversationPerRow() {
        ShardSet set = ShardSet.open(dir.resolve("mixtures/sft-padded/shards"));
        assertEquals(16, set.split("train").size());
        for (TokenRow row : set.split("train")) {
            assertTrue(row.documentStarts().length <= 2, "a conversation and its padding");
        }
        assertFalse(set.hasSplit("validation"));
        ShardSet packed = ShardSet.open(dir.resolve("mixtures/sft/shards"));
        assertTrue(packed.split("train").size() + packed.split("validation").size() < 16,
                "packing puts several conversations in a row");
    }

    @Test
    void dpoRowsPairChosenAndRejectedWithTheContinuationInTheLoss() throws IOException {
        ShardSet set = ShardSet.open(dir.resolve("mixtures/dpo/shards"));
        ShardSet.Split chosen = set.split("chosen");
        ShardSet.Split rejected = set.split("rejected");
        assertEquals(10, chosen.size());
        assertEquals(chosen.size(), rejected.size());
        Map<String, PreferencePair> byId = new HashMap<>();
        for (String line : Files.readAllLines(TestSpark.root().resolve("datasets/sample/dpo/pairs.jsonl"))) {
            PreferencePair pair = PostTrainingRecords.pair(line);
            byId.put(pair.id(), pair);
        }
        Map<Long, List<String>> ids = index("dpo", "chosen-00000.bin");
        int pts = 0;
        for (long r = 0; r < chosen.size(); r++) {
            PreferencePair pair = byId.get(ids.get(r).get(0));
            int[] prompt = PostTrainingBuilder.prompt(CHAT, pair);
            for (boolean isChosen : new boolean[] {true, false}) {
                TokenRow row = (isChosen ? chosen : rejected).get(r);
                String text = isChosen ? pair.chosen() : pair.rejected();
                int[] continuation = PostTrainingBuilder.continuation(CHAT, pair, text);
                assertArrayEquals(prompt, Arrays.copyOf(row.tokens(), prompt.length), "same prompt in both rows");
                assertArrayEquals(continuation, Arrays.copyOfRange(row.tokens(), prompt.length,
                        prompt.length + continuation.length));
                for (int i = 0; i < row.tokens().length; i++) {
                    boolean inContinuation = i >= prompt.length && i < prompt.length + continuation.length;
                    assertEquals(inContinuation, row.lossMask()[i], "position " + i);
                }
            }
            String promptText = TOKENIZER.decode(prompt);
            if (pair.kind() == PreferenceKind.PTS) {
                pts++;
                assertTrue(promptText.endsWith(pair.prompt().get(pair.prompt().size() - 1).content()),
                        "a pivotal-token prompt ends inside the open assistant turn: " + promptText);
                assertEquals(pair.chosen(), TOKENIZER.decode(PostTrainingBuilder.continuation(CHAT, pair,
                        pair.chosen())), "no <|im_end|> after a pivotal token");
            } else {
                assertTrue(promptText.endsWith("<|im_start|>assistant<|im_sep|>"), promptText);
                assertTrue(TOKENIZER.decode(PostTrainingBuilder.continuation(CHAT, pair, pair.chosen()))
                        .endsWith("<|im_end|>"));
            }
        }
        assertEquals(2, pts);
        assertEquals(2, outcomes.get(2).manifest().sections().get("dpo.summary").path("pairs_by_kind").path("pts")
                .asLong());
    }

    @Test
    void aBuildKilledMidSetIsRedoneFromScratch() throws IOException {
        Path mixtures = dir.resolve("killed");
        Files.createDirectories(mixtures.resolve("_tmp/chat-0f0f/shards"));
        Files.writeString(mixtures.resolve("_tmp/chat-0f0f/shards/train-00000.bin"), "half a shard");
        Files.createDirectories(mixtures.resolve("chat/shards"));
        Files.writeString(mixtures.resolve("chat/shards/train-00000.bin"), "a set folder without its _mixture.json");
        MixtureConfig config = new MixtureConfig(Map.of(), Optional.of(mixtures.toString()),
                MixtureFixtures.PHI4, MixtureFixtures.SPARK, 99, new ProfileConfig(3, 10, 100), List.of(
                new SftSetConfig("chat", SEQ_LEN, List.of(TestSpark.root().resolve("datasets/sample/sft/conversations.jsonl")
                        .toString()), PostTrainingInput.AUTO, SftSetConfig.Packing.PACKED, 0.0, 1L << 27, 1)));
        MixtureBuild.Outcome outcome = MixtureFixtures.build(spark, config).get(0);
        assertFalse(outcome.reused());
        assertFalse(Files.exists(mixtures.resolve("_tmp/chat-0f0f")), "the killed attempt's leftovers are removed");
        assertEquals(16, outcome.manifest().counts().kept());
        assertTrue(ShardSet.open(mixtures.resolve("chat/shards")).split("train").size() > 0,
                "the set folder holds the new, complete shards");
        assertTrue(MixtureFixtures.build(spark, config).get(0).reused(), "a finished set is reused");
    }
}

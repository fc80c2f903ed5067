package dev.phi4j.pipeline.mixture;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phi4j.core.shard.ShardManifest;
import dev.phi4j.core.shard.ShardSet;
import dev.phi4j.core.shard.TokenRow;
import dev.phi4j.core.shard.TokenizerFingerprint;
import dev.phi4j.core.tokenizer.Phi4Tokenizer;
import dev.phi4j.core.tokenizer.Tokenizer;
import dev.phi4j.pipeline.TestSpark;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

/** A pretraining mixture of the shared real datasets, packed with Phi-4's tokenizer. */
class PretrainMixtureTest {

    private static final int SEQ_LEN = MixtureFixtures.SEQ_LEN;

    private static SparkSession spark;
    private static Path run;
    private static MixtureBuild.Outcome built;
    private static MixtureBuild.Outcome midtrain;

    @BeforeAll
    static void build() {
        spark = TestSpark.session();
        MixtureFixtures.SampleRun sample = MixtureFixtures.sampleRun(spark);
        run = sample.run();
        built = sample.set("pretrain");
        midtrain = sample.set("midtrain");
    }

    private static String stageData() {
        return run.resolve(built.manifest().inputs().get(0).stageDir()).resolve("data").toString();
    }

    private static Path shards() {
        return run.resolve("mixtures/pretrain/shards");
    }

    @Test
    void realizedMixtureIsWithinOnePointOfTheRenormalisedTargets() {
        JsonNode table = built.manifest().sections().get("mixture.table");
        double present = 0.15 + 0.20 + 0.10;                     // web, code, acquired: no rewrites or synthetic yet
        Map<String, Double> expected = Map.of("web", 0.15 / present, "code", 0.20 / present,
                "acquired", 0.10 / present, "web_rewrites", 0.0, "synthetic", 0.0);
        double realizedSum = 0;
        for (JsonNode bucket : table.path("buckets")) {
            String name = bucket.path("name").asText();
            assertEquals(expected.get(name), bucket.path("effective_share").asDouble(), 1e-9, name);
            assertEquals(expected.get(name), bucket.path("realized_share").asDouble(), 0.01,
                    name + " realized " + bucket);
            realizedSum += bucket.path("realized_share").asDouble();
            if (bucket.path("unique_tokens").asLong() > 0) {
                assertEquals(bucket.path("written_tokens").asDouble() / bucket.path("unique_tokens").asDouble(),
                        bucket.path("realized_epochs").asDouble(), 1e-9);
            }
        }
        assertEquals(1.0, realizedSum, 1e-9);
        assertTrue(built.manifest().notes().stream().anyMatch(n -> n.startsWith("no synthetic documents")),
                built.manifest().notes().toString());
        assertTrue(built.manifest().notes().stream().anyMatch(n -> n.startsWith("no web_rewrites documents")));
        long written = table.path("written_tokens").asLong();
        long trainTokens = built.manifest().shards().splits().get("train").tokens();
        long rows = built.manifest().shards().splits().get("train").sequences();
        assertEquals(trainTokens, rows * (SEQ_LEN + 1));
        assertEquals(rows * SEQ_LEN + 3, written, "3 shards each keep rows·seq_len + 1 stream tokens");
    }

    @Test
    void epochsAreAllocatedOverUniqueTokensUpToTheCap() {
        JsonNode table = built.manifest().sections().get("mixture.table");
        double maxEpochs = 0;
        for (JsonNode bucket : table.path("buckets")) {
            if (bucket.path("unique_tokens").asLong() == 0) {
                continue;
            }
            double epochs = bucket.path("epochs").asDouble();
            assertEquals(bucket.path("allocated_tokens").asDouble() / bucket.path("unique_tokens").asDouble(), epochs,
                    1e-4 * epochs, "allocated tokens are rounded to whole tokens");
            assertTrue(epochs <= 16 + 1e-9);
            maxEpochs = Math.max(maxEpochs, epochs);
        }
        assertEquals(16, maxEpochs, 1e-6, "the automatic budget is the largest at which no group exceeds its cap");
    }

    @Test
    void everyDocumentIsAccountedFor() {
        var counts = built.manifest().counts();
        assertEquals(counts.in(), counts.kept() + counts.dropped());
        assertEquals(counts.in(), spark.read().parquet(stageData()).count());
        assertEquals("03-decontam", built.manifest().inputs().get(0).stageDir(), "the named stage's documents are mixed");
        assertTrue(counts.droppedByReason().containsKey("not_sampled"), counts.toString());
    }

    @Test
    void trainerReadsTheShardsWithThePhi4Vocabulary() {
        ShardSet set = ShardSet.open(shards());
        ShardManifest manifest = set.manifest();
        Tokenizer tokenizer = Phi4Tokenizer.instance();
        assertEquals(SEQ_LEN, manifest.seqLen());
        assertEquals(Phi4Tokenizer.VOCAB_SIZE, manifest.vocabSize());
        assertEquals(ShardManifest.TokenType.INT32, manifest.tokenType());
        assertEquals(TokenizerFingerprint.of(tokenizer), manifest.tokenizerFingerprint());
        assertEquals(3, manifest.splits().get("train").size());
        int eot = tokenizer.specialTokens().endOfText();
        long rows = 0;
        for (TokenRow row : set.split("train")) {
            rows++;
            assertEquals(SEQ_LEN + 1, row.tokens().length);
            for (int d = 1; d < row.documentStarts().length; d++) {
                assertEquals(eot, row.tokens()[row.documentStarts()[d]], "every document opens with <|endoftext|>");
            }
            for (int i = 1; i < row.tokens().length; i++) {
                boolean start = Arrays.binarySearch(row.documentStarts(), i) >= 0;
                assertTrue(start || row.tokens()[i] != eot, "<|endoftext|> only where a document starts");
            }
        }
        assertEquals(built.manifest().shards().splits().get("train").sequences(), rows);
        assertTrue(set.hasSplit("validation"));
    }

    @Test
    void sequenceIndexLeadsEveryRowBackToItsDocumentsAndTheirTokens() {
        Map<String, String> texts = new HashMap<>();
        for (Row row : spark.read().parquet(stageData()).select("id", "text")
                .collectAsList()) {
            texts.put(row.getString(0), row.getString(1));
        }
        ShardSet.Split train = ShardSet.open(shards()).split("train");
        List<Row> index = spark.read().parquet(run.resolve("mixtures/pretrain/sequences").toString())
                .filter(col("split").equalTo("train").and(col("file").equalTo("train-00001.bin")))
                .orderBy("row").collectAsList();
        long firstRow = ShardSet.open(shards()).manifest().splits().get("train").get(0).sequences();
        Tokenizer tokenizer = Phi4Tokenizer.instance();
        int checked = 0;
        for (Row entry : index) {
            if (checked >= 40) {
                break;
            }
            TokenRow row = train.get(firstRow + entry.getLong(2));
            List<String> ids = entry.getList(3);
            int[] starts = row.documentStarts();
            assertEquals(starts.length, ids.size());
            for (int d = 1; d < starts.length; d++) {
                int end = d + 1 < starts.length ? starts[d + 1] : row.tokens().length;
                int[] inRow = Arrays.copyOfRange(row.tokens(), starts[d] + 1, end);
                int[] document = tokenizer.encode(texts.get(ids.get(d)));
                assertArrayEquals(Arrays.copyOf(document, Math.min(document.length, inRow.length)), inRow,
                        "row tokens are the start of document " + ids.get(d));
                checked++;
            }
        }
        assertTrue(checked > 5, "checked " + checked + " documents");
    }

    @Test
    void validationDocumentsNeverAppearInTraining() {
        List<Row> index = spark.read().parquet(run.resolve("mixtures/pretrain/sequences").toString())
                .select(col("split"), org.apache.spark.sql.functions.explode(col("ids")).as("id")).distinct()
                .collectAsList();
        Set<String> train = new HashSet<>();
        Set<String> validation = new HashSet<>();
        for (Row row : index) {
            (row.getString(0).equals("train") ? train : validation).add(row.getString(1));
        }
        assertFalse(validation.isEmpty());
        Set<String> both = new HashSet<>(validation);
        both.retainAll(train);
        assertEquals(Set.of(), both);
    }

    @Test
    void eachGroupReadsTheStageNamedForIt() {
        MixtureConfig split = new MixtureConfig(Map.of("web", run.resolve("decontam").toString(),
                "code", run.resolve("clean").toString()), Optional.of(run.resolve("split-mixtures").toString()),
                MixtureFixtures.PHI4, MixtureFixtures.SPARK, 1234, new ProfileConfig(3, 10, 500),
                List.of(MixtureFixtures.pretrain("split", SEQ_LEN, 0, 2)));
        MixtureManifest manifest = MixtureFixtures.build(spark, split).get(0).manifest();

        assertEquals(List.of(List.of("web"), List.of("code")),
                manifest.inputs().stream().map(MixtureManifest.InputInfo::groups).toList());
        assertEquals(List.of("03-decontam", "01-clean"),
                manifest.inputs().stream().map(MixtureManifest.InputInfo::stageDir).toList());
        Set<String> web = ids("03-decontam", "web");
        Set<String> code = ids("01-clean", "code");
        assertEquals(web.size() + code.size(), manifest.counts().in());
        assertEquals(manifest.counts().in(), manifest.counts().kept() + manifest.counts().dropped());
        assertTrue(manifest.notes().stream().anyMatch(n -> n.startsWith("no acquired documents")),
                manifest.notes().toString());
        Set<String> packed = new HashSet<>(spark.read().parquet(run.resolve("split-mixtures/split/sequences")
                .toString()).select(org.apache.spark.sql.functions.explode(col("ids")).as("id")).distinct()
                .filter(col("id").notEqual("")).as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
        Set<String> allowed = new HashSet<>(web);
        allowed.addAll(code);
        assertTrue(allowed.containsAll(packed), "only web documents of decontam and code documents of clean");
        packed.retainAll(code);
        assertFalse(packed.isEmpty(), "code documents come from the clean stage");
    }

    private static Set<String> ids(String stageDir, String sourceClass) {
        return new HashSet<>(spark.read().parquet(run.resolve(stageDir).resolve("data").toString())
                .filter(col("source_class").equalTo(sourceClass)).select("id")
                .as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    }

    @Test
    void sameInputAndSeedGiveIdenticalShardsAndARerunReusesTheSet() throws Exception {
        MixtureConfig again = MixtureFixtures.config(run, Optional.empty(), MixtureFixtures.PHI4,
                List.of(MixtureFixtures.pretrain("again", SEQ_LEN, 0, 3)));
        MixtureBuild.Outcome second = MixtureFixtures.build(spark, again).get(0);
        assertFalse(second.reused());
        assertEquals(Files.readString(shards().resolve("manifest.json")),
                Files.readString(run.resolve("mixtures/again/shards/manifest.json")),
                "the same shards, byte for byte (the manifest holds every file's SHA-256)");
        assertTrue(MixtureFixtures.build(spark, again).get(0).reused());
    }

    @Test
    void explicitBudgetBeyondTheCapsIsReportedAsAShortfall() {
        MixtureConfig capped = MixtureFixtures.config(run, Optional.empty(), MixtureFixtures.PHI4, List.of(new PretrainSetConfig("capped", SEQ_LEN, 2_000_000L,
                        GroupShares.table5(), new EpochCaps(2, 2, 2, 2, 50), 0.05, 1L << 27, 1, false)));
        MixtureBuild.Outcome outcome = MixtureFixtures.build(spark, capped).get(0);
        JsonNode table = outcome.manifest().sections().get("mixture.table");
        for (JsonNode bucket : table.path("buckets")) {
            if (bucket.path("name").asText().equals("web") || bucket.path("name").asText().equals("code")) {
                assertTrue(bucket.path("capped").asBoolean(), bucket.toString());
                assertEquals(2.0, bucket.path("epochs").asDouble(), 1e-9);
            }
        }
        assertTrue(outcome.manifest().notes().stream().anyMatch(n -> n.startsWith("web is capped at 2 epochs")),
                outcome.manifest().notes().toString());
        assertFalse(Files.exists(run.resolve("mixtures/capped/sequences")), "sequence_index: false writes no index");
    }

    @Test
    void midtrainingMixesLongDocumentsAtTheirShareWithTheLongestUpweighted() {
        JsonNode table = midtrain.manifest().sections().get("mixture.table");
        Map<String, JsonNode> buckets = new HashMap<>();
        table.path("buckets").forEach(b -> buckets.put(b.path("name").asText(), b));
        JsonNode plain = buckets.get("long");
        JsonNode upweighted = buckets.get("long_upweighted");
        assertTrue(plain.path("unique_tokens").asLong() > 0 && upweighted.path("unique_tokens").asLong() > 0);
        assertEquals(0.3, plain.path("effective_share").asDouble() + upweighted.path("effective_share").asDouble(),
                1e-9);
        assertEquals(0.3, plain.path("realized_share").asDouble() + upweighted.path("realized_share").asDouble(),
                0.02);
        assertEquals(2 * plain.path("epochs").asDouble(), upweighted.path("epochs").asDouble(), 1e-6,
                "documents above upweight_above_tokens repeat twice as often");
        double recall = 0;
        for (String group : List.of("web", "code", "acquired")) {
            recall += buckets.get(group).path("effective_share").asDouble();
        }
        assertEquals(0.7, recall, 1e-9, "the rest follows the pretraining distribution");
        ShardSet set = ShardSet.open(run.resolve("mixtures/midtrain/shards"));
        assertEquals(4 * SEQ_LEN, set.manifest().seqLen(), "packed at the long context length");
    }

    @Test
    void onlyDocumentsAboveTheThresholdAreInTheLongBuckets() {
        Map<String, Integer> lengths = new HashMap<>();
        for (Row row : spark.read().parquet(run.resolve("mixtures/_tokenized").toString() + "/*/data")
                .select("id", "tokenCount").collectAsList()) {
            lengths.put(row.getString(0), row.getInt(1));
        }
        DocumentBuckets buckets = DocumentBuckets.midtrain(new MidtrainSetConfig("m", 512, 0, 0.3, 250, 600, 2.0, 0,
                16, GroupShares.table5(), EpochCaps.uniform(16), 0.05, 1L << 27, 1, true));
        long longDocuments = lengths.values().stream().filter(n -> n >= 250).count();
        assertTrue(longDocuments > 10, longDocuments + " documents of 250+ tokens");
        for (Map.Entry<String, Integer> entry : lengths.entrySet()) {
            int[] of = buckets.of("code", "code", entry.getValue());
            assertEquals(entry.getValue() >= 250 ? 2 : 1, of.length);
        }
        JsonNode table = midtrain.manifest().sections().get("mixture.table");
        long documents = 0;
        for (JsonNode bucket : table.path("buckets")) {
            if (bucket.path("group").asText().equals("long_context")) {
                documents += bucket.path("documents").asLong();
            }
        }
        assertEquals(longDocuments, documents + lengths.entrySet().stream().filter(e -> e.getValue() >= 250)
                .filter(e -> new Selection(buckets, null, 0.05, 1234).heldOut(e.getKey())).count(),
                "every long document is in a long bucket (train) or held out");
    }
}

package dev.phi4j.trainer.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.core.tokenizer.Tokenizer;
import dev.phi4j.trainer.checkpoint.ModelCheckpoint;
import dev.phi4j.trainer.generate.TinyCheckpoint;
import dev.phi4j.trainer.generate.TinyLm;
import dev.phi4j.trainer.model.PhiDecoder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * phi4j → Hugging Face → phi4j: every weight comes back bit for bit (F32), or as its BF16 rounding; a checkpoint's
 * export imports into a checkpoint with the same logits; and a damaged folder is refused naming the tensor.
 */
class HfRoundTripTest {

    /** GQA with distinct kv and query widths, so a transposition or a q/k/v mix-up changes shapes or values. */
    private static final ModelConfig MODEL = new ModelConfig(96, 32, 2, 4, 2, 40, 16, 500, 1e-5);

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A float network whose every weight, the RMSNorm gains included, is random and distinct. */
    private static ComputationGraph randomNet(long seed) {
        ComputationGraph net = PhiDecoder.build(MODEL, PhiDecoder.Masking.CAUSAL,
                new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT).updater(new NoOp()));
        Nd4j.getRandom().setSeed(seed);
        net.params().assign(Nd4j.randn(DataType.FLOAT, net.params().shape()));
        return net;
    }

    private static float[] floats(INDArray array) {
        return array.dup('c').castTo(DataType.FLOAT).data().asFloat();
    }

    @Test
    void float32ExportImportsBitForBitAcrossShards(@TempDir Path dir) throws IOException {
        ComputationGraph net = randomNet(7);
        Tokenizer tokenizer = TinyLm.tokenizer();
        Path out = dir.resolve("hf");
        // Shards of at most 8 KB: the embedding and the head (12 KB each) get files of their own.
        HfExport.Written written = HfExport.write(net, MODEL, tokenizer, out, SafetensorsDtype.F32, 8_000);
        assertTrue(written.weightFiles().size() > 3, "shards: " + written.weightFiles());
        assertEquals(MODEL.parameterCount() * 4, written.dataBytes());
        JsonNode index = JSON.readTree(out.resolve(HfWeights.INDEX).toFile());
        assertEquals(written.dataBytes(), index.path("metadata").path("total_size").asLong());
        assertEquals(Phi3Layout.tensors(MODEL).size(), index.path("weight_map").size());
        assertFalse(Files.exists(out.resolve(HfWeights.SINGLE)));
        try (Stream<Path> hidden = Files.list(dir)) {
            assertEquals(List.of(out), hidden.toList(), "no partial folder left behind");
        }

        HfImport.Imported back = HfImport.read(out, DataType.FLOAT, PhiDecoder.Masking.CAUSAL);
        assertEquals(MODEL, back.model());
        Map<String, INDArray> original = net.paramTable(), imported = back.net().paramTable();
        assertEquals(original.keySet(), imported.keySet());
        for (String name : original.keySet()) {
            assertArrayEquals(floats(original.get(name)), floats(imported.get(name)), 0f, name);
        }
        assertArrayEquals(floats(net.params()), floats(back.net().params()), 0f, "the whole parameter vector");
    }

    @Test
    void bfloat16ExportStoresEachWeightRoundedToNearestEven(@TempDir Path dir) throws IOException {
        ComputationGraph net = randomNet(8);
        Path out = dir.resolve("hf-bf16");
        HfExport.write(net, MODEL, TinyLm.tokenizer(), out, SafetensorsDtype.BF16, HfExport.DEFAULT_SHARD_BYTES);
        assertTrue(Files.isRegularFile(out.resolve(HfWeights.SINGLE)));
        assertEquals("bfloat16", JSON.readTree(out.resolve(Phi3Config.FILE).toFile()).path("torch_dtype").asText());
        HfImport.Imported back = HfImport.read(out, DataType.FLOAT, PhiDecoder.Masking.CAUSAL);
        float[] original = floats(net.params()), imported = floats(back.net().params());
        for (int i = 0; i < original.length; i++) {
            float rounded = Float.intBitsToFloat(SafetensorsDtype.floatToBfloat16(original[i]) << 16);
            assertEquals(rounded, imported[i], 0f, "parameter " + i);
        }
    }

    @Test
    void checkpointExportImportsAsACheckpointWithTheSameLogits(@TempDir Path dir) throws IOException {
        Path run = TinyCheckpoint.write(dir.resolve("run"), 11);
        ModelCheckpoint source = ModelCheckpoint.load(run);
        Path hf = dir.resolve("hf");
        HfExport.write(source.net(), source.model(), source.tokenizer(), hf, SafetensorsDtype.F32,
                HfExport.DEFAULT_SHARD_BYTES);
        for (String file : List.of(Phi3Config.FILE, HfWeights.SINGLE, HfTokenizerJson.FILE, HfTokenizerJson.CONFIG_FILE)) {
            assertTrue(Files.isRegularFile(hf.resolve(file)), file);
        }

        Path imported = dir.resolve("imported");
        HfImport.toCheckpoint(hf, imported, source.tokenizer(), source.tokenizerConfig());
        ModelCheckpoint back = ModelCheckpoint.load(imported);
        assertEquals(HfImport.CHECKPOINT_NAME, back.directory().getFileName().toString());
        assertEquals(source.model(), back.model());
        assertEquals(PhiDecoder.Masking.CAUSAL, back.masking());
        assertEquals(source.tokenizer().name(), back.tokenizer().name());
        int[] prompt = source.tokenizer().encode("The lighthouse keeper");
        // The source was trained with document masking: one document per row computes what causal attention does.
        assertArrayEquals(floats(TinyLm.referenceLogits(source.net(), prompt, 0)),
                floats(TinyLm.referenceLogits(back.net(), prompt, 0)), 0f);

        IllegalArgumentException again = assertThrows(IllegalArgumentException.class,
                () -> HfImport.toCheckpoint(hf, imported, source.tokenizer(), source.tokenizerConfig()));
        assertTrue(again.getMessage().contains("already holds an imported checkpoint"), again.getMessage());
        IllegalArgumentException notEmpty = assertThrows(IllegalArgumentException.class, () -> HfExport.write(
                source.net(), source.model(), source.tokenizer(), hf, SafetensorsDtype.F32, 1000));
        assertTrue(notEmpty.getMessage().contains("exists and is not empty"), notEmpty.getMessage());
    }

    @Test
    void aTokenizerOfAnotherVocabularyIsRefused(@TempDir Path dir) throws IOException {
        Path hf = dir.resolve("hf");
        HfExport.write(randomNet(9), MODEL, TinyLm.tokenizer(), hf, SafetensorsDtype.F32, HfExport.DEFAULT_SHARD_BYTES);
        Path run = TinyCheckpoint.write(dir.resolve("run"), 1);
        ModelCheckpoint tiny = ModelCheckpoint.load(run);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HfImport.toCheckpoint(hf, dir.resolve("out"), tiny.tokenizer(), tiny.tokenizerConfig()));
        assertTrue(e.getMessage().contains("config.json: vocab_size 96 but the tokenizer"), e.getMessage());
    }

    @Test
    void damagedFoldersAreRefusedNamingTheTensorAndFile(@TempDir Path dir) throws IOException {
        Path hf = dir.resolve("hf");
        HfExport.write(randomNet(10), MODEL, TinyLm.tokenizer(), hf, SafetensorsDtype.F32, 8_000);
        String shard = JSON.readTree(hf.resolve(HfWeights.INDEX).toFile()).path("weight_map")
                .path("model.layers.0.mlp.gate_up_proj.weight").asText();

        // A config that disagrees with the weights: the tensor whose shape no longer fits is named, with its file.
        Path wider = copy(hf, dir.resolve("wider"));
        editConfig(wider, c -> c.put("intermediate_size", 48));
        assertImportFails(wider, shard + ": tensor model.layers.0.mlp.gate_up_proj.weight has shape [80, 32] but "
                + "config.json implies [96, 32]");

        Path missing = copy(hf, dir.resolve("missing"));
        editIndex(missing, m -> m.remove("lm_head.weight"));
        Files.delete(missing.resolve(JSON.readTree(hf.resolve(HfWeights.INDEX).toFile()).path("weight_map")
                .path("lm_head.weight").asText()));
        assertImportFails(missing, "tensor lm_head.weight is missing");

        Path lostShard = copy(hf, dir.resolve("lost-shard"));
        Files.delete(lostShard.resolve(shard));
        assertImportFails(lostShard, "is in " + shard + ", which is not a file in");

        Path extra = copy(hf, dir.resolve("extra"));
        Path biasFile = extra.resolve("bias.safetensors");
        SafetensorsWriter.write(biasFile, SafetensorsDtype.F32, List.of(new SafetensorsWriter.Entry(
                "model.layers.0.self_attn.o_proj.bias", new long[] {32}, (from, out, count) -> Arrays.fill(out, 0f))),
                Map.of());
        editIndex(extra, m -> m.put("model.layers.0.self_attn.o_proj.bias", "bias.safetensors"));
        assertImportFails(extra, "bias.safetensors: tensor model.layers.0.self_attn.o_proj.bias has no place in "
                + "phi4j's Phi-3 layout");

        Path unlisted = copy(hf, dir.resolve("unlisted"));
        editIndex(unlisted, m -> m.remove("model.norm.weight"));
        assertImportFails(unlisted, "holds tensor model.norm.weight, which model.safetensors.index.json does not list");
    }

    private static void assertImportFails(Path dir, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HfImport.read(dir, DataType.FLOAT, PhiDecoder.Masking.CAUSAL));
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
        return to;
    }

    private static void editConfig(Path dir, java.util.function.Consumer<ObjectNode> change) throws IOException {
        ObjectNode config = (ObjectNode) JSON.readTree(dir.resolve(Phi3Config.FILE).toFile());
        change.accept(config);
        JSON.writeValue(dir.resolve(Phi3Config.FILE).toFile(), config);
    }

    private static void editIndex(Path dir, java.util.function.Consumer<ObjectNode> change) throws IOException {
        ObjectNode index = (ObjectNode) JSON.readTree(dir.resolve(HfWeights.INDEX).toFile());
        change.accept((ObjectNode) index.path("weight_map"));
        JSON.writeValue(dir.resolve(HfWeights.INDEX).toFile(), index);
    }
}

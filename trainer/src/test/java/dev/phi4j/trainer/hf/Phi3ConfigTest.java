package dev.phi4j.trainer.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.core.model.ModelPresets;
import dev.phi4j.core.model.RopeScaling;
import dev.phi4j.core.tokenizer.Phi4Tokenizer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** config.json of the Phi-3 architecture ↔ ModelConfig: the released shapes, and what phi4j refuses and why. */
class Phi3ConfigTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CONFIGS = Path.of("src/test/resources/hf/configs");

    private static JsonNode config(String name) throws IOException {
        return JSON.readTree(CONFIGS.resolve(name).toFile());
    }

    private static Phi3Config.Imported read(JsonNode config) {
        return Phi3Config.fromJson(config, Path.of("model/config.json"));
    }

    @Test
    void phi4ConfigIsThePhi4PresetAfterMidtraining() throws IOException {
        Phi3Config.Imported phi4 = read(config("phi-4.json"));
        assertEquals(ModelPresets.PHI_4_16K, phi4.model());
        assertEquals(List.of(), phi4.notes());
        ModelConfig model = phi4.model();
        assertEquals(40, model.nLayers());
        assertEquals(5120, model.dModel());
        assertEquals(10, model.nKvHeads());
        assertEquals(Phi4Tokenizer.VOCAB_SIZE, model.vocabSize());
        assertEquals(250_000, model.ropeTheta());
        assertEquals(16_384, model.contextLength());
        assertEquals(14.66e9, model.parameterCount(), 0.01e9);
    }

    @Test
    void slidingWindowOfPhi3MiniBecomesTheContext() throws IOException {
        Phi3Config.Imported mini = read(config("phi-3-mini-4k-instruct.json"));
        assertEquals(new ModelConfig(32_064, 3072, 32, 32, 32, 8192, 2047, 10_000, 1e-5), mini.model());
        assertEquals(1, mini.notes().size());
        assertTrue(mini.notes().get(0).contains("sliding_window 2047 < max_position_embeddings 4096"));
    }

    @Test
    void phi4MiniIsRefusedNamingWhatPhi4jLacks() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> read(config("phi-4-mini-instruct.json")));
        assertTrue(e.getMessage().startsWith("model/config.json: "), e.getMessage());
        // Each of its differences on its own, on phi-4's config.
        assertRefused(c -> c.put("tie_word_embeddings", true), "tie_word_embeddings true is not supported");
        assertRefused(c -> c.put("partial_rotary_factor", 0.75), "partial_rotary_factor 0.75 is not supported");
        assertRefused(c -> c.putObject("rope_scaling").put("type", "longrope"), "rope_scaling type longrope");
        assertRefused(c -> c.put("lm_head_bias", true), "lm_head_bias true is not supported");
    }

    @Test
    void otherArchitecturesAndFeaturesAreRefusedNamingTheKey() throws IOException {
        assertRefused(c -> c.put("model_type", "llama"), "model_type \"llama\" is not supported");
        assertRefused(c -> c.putArray("architectures").add("LlamaForCausalLM"), "architectures");
        assertRefused(c -> c.put("hidden_act", "gelu"), "hidden_act \"gelu\" is not supported");
        assertRefused(c -> c.put("attention_bias", true), "attention_bias true");
        assertRefused(c -> c.put("head_dim", 96), "head_dim 96 is not supported");
        assertRefused(c -> c.putObject("rope_scaling").put("rope_type", "yarn").put("factor", 4), "rope_scaling type yarn");
        assertRefused(c -> c.remove("hidden_size"), "lacks 'hidden_size'");
        assertRefused(c -> c.put("num_key_value_heads", 7), "n_heads (40) must be divisible by n_kv_heads (7)");
        assertRefused(c -> c.put("vocab_size", "100352"), "'vocab_size' is \"100352\", not an integer");
    }

    private static void assertRefused(Consumer<ObjectNode> change, String expected) throws IOException {
        ObjectNode config = (ObjectNode) config("phi-4.json");
        change.accept(config);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(config));
        assertTrue(e.getMessage().startsWith("model/config.json: "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }

    @Test
    void writtenConfigReadsBackAsTheSameModel() {
        for (ModelConfig model : List.of(ModelPresets.TINY, ModelPresets.PHI_4, ModelPresets.PHI_4_16K)) {
            ObjectNode json = Phi3Config.toJson(model, Phi4Tokenizer.instance().specialTokens(), "bfloat16");
            assertEquals(model, read(json).model());
            assertEquals(100_257, json.path("bos_token_id").asInt());
            assertEquals(100_265, json.path("eos_token_id").asInt());
        }
    }

    @Test
    void ntkScalingIsExportedAsItsBaseAndOtherScalingsAreRefused() {
        ModelConfig ntk = ModelPresets.TINY.withRopeScaling(new RopeScaling(RopeScaling.Kind.NTK, 4, 0, 32, 1));
        ObjectNode json = Phi3Config.toJson(ntk, Phi4Tokenizer.instance().specialTokens(), "float32");
        int d = ntk.headDim();
        double theta = json.path("rope_theta").asDouble();
        assertEquals(10_000 * Math.pow(4, d / (d - 2.0)), theta, 1e-9);
        // The plain base reproduces NTK's frequencies.
        double[] scaled = ntk.ropeScaling().inverseFrequencies(d, ntk.ropeTheta(), ntk.contextLength());
        double[] plain = RopeScaling.NONE.inverseFrequencies(d, theta, ntk.contextLength());
        for (int j = 0; j < scaled.length; j++) {
            assertEquals(scaled[j], plain[j], 1e-15 * Math.max(1, scaled[j]));
        }
        ModelConfig yarn = ModelPresets.TINY.withRopeScaling(new RopeScaling(RopeScaling.Kind.YARN, 4, 0, 32, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Phi3Config.toJson(yarn, Phi4Tokenizer.instance().specialTokens(), "float32"));
        assertTrue(e.getMessage().contains("rope_scaling yarn cannot be exported"), e.getMessage());
    }
}

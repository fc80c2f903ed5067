package dev.phi4j.trainer.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phi4j.core.config.InvalidConfigValue;
import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.core.model.RopeScaling;
import dev.phi4j.core.tokenizer.SpecialTokens;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Hugging Face {@code config.json} of the Phi-3 architecture ({@code Phi3ForCausalLM}, {@code model_type: phi3},
 * which Phi-4 uses) and phi4j's {@link ModelConfig}, both ways. phi4j's decoder is that architecture with full
 * rotary embeddings, no RoPE scaling, untied embeddings and no biases; a config asking for anything else is refused
 * naming the key, never approximated:
 * <ul>
 *   <li>{@code rope_scaling} (longrope: Phi-3-*-128k, Phi-3.5, Phi-4-mini): per-dimension factors phi4j lacks;</li>
 *   <li>{@code partial_rotary_factor} below 1 (Phi-4-mini: 0.75): phi4j rotates every dimension of a head;</li>
 *   <li>{@code tie_word_embeddings} (Phi-4-mini): phi4j's LM head is its own matrix;</li>
 *   <li>biases ({@code attention_bias}, {@code mlp_bias}, {@code lm_head_bias}) and activations other than SiLU.</li>
 * </ul>
 * A {@code sliding_window} shorter than {@code max_position_embeddings} (Phi-3-mini-4k and -medium-4k: 2047 of 4096)
 * is imported as a context of that window: within it full attention is what the window computes.
 */
public final class Phi3Config {

    public static final String FILE = "config.json";
    public static final String ARCHITECTURE = "Phi3ForCausalLM";
    public static final String MODEL_TYPE = "phi3";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Phi3Config() {}

    /** The model a config.json describes, and what the import changed on the way (e.g. a sliding window). */
    public record Imported(ModelConfig model, List<String> notes) {}

    /** Reads {@code dir/config.json}; an architecture phi4j cannot run exactly is an error naming the key. */
    public static Imported read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": missing (a Hugging Face model folder has config.json)");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getMessage());
        }
        return fromJson(root, file);
    }

    static Imported fromJson(JsonNode root, Path file) {
        Reader c = new Reader(root, file);
        String modelType = c.text("model_type", MODEL_TYPE);
        if (!modelType.equals(MODEL_TYPE)) {
            throw c.unsupported("model_type", "phi4j imports the Phi-3 architecture (model_type phi3) only");
        }
        JsonNode architectures = root.path("architectures");
        if (architectures.isArray() && architectures.size() > 0) {
            boolean phi3 = false;
            for (JsonNode architecture : architectures) {
                phi3 |= architecture.asText().equals(ARCHITECTURE);
            }
            if (!phi3) {
                throw c.unsupported("architectures", "phi4j imports " + ARCHITECTURE);
            }
        }
        if (!c.text("hidden_act", "silu").equals("silu")) {
            throw c.unsupported("hidden_act", "phi4j's MLP is SwiGLU with SiLU");
        }
        for (String bias : List.of("attention_bias", "mlp_bias", "lm_head_bias")) {
            if (c.bool(bias, false)) {
                throw c.unsupported(bias, "phi4j's projections have no biases");
            }
        }
        if (c.bool("tie_word_embeddings", false)) {
            throw c.unsupported("tie_word_embeddings", "phi4j's LM head is not tied to the embedding "
                    + "(Phi-4-mini ties them; Phi-4 does not)");
        }
        if (c.number("partial_rotary_factor", 1.0) != 1.0) {
            throw c.unsupported("partial_rotary_factor", "phi4j rotates every dimension of a head (Phi-4-mini "
                    + "rotates 0.75 of them)");
        }
        JsonNode scaling = root.path("rope_scaling");
        if (!scaling.isMissingNode() && !scaling.isNull()) {
            String type = scaling.path("rope_type").asText(scaling.path("type").asText("?"));
            if (!type.equals("default")) {
                throw c.unsupported("rope_scaling", "rope_scaling type " + type + " (Phi-3-*-128k, Phi-3.5 and "
                        + "Phi-4-mini use longrope, per-dimension factors) is not one phi4j computes: phi4j's RoPE "
                        + "is θ alone, or its own linear, ntk and yarn");
            }
        }
        int hidden = c.integer("hidden_size"), heads = c.integer("num_attention_heads");
        int kvHeads = c.integer("num_key_value_heads", heads);
        if (root.hasNonNull("head_dim") && heads > 0 && c.integer("head_dim") * heads != hidden) {
            throw c.unsupported("head_dim", "phi4j's head dimension is hidden_size / num_attention_heads ("
                    + hidden / heads + ")");
        }
        int context = c.integer("max_position_embeddings");
        List<String> notes = new ArrayList<>();
        JsonNode window = root.path("sliding_window");
        if (window.canConvertToInt() && window.asInt() < context) {
            notes.add("sliding_window " + window.asInt() + " < max_position_embeddings " + context + ": imported "
                    + "with context_length " + window.asInt() + ", where full attention equals the window's");
            context = window.asInt();
        }
        try {
            ModelConfig model = new ModelConfig(c.integer("vocab_size"), hidden, c.integer("num_hidden_layers"),
                    heads, kvHeads, c.integer("intermediate_size"), context, c.number("rope_theta", 10_000.0),
                    c.number("rms_norm_eps", 1e-5));
            return new Imported(model, notes);
        } catch (InvalidConfigValue e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The config.json of {@code model}: phi-4's own keys and values where they are fixed by the architecture.
     * {@code torchDtype} is what the weights are stored as ({@code float32}, {@code bfloat16}, {@code float16}).
     */
    public static ObjectNode toJson(ModelConfig model, SpecialTokens specials, String torchDtype) {
        double theta = model.ropeTheta();
        RopeScaling scaling = model.ropeScaling();
        switch (scaling.kind()) {
            case NONE -> { }
            // NTK-aware scaling only raises the base, which a plain rope_theta says exactly.
            case NTK -> theta = theta * Math.pow(scaling.factor(), model.headDim() / (model.headDim() - 2.0));
            default -> throw new IllegalArgumentException("rope_scaling " + scaling.kind().name().toLowerCase(java.util.Locale.ROOT)
                    + " cannot be exported: Hugging Face's Phi-3 accepts longrope only, and phi4j's " + scaling.kind()
                    + " is not longrope");
        }
        ObjectNode root = JSON.createObjectNode();
        root.putArray("architectures").add(ARCHITECTURE);
        root.put("model_type", MODEL_TYPE);
        root.put("vocab_size", model.vocabSize());
        root.put("hidden_size", model.dModel());
        root.put("intermediate_size", model.ffnHidden());
        root.put("num_hidden_layers", model.nLayers());
        root.put("num_attention_heads", model.nHeads());
        root.put("num_key_value_heads", model.nKvHeads());
        root.put("hidden_act", "silu");
        root.put("max_position_embeddings", model.contextLength());
        root.put("original_max_position_embeddings", model.contextLength());
        root.put("rope_theta", theta);
        root.putNull("rope_scaling");
        root.put("partial_rotary_factor", 1.0);
        root.put("rms_norm_eps", model.normEps());
        root.putNull("sliding_window");
        root.put("tie_word_embeddings", false);
        root.put("attention_bias", false);
        root.put("attention_dropout", 0.0);
        root.put("embd_pdrop", 0.0);
        root.put("resid_pdrop", 0.0);
        root.put("initializer_range", 0.02);
        root.put("bos_token_id", specials.endOfText());
        root.put("eos_token_id", specials.imEnd());
        root.put("torch_dtype", torchDtype);
        root.put("use_cache", true);
        return root;
    }

    public static void write(Path dir, ObjectNode config) throws IOException {
        Files.writeString(dir.resolve(FILE), JSON.writeValueAsString(config) + "\n");
    }

    /** Typed reads of config.json's keys; errors name the file and the key. */
    private record Reader(JsonNode root, Path file) {

        int integer(String key) {
            JsonNode value = root.get(key);
            if (value == null || value.isNull()) {
                throw new IllegalArgumentException(file + ": lacks '" + key + "'");
            }
            if (!value.canConvertToInt() || !value.isIntegralNumber()) {
                throw new IllegalArgumentException(file + ": '" + key + "' is " + value + ", not an integer");
            }
            return value.asInt();
        }

        int integer(String key, int fallback) {
            return root.hasNonNull(key) ? integer(key) : fallback;
        }

        double number(String key, double fallback) {
            JsonNode value = root.get(key);
            if (value == null || value.isNull()) {
                return fallback;
            }
            if (!value.isNumber()) {
                throw new IllegalArgumentException(file + ": '" + key + "' is " + value + ", not a number");
            }
            return value.asDouble();
        }

        boolean bool(String key, boolean fallback) {
            JsonNode value = root.get(key);
            return value == null || value.isNull() ? fallback : value.asBoolean();
        }

        String text(String key, String fallback) {
            JsonNode value = root.get(key);
            return value == null || value.isNull() ? fallback : value.asText();
        }

        IllegalArgumentException unsupported(String key, String why) {
            return new IllegalArgumentException(file + ": " + key + " " + root.get(key) + " is not supported: " + why);
        }
    }
}

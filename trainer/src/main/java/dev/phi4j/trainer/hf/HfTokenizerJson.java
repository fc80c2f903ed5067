package dev.phi4j.trainer.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phi4j.core.tokenizer.BpeMerge;
import dev.phi4j.core.tokenizer.BpeTokenizer;
import dev.phi4j.core.tokenizer.SpecialTokens;
import dev.phi4j.core.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * A phi4j tokenizer as Hugging Face's {@code tokenizer.json} (the {@code tokenizers} library's byte-level BPE): the
 * ordinary tokens in GPT-2's byte-level alphabet ({@link ByteLevel}) with their ids, the merges in the order they
 * apply, the special tokens as {@code added_tokens}, and the pre-tokenizer pattern as a regex split. Also the
 * {@code tokenizer_config.json} that makes it loadable as a fast tokenizer with Phi-4's chat template.
 */
public final class HfTokenizerJson {

    public static final String FILE = "tokenizer.json";
    public static final String CONFIG_FILE = "tokenizer_config.json";

    /** Phi-4's chat format (core.chat.ChatFormat) as a Jinja template: no separators between messages. */
    static final String CHAT_TEMPLATE = "{% for message in messages %}{{'<|im_start|>' + message['role'] + "
            + "'<|im_sep|>' + message['content'] + '<|im_end|>'}}{% endfor %}{% if add_generation_prompt %}"
            + "{{ '<|im_start|>assistant<|im_sep|>' }}{% endif %}";

    private static final ObjectMapper JSON = new ObjectMapper();

    private HfTokenizerJson() {}

    /** One merge: two tokens, by id, that become the token of their joined bytes. */
    record Merge(int left, int right) {}

    /**
     * The merges a Hugging Face BPE needs to encode as {@code tokenizer} does, in priority order, as tokenizer.json
     * writes them: {@code "left right"} in the byte-level alphabet. phi4j's BPE applies exactly its learned merges,
     * lowest id first. tiktoken (Phi-4's cl100k) merges any adjacent pair whose joined bytes are a token, lowest
     * resulting rank (= id) first; so every split of a token into two tokens is a merge, ordered by the id it makes,
     * then by the ids of its parts (transformers' TikTokenConverter does the same).
     */
    static List<String> mergeTexts(Tokenizer tokenizer) {
        synchronized (MERGE_TEXTS) {
            // Byte-level text has no spaces (a space byte is 'Ġ'), so one separates the two tokens.
            return MERGE_TEXTS.computeIfAbsent(tokenizer, t -> computeMerges(t).stream()
                    .map(m -> ByteLevel.encode(t.tokenBytes(m.left())) + " " + ByteLevel.encode(t.tokenBytes(m.right())))
                    .toList());
        }
    }

    /** Tokenizers are immutable and their merges take seconds to derive for cl100k: derive them once. */
    private static final Map<Tokenizer, List<String>> MERGE_TEXTS = new WeakHashMap<>();

    private static List<Merge> computeMerges(Tokenizer tokenizer) {
        if (tokenizer instanceof BpeTokenizer bpe) {
            return bpe.merges().stream().map((BpeMerge m) -> new Merge(m.left(), m.right())).toList();
        }
        Map<String, Integer> ids = ordinaryIds(tokenizer);
        List<long[]> found = new ArrayList<>();                       // (made id, left id, right id)
        for (Map.Entry<String, Integer> token : ids.entrySet()) {
            String bytes = token.getKey();
            for (int split = 1; split < bytes.length(); split++) {
                Integer left = ids.get(bytes.substring(0, split));
                Integer right = left == null ? null : ids.get(bytes.substring(split));
                if (right != null) {
                    found.add(new long[] {token.getValue(), left, right});
                }
            }
        }
        found.sort(Comparator.<long[]>comparingLong(m -> m[0]).thenComparingLong(m -> m[1])
                .thenComparingLong(m -> m[2]));
        return found.stream().map(m -> new Merge((int) m[1], (int) m[2])).toList();
    }

    /** Ordinary (non-special) tokens by their bytes, one char per byte (ISO-8859-1), which hash fast. */
    static Map<String, Integer> ordinaryIds(Tokenizer tokenizer) {
        Map<String, Integer> ids = new HashMap<>();
        SpecialTokens specials = tokenizer.specialTokens();
        for (int id = 0; id < tokenizer.vocabSize(); id++) {
            if (!specials.isSpecial(id)) {
                ids.put(new String(tokenizer.tokenBytes(id), StandardCharsets.ISO_8859_1), id);
            }
        }
        return ids;
    }

    /** What java.util.regex's {@code \\s} matches without UNICODE_CHARACTER_CLASS: ASCII whitespace only. */
    private static final String JAVA_WHITESPACE = " \\t\\n\\x0B\\f\\r";

    /**
     * The pre-tokenizer regex as the tokenizers library must read it to cut text as phi4j does. Its regex classes are
     * Unicode-aware, like tiktoken's, which jtokkit follows, so Phi-4's pattern stands as it is. phi4j's BPE cuts with
     * java.util.regex, whose {@code \s} is ASCII whitespace: spelled out, so that runs of U+3000 or U+2003 are cut
     * alike on both sides.
     */
    static String hfPattern(Tokenizer tokenizer) {
        String pattern = tokenizer.preTokenizerPattern();
        if (!(tokenizer instanceof BpeTokenizer)) {
            return pattern;
        }
        StringBuilder out = new StringBuilder();
        boolean inClass = false;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                char next = pattern.charAt(++i);
                if (next == 's') {
                    out.append(inClass ? JAVA_WHITESPACE : "[" + JAVA_WHITESPACE + "]");
                } else if (next == 'S' && !inClass) {
                    out.append("[^").append(JAVA_WHITESPACE).append(']');
                } else {
                    out.append(c).append(next);
                }
                continue;
            }
            if (c == '[') {
                inClass = true;
            } else if (c == ']') {
                inClass = false;
            }
            out.append(c);
        }
        return out.toString();
    }

    /** tokenizer.json of {@code tokenizer}. */
    public static ObjectNode of(Tokenizer tokenizer) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        tokenizer.specialTokens().ids().forEach((content, id) -> added.addObject()
                .put("id", id).put("content", content).put("single_word", false).put("lstrip", false)
                .put("rstrip", false).put("normalized", false).put("special", true));
        root.putNull("normalizer");
        ObjectNode split = JSON.createObjectNode().put("type", "Split");
        split.putObject("pattern").put("Regex", hfPattern(tokenizer));
        split.put("behavior", "Isolated").put("invert", false);
        ObjectNode byteLevel = JSON.createObjectNode().put("type", "ByteLevel").put("add_prefix_space", false)
                .put("trim_offsets", true).put("use_regex", false);
        ObjectNode pre = root.putObject("pre_tokenizer").put("type", "Sequence");
        pre.putArray("pretokenizers").add(split).add(byteLevel);
        root.putObject("post_processor").put("type", "ByteLevel").put("add_prefix_space", false)
                .put("trim_offsets", false).put("use_regex", false);
        root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", false)
                .put("trim_offsets", true).put("use_regex", false);
        ObjectNode model = root.putObject("model").put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false).put("byte_fallback", false).put("ignore_merges", false);
        ObjectNode vocab = model.putObject("vocab");
        for (int id = 0; id < tokenizer.vocabSize(); id++) {
            if (!tokenizer.specialTokens().isSpecial(id)) {
                vocab.put(ByteLevel.encode(tokenizer.tokenBytes(id)), id);
            }
        }
        ArrayNode merges = model.putArray("merges");
        mergeTexts(tokenizer).forEach(merges::add);
        return root;
    }

    /** tokenizer_config.json: a fast tokenizer from tokenizer.json, Phi-4's chat template and control tokens. */
    public static ObjectNode config(int contextLength) {
        ObjectNode root = JSON.createObjectNode();
        root.put("tokenizer_class", "PreTrainedTokenizerFast");
        root.put("bos_token", SpecialTokens.END_OF_TEXT);
        root.put("eos_token", SpecialTokens.IM_END);
        root.put("pad_token", SpecialTokens.END_OF_TEXT);
        root.put("add_bos_token", false);
        root.put("add_prefix_space", false);
        root.put("clean_up_tokenization_spaces", false);
        root.put("model_max_length", contextLength);
        root.put("chat_template", CHAT_TEMPLATE);
        return root;
    }

    /** Writes tokenizer.json and tokenizer_config.json of {@code tokenizer} into {@code dir}. */
    public static void write(Path dir, Tokenizer tokenizer, int contextLength) throws IOException {
        Files.writeString(dir.resolve(FILE), JSON.writeValueAsString(of(tokenizer)));
        Files.writeString(dir.resolve(CONFIG_FILE),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config(contextLength)) + "\n");
    }
}

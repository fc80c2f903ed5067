package dev.phi4j.trainer.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A Hugging Face {@code tokenizer.json} of a byte-level BPE (GPT-2, tiktoken-derived, Phi-4's): its vocabulary,
 * merges, added tokens and pre-tokenizer pattern, and an encoder that applies them the way the {@code tokenizers}
 * library does (split by the pattern, bytes to GPT-2's alphabet, merge the adjacent pair of lowest merge rank until
 * none applies), so that a comparison can check behaviour, not only tables.
 */
public final class HfTokenizerFile {

    /** GPT-2's pattern, what a ByteLevel pre-tokenizer with {@code use_regex: true} splits by. */
    static final String GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    /** One entry of {@code added_tokens}. */
    public record AddedToken(int id, String content, boolean special) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Map<String, Integer> vocab;
    private final List<String[]> merges;
    private final List<AddedToken> addedTokens;
    private final String pattern;
    private final Pattern compiled;
    private final Map<String, Integer> mergeRanks = new HashMap<>();
    private final Map<String, int[]> pieceCache = new HashMap<>();

    private HfTokenizerFile(Path file, Map<String, Integer> vocab, List<String[]> merges,
                            List<AddedToken> addedTokens, String pattern) {
        this.file = file;
        this.vocab = Collections.unmodifiableMap(vocab);
        this.merges = Collections.unmodifiableList(merges);
        this.addedTokens = List.copyOf(addedTokens);
        this.pattern = pattern;
        Pattern regex = null;
        if (pattern != null) {
            try {
                // The tokenizers library's regex classes are Unicode-aware (\s matches U+3000); Java's are ASCII
                // unless asked.
                regex = Pattern.compile(pattern, Pattern.UNICODE_CHARACTER_CLASS);
            } catch (PatternSyntaxException e) {
                regex = null;
            }
        }
        this.compiled = regex;
        for (int rank = 0; rank < merges.size(); rank++) {
            mergeRanks.putIfAbsent(merges.get(rank)[0] + " " + merges.get(rank)[1], rank);
        }
    }

    /** Reads {@code file}; anything but a BPE model is an error naming the file and what it holds. */
    public static HfTokenizerFile read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such tokenizer.json");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getMessage());
        }
        return of(root, file);
    }

    /** A tokenizer.json already parsed, {@code file} naming it in errors. */
    static HfTokenizerFile of(JsonNode root, Path file) {
        JsonNode model = root.path("model");
        if (!model.path("type").asText("BPE").equals("BPE") || !model.path("vocab").isObject()) {
            throw new IllegalArgumentException(file + ": model.type " + model.path("type")
                    + " with no BPE vocabulary; phi4j compares byte-level BPE tokenizers");
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> entries = model.path("vocab").fields(); entries.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = entries.next();
            if (!entry.getValue().canConvertToInt()) {
                throw new IllegalArgumentException(file + ": model.vocab[" + entry.getKey() + "] is not an id");
            }
            vocab.put(entry.getKey(), entry.getValue().asInt());
        }
        List<String[]> merges = new ArrayList<>();
        JsonNode mergeList = model.path("merges");
        for (int i = 0; i < mergeList.size(); i++) {
            merges.add(merge(mergeList.get(i), file, i));
        }
        List<AddedToken> added = new ArrayList<>();
        for (JsonNode token : root.path("added_tokens")) {
            added.add(new AddedToken(token.path("id").asInt(-1), token.path("content").asText(),
                    token.path("special").asBoolean(false)));
        }
        return new HfTokenizerFile(file, vocab, merges, added, pattern(root.path("pre_tokenizer")));
    }

    /** A merge as {@code "a b"} (tokenizers before 0.20) or {@code ["a", "b"]}. */
    private static String[] merge(JsonNode merge, Path file, int index) {
        if (merge.isArray() && merge.size() == 2) {
            return new String[] {merge.get(0).asText(), merge.get(1).asText()};
        }
        String[] parts = merge.asText().split(" ");
        if (!merge.isTextual() || parts.length != 2) {
            throw new IllegalArgumentException(file + ": model.merges[" + index + "] " + merge
                    + " is not a pair of tokens");
        }
        return parts;
    }

    /** The regex the pre-tokenizer splits by: a Split's, or GPT-2's under a ByteLevel that splits; null if none. */
    private static String pattern(JsonNode preTokenizer) {
        List<JsonNode> steps = new ArrayList<>();
        if (preTokenizer.path("type").asText().equals("Sequence")) {
            preTokenizer.path("pretokenizers").forEach(steps::add);
        } else {
            steps.add(preTokenizer);
        }
        for (JsonNode step : steps) {
            if (step.path("type").asText().equals("Split") && step.path("pattern").has("Regex")) {
                return step.path("pattern").path("Regex").asText();
            }
            if (step.path("type").asText().equals("ByteLevel") && step.path("use_regex").asBoolean(true)) {
                return GPT2_PATTERN;
            }
        }
        return null;
    }

    public Path path() {
        return file;
    }

    /** model.vocab: token text (byte-level alphabet) → id. */
    public Map<String, Integer> vocab() {
        return vocab;
    }

    /** model.merges in rank order, each as its two token texts. */
    public List<String[]> merges() {
        return merges;
    }

    public List<AddedToken> addedTokens() {
        return addedTokens;
    }

    /** The pre-tokenizer's regex as the file states it; null when it has none. */
    public String pattern() {
        return pattern;
    }

    /** Whether {@link #encode} can run: the pattern compiles in java.util.regex. */
    public boolean canEncode() {
        return compiled != null;
    }

    /** Ordinary text (no special tokens) to ids as the file's tokenizer encodes it; -1 for a symbol it lacks. */
    public int[] encode(String text) {
        if (compiled == null) {
            throw new IllegalStateException(file + ": the pre-tokenizer pattern " + pattern
                    + " is missing or not a java.util.regex pattern");
        }
        List<Integer> ids = new ArrayList<>();
        Matcher matcher = compiled.matcher(text);
        int end = 0;
        while (matcher.find()) {
            if (matcher.start() > end) {
                addPiece(text.substring(end, matcher.start()), ids);    // text the pattern skips is kept, as Split does
            }
            if (matcher.end() > matcher.start()) {
                addPiece(text.substring(matcher.start(), matcher.end()), ids);
            }
            end = Math.max(end, matcher.end());
        }
        if (end < text.length()) {
            addPiece(text.substring(end), ids);
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    private void addPiece(String piece, List<Integer> ids) {
        for (int id : pieceCache.computeIfAbsent(piece, this::bpe)) {
            ids.add(id);
        }
    }

    /** GPT-2's loop: merge every occurrence of the adjacent pair of lowest rank, until no pair has a rank. */
    private int[] bpe(String piece) {
        List<String> word = new ArrayList<>();
        for (char c : ByteLevel.encode(piece.getBytes(StandardCharsets.UTF_8)).toCharArray()) {
            word.add(String.valueOf(c));
        }
        while (word.size() > 1) {
            int best = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < word.size(); i++) {
                best = Math.min(best, mergeRanks.getOrDefault(word.get(i) + " " + word.get(i + 1), Integer.MAX_VALUE));
            }
            if (best == Integer.MAX_VALUE) {
                break;
            }
            String left = merges.get(best)[0], right = merges.get(best)[1];
            List<String> merged = new ArrayList<>(word.size());
            for (int i = 0; i < word.size(); i++) {
                if (i + 1 < word.size() && word.get(i).equals(left) && word.get(i + 1).equals(right)) {
                    merged.add(left + right);
                    i++;
                } else {
                    merged.add(word.get(i));
                }
            }
            word = merged;
        }
        return word.stream().mapToInt(symbol -> vocab.getOrDefault(symbol, -1)).toArray();
    }
}

package dev.phi4j.trainer.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phi4j.core.tokenizer.Phi4Tokenizer;
import dev.phi4j.core.tokenizer.Tokenizer;
import dev.phi4j.trainer.generate.TinyLm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * phi4j's tokenizers against a Hugging Face tokenizer.json. No real Phi-4 tokenizer.json is available offline, so the
 * fixture is phi4j's own tokenizer written as one ({@link HfTokenizerJson}); it must compare identical, including the
 * encodings of the probe texts by the file's own BPE, and each alteration of it must be found and named.
 */
class TokenizerComparisonTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static ObjectNode phi4Json;

    @TempDir
    static Path dir;

    @BeforeAll
    static void writePhi4TokenizerJson() {
        phi4Json = HfTokenizerJson.of(Phi4Tokenizer.instance());
    }

    /** Through a file, as the command reads it. */
    private static TokenizerComparison compareFile(Tokenizer tokenizer, ObjectNode json) throws IOException {
        Path file = Files.createTempFile(dir, "tokenizer", ".json");
        Files.writeString(file, JSON.writeValueAsString(json), StandardCharsets.UTF_8);
        return TokenizerComparison.compare(tokenizer, HfTokenizerFile.read(file), TokenizerComparison.defaultProbes());
    }

    /** Straight from the altered tree: the file round trip is {@link #phi4TokenizerJsonMatchesPhi4jTablesAndEncodings}'s. */
    private static TokenizerComparison compare(Tokenizer tokenizer, ObjectNode json) {
        return TokenizerComparison.compare(tokenizer, HfTokenizerFile.of(json, Path.of("altered/tokenizer.json")),
                TokenizerComparison.defaultProbes());
    }

    @Test
    void phi4TokenizerJsonMatchesPhi4jTablesAndEncodings() throws IOException {
        TokenizerComparison comparison = compareFile(Phi4Tokenizer.instance(), phi4Json);
        assertTrue(comparison.matches(), comparison.report());
        assertEquals(100_256, comparison.section("vocab").compared());
        assertEquals(96, comparison.section("special tokens").compared());
        assertTrue(comparison.section("merges").compared() > 100_000);
        assertTrue(comparison.section("encoding").compared() > 100, comparison.report());
        assertTrue(comparison.report().endsWith("same tokenizer\n"), comparison.report());
    }

    @Test
    void phi4jBpeTokenizerJsonMatchesToo() throws IOException {
        Tokenizer bpe = TinyLm.tokenizer();
        TokenizerComparison comparison = compareFile(bpe, HfTokenizerJson.of(bpe));
        assertTrue(comparison.matches(), comparison.report());
    }

    /**
     * phi4j's BPE cuts text with java.util.regex, whose \\s is ASCII; the tokenizers library's regex is Unicode-aware.
     * The exported pattern spells Java's whitespace out, so both cut runs of U+3000 the same way.
     */
    @Test
    void bpePatternIsWrittenSoUnicodeAwareRegexCutsAsJavaDoes() {
        Tokenizer bpe = TinyLm.tokenizer();
        String text = "a\u3000\u3000x \u2003\u2003\u2003y\u3000";
        List<String> java = pieces(Pattern.compile(bpe.preTokenizerPattern()), text);
        List<String> unicodeOriginal = pieces(Pattern.compile(bpe.preTokenizerPattern(),
                Pattern.UNICODE_CHARACTER_CLASS), text);
        List<String> unicodeExported = pieces(Pattern.compile(HfTokenizerJson.hfPattern(bpe),
                Pattern.UNICODE_CHARACTER_CLASS), text);
        assertNotEquals(java, unicodeOriginal, "the original pattern would cut otherwise under Unicode classes");
        assertEquals(java, unicodeExported);
        assertEquals(Phi4Tokenizer.instance().preTokenizerPattern(), HfTokenizerJson.hfPattern(Phi4Tokenizer.instance()),
                "cl100k's pattern is Unicode-aware on both sides (tiktoken, jtokkit)");
    }

    private static List<String> pieces(Pattern pattern, String text) {
        List<String> pieces = new ArrayList<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            pieces.add(matcher.group());
        }
        return pieces;
    }

    @Test
    void alteredVocabIsReportedNamingTheIds() throws IOException {
        int def = single("def"), ret = single(" return");                  // both in a probe text
        TokenizerComparison comparison = compare(Phi4Tokenizer.instance(), altered(root -> {
            ObjectNode vocab = (ObjectNode) root.path("model").path("vocab");
            vocab.put("def", ret);
            vocab.put("Ġreturn", def);
            vocab.put("Ġphi4jonly", 100_300);
        }));
        TokenizerComparison.Section vocab = comparison.section("vocab");
        assertEquals(3, vocab.differenceCount(), comparison.report());
        assertTrue(vocab.examples().contains("id " + ret + " 'Ġreturn': the file gives it id " + def),
                comparison.report());
        assertTrue(vocab.examples().contains("id " + def + " 'def': the file gives it id " + ret),
                comparison.report());
        assertTrue(vocab.examples().contains("file id 100300 'Ġphi4jonly': not a token of phi4j's vocabulary"),
                comparison.report());
        assertTrue(comparison.section("encoding").differenceCount() > 0, "swapped ids change encodings");
        assertTrue(comparison.report().endsWith("the tokenizers differ\n"));
    }

    @Test
    void alteredSpecialTokensAreReportedNamingTheToken() throws IOException {
        TokenizerComparison comparison = compare(Phi4Tokenizer.instance(), altered(root -> {
            ArrayNode added = (ArrayNode) root.path("added_tokens");
            for (int i = added.size() - 1; i >= 0; i--) {
                ObjectNode token = (ObjectNode) added.get(i);
                switch (token.path("content").asText()) {
                    case "<|im_end|>" -> token.put("id", 100_266);
                    case "<|im_sep|>" -> token.put("special", false);
                    case "<|endofprompt|>" -> added.remove(i);
                    default -> { }
                }
            }
            added.addObject().put("id", 100_352).put("content", "<|tool_call|>").put("special", true);
        }));
        TokenizerComparison.Section specials = comparison.section("special tokens");
        List<String> examples = specials.examples();
        assertTrue(examples.contains("<|im_end|>: id 100265 in phi4j, 100266 in the file"), comparison.report());
        assertTrue(examples.contains("<|im_sep|> (id 100266): not marked special in the file"), comparison.report());
        assertTrue(examples.contains("<|endofprompt|> (id 100276): missing from the file's added_tokens"),
                comparison.report());
        assertTrue(examples.contains("<|tool_call|> (file id 100352): not a phi4j special token"), comparison.report());
        assertTrue(examples.contains("vocabulary size: 100352 ids in phi4j, 100353 in the file (highest id + 1)"),
                comparison.report());
        assertEquals(5, specials.differenceCount(), comparison.report());
        assertTrue(comparison.section("vocab").matches());
    }

    @Test
    void missingExtraAndReorderedMergesAreReported() throws IOException {
        TokenizerComparison comparison = compare(Phi4Tokenizer.instance(), altered(root -> {
            ArrayNode merges = (ArrayNode) root.path("model").path("merges");
            merges.remove(indexOf(merges, "4 5"));            // "45" (in "12345") can no longer be made
            String first = merges.get(0).asText();
            merges.remove(0);
            merges.insert(5000, first);                        // the first merge now applies after 4,999 others
            merges.add("Ġphi 4j");                             // neither part is a token
        }));
        TokenizerComparison.Section merges = comparison.section("merges");
        List<String> examples = merges.examples();
        assertTrue(examples.contains("missing from the file: '4 5'"), comparison.report());
        assertTrue(examples.contains("extra in the file: 'Ġphi' + '4j'"), comparison.report());
        assertTrue(examples.stream().anyMatch(e -> e.startsWith("out of order: ")), comparison.report());
        assertTrue(comparison.section("encoding").differenceCount() > 0, "a missing merge changes encodings");
    }

    @Test
    void aPreTokenizerThatSplitsOtherwiseShowsInTheEncodings() throws IOException {
        TokenizerComparison comparison = compare(Phi4Tokenizer.instance(), altered(root -> {
            ObjectNode split = (ObjectNode) root.path("pre_tokenizer").path("pretokenizers").get(0);
            split.putObject("pattern").put("Regex", HfTokenizerFile.GPT2_PATTERN);   // GPT-2's: digits not in 3s
        }));
        assertTrue(comparison.section("vocab").matches() && comparison.section("merges").matches());
        assertTrue(comparison.section("encoding").differenceCount() > 0, comparison.report());
        assertTrue(comparison.report().contains("(compared by the encoding probe)"), comparison.report());
    }

    /** The id of a text that cl100k encodes as one token. */
    private static int single(String text) {
        int[] ids = Phi4Tokenizer.instance().encode(text);
        assertEquals(1, ids.length, text);
        return ids[0];
    }

    private static ObjectNode altered(Consumer<ObjectNode> change) {
        ObjectNode copy = phi4Json.deepCopy();
        change.accept(copy);
        return copy;
    }

    private static int indexOf(ArrayNode merges, String merge) {
        for (int i = 0; i < merges.size(); i++) {
            if (merges.get(i).asText().equals(merge)) {
                return i;
            }
        }
        throw new AssertionError("no merge " + merge);
    }
}

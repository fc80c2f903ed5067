package dev.phi4j.trainer.hf;

import dev.phi4j.core.tokenizer.SpecialTokens;
import dev.phi4j.core.tokenizer.Tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A phi4j tokenizer against a Hugging Face {@code tokenizer.json}, table by table and by behaviour:
 * <ul>
 *   <li><b>vocab</b>: every ordinary id's bytes against the file's entry for them, both ways;</li>
 *   <li><b>special tokens</b>: phi4j's specials against the file's {@code added_tokens} (content, id, special);</li>
 *   <li><b>merges</b>: the merges phi4j's rule implies ({@link HfTokenizerJson#mergeTexts}) against the file's: missing,
 *       extra, and common merges in another order (merge order decides which pair merges first);</li>
 *   <li><b>encoding</b>: probe texts encoded by phi4j and by the file's own BPE ({@link HfTokenizerFile#encode}).</li>
 * </ul>
 * The pre-tokenizer patterns are shown, not compared as text: two spellings of one regex are common
 * (possessive quantifiers, {@code (?i:'s|…)} vs {@code '(?i:[sdmt]|…)}); the encoding probe compares what they do.
 */
public record TokenizerComparison(List<Section> sections, String phi4jPattern, String filePattern) {

    /** Examples listed per section; the count covers all. */
    static final int EXAMPLES = 10;

    /** One table's comparison: how many items were compared, how many differ, the first few differences. */
    public record Section(String name, long compared, long differenceCount, List<String> examples) {

        public boolean matches() {
            return differenceCount == 0;
        }
    }

    public boolean matches() {
        return sections.stream().allMatch(Section::matches);
    }

    /** The section named {@code name}. */
    public Section section(String name) {
        return sections.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    /** Compares {@code tokenizer} with {@code file}, encoding each of {@code probes} both ways. */
    public static TokenizerComparison compare(Tokenizer tokenizer, HfTokenizerFile file, List<String> probes) {
        List<Section> sections = List.of(vocab(tokenizer, file), specialTokens(tokenizer, file),
                merges(tokenizer, file), encoding(tokenizer, file, probes));
        return new TokenizerComparison(sections, tokenizer.preTokenizerPattern(), file.pattern());
    }

    /** Collects one section's differences, keeping the first {@link #EXAMPLES}. */
    private static final class Differences {
        final List<String> examples = new ArrayList<>();
        long count;

        void add(String difference) {
            if (count++ < EXAMPLES) {
                examples.add(difference);
            }
        }

        Section section(String name, long compared) {
            return new Section(name, compared, count, List.copyOf(examples));
        }
    }

    private static Section vocab(Tokenizer tokenizer, HfTokenizerFile file) {
        Differences differences = new Differences();
        SpecialTokens specials = tokenizer.specialTokens();
        Set<String> matched = new HashSet<>();
        long compared = 0;
        for (int id = 0; id < tokenizer.vocabSize(); id++) {
            if (specials.isSpecial(id)) {
                continue;
            }
            compared++;
            String text = ByteLevel.encode(tokenizer.tokenBytes(id));
            Integer theirs = file.vocab().get(text);
            if (theirs == null) {
                differences.add("id " + id + " " + show(text) + ": missing from the file's vocab");
            } else if (theirs != id) {
                differences.add("id " + id + " " + show(text) + ": the file gives it id " + theirs);
            } else {
                matched.add(text);
            }
        }
        Map<String, Integer> specialIds = specials.ids();
        Map<String, Integer> ordinary = HfTokenizerJson.ordinaryIds(tokenizer);
        for (Map.Entry<String, Integer> entry : file.vocab().entrySet()) {
            String text = entry.getKey();
            if (matched.contains(text) || entry.getValue().equals(specialIds.get(text))) {
                continue;                  // matched above, or a special token the file also lists in its vocab
            }
            byte[] bytes = ByteLevel.decode(text);
            if (bytes == null || !ordinary.containsKey(new String(bytes, StandardCharsets.ISO_8859_1))) {
                differences.add("file id " + entry.getValue() + " " + show(text) + ": not a token of phi4j's "
                        + "vocabulary");
            }                              // else its id differs, which the loop above reported
        }
        return differences.section("vocab", compared);
    }

    private static Section specialTokens(Tokenizer tokenizer, HfTokenizerFile file) {
        Differences differences = new Differences();
        Map<String, HfTokenizerFile.AddedToken> added = new HashMap<>();
        for (HfTokenizerFile.AddedToken token : file.addedTokens()) {
            added.put(token.content(), token);
        }
        Map<String, Integer> ours = tokenizer.specialTokens().ids();
        ours.forEach((content, id) -> {
            HfTokenizerFile.AddedToken theirs = added.get(content);
            Integer inVocab = file.vocab().get(content);
            if (theirs == null && inVocab == null) {
                differences.add(content + " (id " + id + "): missing from the file's added_tokens");
            } else if (theirs == null) {
                if (inVocab.intValue() != id) {
                    differences.add(content + ": id " + id + " in phi4j, " + inVocab + " in the file's vocab");
                } else {
                    differences.add(content + " (id " + id + "): in the file's vocab but not an added token, so "
                            + "text containing it is split by BPE");
                }
            } else if (theirs.id() != id) {
                differences.add(content + ": id " + id + " in phi4j, " + theirs.id() + " in the file");
            } else if (!theirs.special()) {
                differences.add(content + " (id " + id + "): not marked special in the file");
            }
        });
        for (HfTokenizerFile.AddedToken token : file.addedTokens()) {
            if (!ours.containsKey(token.content())) {
                differences.add(token.content() + " (file id " + token.id() + "): not a phi4j special token");
            }
        }
        int fileSize = file.vocab().values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        for (HfTokenizerFile.AddedToken token : file.addedTokens()) {
            fileSize = Math.max(fileSize, token.id() + 1);
        }
        if (fileSize != tokenizer.vocabSize()) {
            differences.add("vocabulary size: " + tokenizer.vocabSize() + " ids in phi4j, " + fileSize
                    + " in the file (highest id + 1)");
        }
        return differences.section("special tokens", ours.size());
    }

    private static Section merges(Tokenizer tokenizer, HfTokenizerFile file) {
        Differences differences = new Differences();
        Map<String, Integer> expectedRank = new HashMap<>();
        for (String merge : HfTokenizerJson.mergeTexts(tokenizer)) {
            expectedRank.putIfAbsent(merge, expectedRank.size());
        }
        Set<String> inFile = new HashSet<>();
        int latestRank = -1;                // the latest-applying merge so far, in phi4j's order
        String latest = null;
        for (String[] merge : file.merges()) {
            String key = merge[0] + " " + merge[1];
            inFile.add(key);
            Integer rank = expectedRank.get(key);
            if (rank == null) {
                differences.add("extra in the file: " + show(merge[0]) + " + " + show(merge[1]));
            } else if (rank < latestRank) {
                differences.add("out of order: " + show(key) + " comes after " + show(latest)
                        + " in the file but applies before it in phi4j");
            } else {
                latestRank = rank;
                latest = key;
            }
        }
        for (String key : expectedRank.keySet()) {
            if (!inFile.contains(key)) {
                differences.add("missing from the file: " + show(key));
            }
        }
        return differences.section("merges", Math.max(expectedRank.size(), file.merges().size()));
    }

    private static Section encoding(Tokenizer tokenizer, HfTokenizerFile file, List<String> probes) {
        Differences differences = new Differences();
        if (!file.canEncode()) {
            differences.add("the file's pre-tokenizer pattern " + show(String.valueOf(file.pattern()))
                    + " cannot be run here, so no text was encoded");
            return differences.section("encoding", 0);
        }
        long compared = 0;
        for (int p = 0; p < probes.size(); p++) {
            String text = probes.get(p);
            int[] ours = tokenizer.encode(text), theirs = file.encode(text);
            compared += ours.length;
            int at = 0;
            while (at < ours.length && at < theirs.length && ours[at] == theirs[at]) {
                at++;
            }
            if (at < ours.length || at < theirs.length) {
                differences.add(String.format(Locale.ROOT, "probe %d: token %d differs after %s: phi4j %s, file %s",
                        p, at, show(tokenizer.decode(Arrays.copyOfRange(ours, Math.max(0, at - 3), at))),
                        Arrays.toString(Arrays.copyOfRange(ours, at, Math.min(ours.length, at + 4))),
                        Arrays.toString(Arrays.copyOfRange(theirs, at, Math.min(theirs.length, at + 4)))));
            }
        }
        return differences.section("encoding", compared);
    }

    /** A token or text quoted, control and non-ASCII characters escaped, so a report line stays one line. */
    static String show(String text) {
        StringBuilder out = new StringBuilder("'");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7F || c == '\'') {
                out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('\'').toString();
    }

    /** The report the command prints: one block per section, the patterns at the end. */
    public String report() {
        StringBuilder out = new StringBuilder();
        for (Section section : sections) {
            out.append(String.format(Locale.ROOT, "%-15s %,d compared, %s%n", section.name() + ":", section.compared(),
                    section.matches() ? "identical" : String.format(Locale.ROOT, "%,d differ", section.differenceCount())));
            for (String example : section.examples()) {
                out.append("    ").append(example).append('\n');
            }
            if (section.differenceCount() > section.examples().size()) {
                out.append(String.format(Locale.ROOT, "    … and %,d more%n",
                        section.differenceCount() - section.examples().size()));
            }
        }
        out.append("pre-tokenizer:  phi4j ").append(show(phi4jPattern)).append('\n');
        out.append("                file  ").append(show(String.valueOf(filePattern)))
                .append(phi4jPattern.equals(filePattern) ? " (same text)" : " (compared by the encoding probe)")
                .append('\n');
        out.append(matches() ? "same tokenizer\n" : "the tokenizers differ\n");
        return out.toString();
    }

    /** Probe texts that touch what tokenizers get wrong: contractions, digits, code, whitespace, non-Latin scripts. */
    public static List<String> defaultProbes() {
        return List.of(
                "The lighthouse keeper's log: it's 1,234,567 miles—we'll see. I'M HERE, they'd've said.",
                "def f(x):\n    return x**2  # square\n\n\n\tprint(f(12345))\r\n",
                "Ünïcödé façade, naïve café; Привет, мир! こんにちは世界 你好 🙂👍🏽 عربى",
                "   leading spaces and trailing   \n\n  mixed\u00a0no-break\u3000ideographic space",
                "ideographic\u3000\u3000\u3000spaces, em\u2003\u2003\u2003x and\u00a0\u00a0\u00a0no-break\u3000",
                "https://example.com/path?q=1&x=%20 <|im_start|> not special here <|endoftext|>");
    }
}

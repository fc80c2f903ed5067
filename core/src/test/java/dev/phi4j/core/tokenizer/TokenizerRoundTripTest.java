package dev.phi4j.core.tokenizer;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.stream.LongStream;

import static dev.phi4j.core.tokenizer.RandomText.escaped;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** decode(encode(s)) == s for thousands of hostile strings, and ordinary encoding never emits a special id. */
class TokenizerRoundTripTest {

    private static final long FIRST_SEED = 4_096_000L;
    private static final int CASES = 5_000;

    @Test
    void phi4RoundTripsRandomStrings() {
        assertRoundTrips(Phi4Tokenizer.instance());
    }

    @Test
    void bpeRoundTripsRandomStrings() throws IOException {
        assertRoundTrips(ShakespeareBpe.tokenizer());
    }

    /** Guards the property tests against a generator that quietly stopped producing the hard cases. */
    @Test
    void generatorProducesTheHardCases() {
        String all = LongStream.range(FIRST_SEED, FIRST_SEED + CASES)
                .mapToObj(seed -> new RandomText(seed).next())
                .reduce("", String::concat);
        assertTrue(all.contains("\uD83D\uDC68\u200D\uD83D\uDC69"), "ZWJ emoji sequence");
        assertTrue(all.contains("\uD83C\uDFFD"), "skin tone modifier");
        assertTrue(all.chars().anyMatch(c -> c == 0), "U+0000");
        assertTrue(all.chars().anyMatch(c -> c == 0x7F), "U+007F");
        assertTrue(all.chars().anyMatch(c -> c >= 0x4E00 && c <= 0x9FFF), "CJK");
        assertTrue(all.chars().anyMatch(c -> c >= 0x0621 && c <= 0x064A), "Arabic");
        assertTrue(all.chars().anyMatch(c -> c >= 0x05D0 && c <= 0x05EA), "Hebrew");
        assertTrue(all.matches("(?s).*[eaon][\u0300-\u036F]{2,}.*"), "stacked combining marks");
        assertTrue(all.matches("(?s).*\\p{L}{10000}.*"), "a word of 10,000 letters");
        assertTrue(all.matches("(?s).*[0-9]{20}.*"), "a run of digits");
        assertTrue(all.contains("<|im_start|>") && all.contains("<|endoftext|>"), "special-token look-alikes");
        assertTrue(all.contains("\r\n") && all.contains("\t"), "newlines and tabs");
    }

    private static void assertRoundTrips(Tokenizer tokenizer) {
        for (long seed = FIRST_SEED; seed < FIRST_SEED + CASES; seed++) {
            String text = new RandomText(seed).next();
            int[] ids = tokenizer.encode(text);
            String decoded = tokenizer.decode(ids);
            if (!decoded.equals(text)) {
                fail(tokenizer.name() + " does not round-trip new RandomText(" + seed + "L).next() = " + escaped(text)
                        + "; it decodes to " + escaped(decoded));
            }
            for (int id : ids) {
                if (id < 0 || id >= tokenizer.vocabSize() || tokenizer.specialTokens().isSpecial(id)) {
                    fail(tokenizer.name() + " emits id " + id + " for ordinary text new RandomText(" + seed
                            + "L).next() = " + escaped(text));
                }
            }
        }
    }
}

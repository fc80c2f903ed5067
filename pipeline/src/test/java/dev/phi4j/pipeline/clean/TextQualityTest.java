package dev.phi4j.pipeline.clean;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class TextQualityTest {

    private static final String PROSE = "Twice a day the sea pulls back from the rocky shore and leaves behind small "
            + "basins of water. These tide pools are some of the harshest homes on the planet. In a few hours the "
            + "water can warm by ten degrees, grow saltier as it evaporates, or turn almost fresh during a rain "
            + "shower. Anything that lives there has to survive all of it, and most of it does so by hiding.";

    private static String check(String text) {
        return TextQuality.firstViolation(TextNormalizer.normalize(text, true, true), QualityPresets.GOPHER);
    }

    @Test
    void ordinaryProsePassesEveryGopherRule() {
        assertNull(check(PROSE));
    }

    @Test
    void eachRuleNamesItsOwnReason() {
        assertEquals("too_short", check("Too short to keep."));
        assertEquals("too_few_words", check("Supercalifragilisticexpialidocious ".repeat(10)));
        assertEquals("mean_word_length", check(PROSE.replaceAll("[a-z]{3,}", "incomprehensibilities")));
        assertEquals("symbol_word_ratio", check(PROSE.replace(" the ", " #the #")));
        assertEquals("bullet_lines", check(("• " + PROSE.substring(0, 60) + "\n").repeat(6).replace("the", "a")
                .replace("a day", "the day with the sea and to be")));
        assertEquals("ellipsis_lines", check(PROSE.replace(". ", "...\n")));
        assertEquals("alpha_words", check(PROSE.replaceAll("\\b(the|of|and|a|in)\\b", "1234")
                .replace("the", "42") + " the of" + " 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22".repeat(2)));
        assertEquals("stop_words", check(PROSE.replaceAll("(?i)\\b(the|be|to|of|and|that|have|with)\\b", "a")));
        assertEquals("duplicate_lines", check((PROSE + "\n" + "Buy cheap shoes now at the shop with free shipping.\n"
                .repeat(4))));
        assertEquals("top_2gram", check(PROSE + " " + "the sea ".repeat(40)));
        assertEquals("duplicate_5gram", check(PROSE + " " + PROSE.substring(0, 150)));
    }

    @Test
    void codeRulesKeepIndentationAndDropMinifiedFiles() {
        String code = "def mean(values):\n    total = 0\n    for v in values:\n        total += v\n"
                + "    return total / len(values)\n";
        String normalized = TextNormalizer.normalize(code + "\n\n\n\n", true, false);

        assertEquals(code.strip(), normalized);
        assertNull(TextQuality.firstViolation(normalized, QualityPresets.CODE));
        assertEquals("long_lines", TextQuality.firstViolation("TABLE = [" + "0x1f, ".repeat(300) + "]",
                QualityPresets.CODE));
        assertEquals("alphanumeric_fraction", TextQuality.firstViolation("{{{{ }}}} ;;;; ==== ++++ ---- ////"
                + " (((( )))) [[[[ ]]]] <<<< >>>>", QualityPresets.CODE));
    }

    @Test
    void normalisationComposesUnicodeAndCollapsesWhitespace() {
        assertEquals("café\n\nsecond paragraph", TextNormalizer.normalize(
                "  cafe\u0301 \t\u00A0\r\n\n\n\n second \u200Bparagraph  \n", true, true).replace("  ", " ")
                .replace("\n ", "\n"));
        assertEquals("a b c", TextNormalizer.normalize("a \t b\u00A0\u00A0c", true, true));
        assertEquals("x\u0000y".replace("\u0000", ""), TextNormalizer.normalize("x\u0000y", true, true));
    }
}

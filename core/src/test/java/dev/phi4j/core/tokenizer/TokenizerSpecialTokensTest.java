package dev.phi4j.core.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The special-token rules both tokenizers share: the id table, and how allowed special strings are found
 * in text (checked with text encoded as its characters, so ids are readable).
 */
class TokenizerSpecialTokensTest {

    /** Ids 1000..1003 for the chat tokens, plus two that overlap them to exercise leftmost-longest. */
    private static final SpecialTokens OVERLAPPING = new SpecialTokens(withOverlaps());

    private static Map<String, Integer> chat(int first) {
        Map<String, Integer> ids = new LinkedHashMap<>();
        ids.put(SpecialTokens.END_OF_TEXT, first);
        ids.put(SpecialTokens.IM_START, first + 1);
        ids.put(SpecialTokens.IM_SEP, first + 2);
        ids.put(SpecialTokens.IM_END, first + 3);
        return ids;
    }

    private static Map<String, Integer> withOverlaps() {
        Map<String, Integer> ids = chat(1000);
        ids.put("<|im", 1004);
        ids.put("<|im_start|>!", 1005);
        return ids;
    }

    private static int[] split(String text, Set<String> allowed) {
        return SpecialTokenSplitter.encode(text, allowed, OVERLAPPING, piece -> piece.chars().toArray());
    }

    @Test
    void isSpecialIsTrueExactlyForTheIds() {
        Map<String, Integer> ids = chat(10);
        ids.put("<|dummy_0|>", 20);
        SpecialTokens specials = new SpecialTokens(ids);
        for (int id = 0; id < 30; id++) {
            assertEquals(id >= 10 && id <= 13 || id == 20, specials.isSpecial(id), "id " + id);
        }
        assertFalse(specials.isSpecial(-1));
    }

    @Test
    void accessorsAndEqualityFollowTheMap() {
        SpecialTokens specials = new SpecialTokens(chat(100));
        assertEquals(100, specials.endOfText());
        assertEquals(101, specials.imStart());
        assertEquals(102, specials.imSep());
        assertEquals(103, specials.imEnd());
        assertEquals(new SpecialTokens(chat(100)), specials);
        assertEquals(new SpecialTokens(chat(100)).hashCode(), specials.hashCode());
        assertThrows(UnsupportedOperationException.class, () -> specials.ids().put("x", 1));
    }

    @Test
    void aMissingChatTokenIsRejected() {
        Map<String, Integer> ids = chat(0);
        ids.remove(SpecialTokens.IM_SEP);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SpecialTokens(ids));
        assertTrue(e.getMessage().contains("<|im_sep|>"), e.getMessage());
    }

    @Test
    void twoTokensWithOneIdAreRejected() {
        Map<String, Integer> ids = chat(0);
        ids.put("<|dummy_0|>", 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SpecialTokens(ids));
        assertTrue(e.getMessage().contains("<|im_sep|> and <|dummy_0|> share the id 2"), e.getMessage());
    }


    @Test
    void ofTwoMatchesAtOnePlaceTheLongestWins() {
        assertArrayEquals(new int[] {'a', 1005, 'b'}, split("a<|im_start|>!b", Set.of("<|im", "<|im_start|>", "<|im_start|>!")));
        assertArrayEquals(new int[] {1001, 'b'}, split("<|im_start|>b", Set.of("<|im", "<|im_start|>", "<|im_start|>!")));
    }

    @Test
    void theLeftmostMatchWinsOverALongerOneStartingLater() {
        assertArrayEquals(new int[] {1004, 1004, '_', 's', 'e', 'p', '|', '>'}, split("<|im<|im_sep|>", Set.of("<|im")));
        assertArrayEquals(new int[] {1004, 1002}, split("<|im<|im_sep|>", Set.of("<|im", "<|im_sep|>")));
    }

    @Test
    void withNothingAllowedAllIsText() {
        assertArrayEquals("<|im_end|>".chars().toArray(), split("<|im_end|>", Set.of()));
    }

    @Test
    void adjacentAndEdgeMatchesLeaveNoEmptyPieces() {
        assertArrayEquals(new int[] {1003, 1003, 1000}, split("<|im_end|><|im_end|><|endoftext|>", SpecialTokens.CHAT));
    }
}

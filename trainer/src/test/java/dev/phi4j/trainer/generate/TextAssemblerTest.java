package dev.phi4j.trainer.generate;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextAssemblerTest {

    @Test
    void multibyteCharactersSplitAcrossTokensDecodeWhole() {
        byte[] bytes = "añ€😀!".getBytes(StandardCharsets.UTF_8);
        TextAssembler text = new TextAssembler(List.of());
        StringBuilder streamed = new StringBuilder();
        for (byte b : bytes) {                           // one byte per token: every character is cut
            text.append(new byte[] {b});
            String delta = text.takeStreamable(false);
            assertFalse(delta.contains("\uFFFD"), "no half character is ever streamed");
            streamed.append(delta);
        }
        text.finish();
        streamed.append(text.takeStreamable(true));
        assertEquals("añ€😀!", text.text());
        assertEquals("añ€😀!", streamed.toString());
    }

    @Test
    void truncatedCharacterAtTheEndDecodesAsStringDoes() {
        byte[] cut = Arrays.copyOf("€".getBytes(StandardCharsets.UTF_8), 2);
        TextAssembler text = new TextAssembler(List.of());
        text.append("x".getBytes(StandardCharsets.UTF_8));
        text.append(cut);
        assertEquals("x", text.text());
        text.finish();
        assertEquals("x" + new String(cut, StandardCharsets.UTF_8), text.text());
    }

    @Test
    void stopSequenceAcrossTokensCutsTheTextBeforeIt() {
        TextAssembler text = new TextAssembler(List.of("\n\nQ:", "END"));
        assertFalse(text.append(bytes("The answer is 4.\n")));
        assertEquals("The answer is 4.", text.takeStreamable(false), "a newline might start the stop: held back");
        assertFalse(text.append(bytes("\nQ")));
        assertEquals("", text.takeStreamable(false));
        assertTrue(text.append(bytes(": next")));
        assertEquals("The answer is 4.", text.text());
        assertEquals("", text.takeStreamable(true));
        assertTrue(text.stopped());
    }

    @Test
    void heldBackTextIsReleasedWhenItStopsLookingLikeAStop() {
        TextAssembler text = new TextAssembler(List.of("STOP"));
        text.append(bytes("go ST"));
        assertEquals("go ", text.takeStreamable(false));
        text.append(bytes("OMP"));
        assertEquals("STOMP", text.takeStreamable(false));
        assertEquals(8, text.streamedLength());
    }

    @Test
    void earliestOfSeveralStopsWins() {
        TextAssembler text = new TextAssembler(List.of("cd", "b"));
        assertTrue(text.append(bytes("abcd")));
        assertEquals("a", text.text());
    }

    @Test
    void completePrefixFindsTheCutCharacter() {
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);     // 3 bytes
        assertEquals(0, TextAssembler.completePrefix(Arrays.copyOf(euro, 1)));
        assertEquals(0, TextAssembler.completePrefix(Arrays.copyOf(euro, 2)));
        assertEquals(3, TextAssembler.completePrefix(euro));
        byte[] emoji = "a😀".getBytes(StandardCharsets.UTF_8);  // 1 + 4 bytes
        assertEquals(1, TextAssembler.completePrefix(Arrays.copyOf(emoji, 4)));
        assertEquals(5, TextAssembler.completePrefix(emoji));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

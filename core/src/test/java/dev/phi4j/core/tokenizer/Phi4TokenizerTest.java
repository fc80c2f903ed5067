package dev.phi4j.core.tokenizer;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import dev.phi4j.core.SharedData;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Phi4TokenizerTest {

    private static final Phi4Tokenizer PHI4 = Phi4Tokenizer.instance();
    private static final Encoding CL100K = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);

    @Test
    void knownCl100kIds() {
        assertArrayEquals(new int[] {15339, 1917}, PHI4.encode("hello world"));
        assertArrayEquals(new int[] {9906, 11, 1917, 0}, PHI4.encode("Hello, world!"));
        assertArrayEquals(new int[] {83, 1609, 5963, 374, 2294, 0}, PHI4.encode("tiktoken is great!"));
    }

    @Test
    void ordinaryTextEncodesExactlyAsJtokkit() throws IOException {
        List<String> texts = new ArrayList<>(List.of("", " ", "hello world", "  leading spaces\n\n\ttabs",
                "naïve café, Ünïcödé", "数学は楽しい", "مرحبا بالعالم", "שלום", "\uD83D\uDC4D\uD83C\uDFFD ok",
                "x = 12345678901234567890;", "I'm here, you'll see, they've gone"));
        texts.add(SharedData.tinyShakespeareText().substring(0, 50_000));
        for (String text : texts) {
            assertArrayEquals(CL100K.encodeOrdinary(text).toArray(), PHI4.encode(text), text);
        }
    }

    @Test
    void vocabularyIsPhi4sPadded100352() {
        assertEquals(100_352, PHI4.vocabSize());
        assertEquals(96, PHI4.specialTokens().ids().size());
        assertEquals(IntStream.range(100_256, 100_352).boxed().toList(),
                PHI4.specialTokens().ids().values().stream().sorted().toList());
        assertEquals("<|dummy_87|>", new String(PHI4.tokenBytes(100_351), StandardCharsets.UTF_8));
    }

    @Test
    void specialIdsAreThoseOfTheReleasedPhi4Tokenizer() {
        Map<String, Integer> ids = PHI4.specialTokens().ids();
        assertEquals(100_256, ids.get("<|dummy_0|>"));
        assertEquals(100_257, ids.get("<|endoftext|>"));
        assertEquals(100_258, ids.get("<|fim_prefix|>"));
        assertEquals(100_259, ids.get("<|fim_middle|>"));
        assertEquals(100_260, ids.get("<|fim_suffix|>"));
        assertEquals(100_261, ids.get("<|dummy_1|>"));
        assertEquals(100_263, ids.get("<|dummy_3|>"));
        assertEquals(100_264, ids.get("<|im_start|>"));
        assertEquals(100_265, ids.get("<|im_end|>"));
        assertEquals(100_266, ids.get("<|im_sep|>"));
        assertEquals(100_267, ids.get("<|dummy_4|>"));
        assertEquals(100_275, ids.get("<|dummy_12|>"));
        assertEquals(100_276, ids.get("<|endofprompt|>"));
        assertEquals(100_277, ids.get("<|dummy_13|>"));
        assertEquals(100_351, ids.get("<|dummy_87|>"));
        assertEquals(100_257, PHI4.specialTokens().endOfText());
        assertEquals(100_264, PHI4.specialTokens().imStart());
        assertEquals(100_266, PHI4.specialTokens().imSep());
        assertEquals(100_265, PHI4.specialTokens().imEnd());
    }

    /** cl100k's own special tokens keep the ids tiktoken gives them. */
    @Test
    void cl100kSpecialsAgreeWithJtokkit() {
        for (int id : new int[] {100_257, 100_258, 100_259, 100_260, 100_276}) {
            IntArrayList one = new IntArrayList();
            one.add(id);
            assertEquals(new String(CL100K.decodeBytes(one), StandardCharsets.UTF_8), PHI4.decode(new int[] {id}));
        }
    }

    @Test
    void ordinaryEncodeTreatsSpecialStringsAsText() {
        String text = "<|im_start|>user<|im_sep|>hi<|im_end|><|endoftext|>";
        int[] ids = PHI4.encode(text);
        assertTrue(Arrays.stream(ids).allMatch(id -> id < Phi4Tokenizer.FIRST_SPECIAL_ID), Arrays.toString(ids));
        assertArrayEquals(CL100K.encodeOrdinary(text).toArray(), ids);
    }

    @Test
    void allowedSpecialStringsBecomeExactlyTheirIds() {
        int[] ids = PHI4.encode("<|im_start|>user<|im_sep|>hi there<|im_end|>", SpecialTokens.CHAT);
        int[] expected = concat(new int[] {100_264}, PHI4.encode("user"), new int[] {100_266},
                PHI4.encode("hi there"), new int[] {100_265});
        assertArrayEquals(expected, ids);
    }

    @Test
    void specialStringsNotAllowedStayText() {
        int[] ids = PHI4.encode("<|im_start|>a<|im_end|>", Set.of(SpecialTokens.IM_START));
        assertArrayEquals(concat(new int[] {100_264}, PHI4.encode("a<|im_end|>")), ids);
    }

    @Test
    void anIncompleteSpecialBeforeACompleteOneIsText() {
        int[] ids = PHI4.encode("<|im_start<|im_end|>", SpecialTokens.CHAT);
        assertArrayEquals(concat(PHI4.encode("<|im_start"), new int[] {100_265}), ids);
    }

    @Test
    void allowingAStringThatIsNotSpecialIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PHI4.encode("x", Set.of("<|im_begin|>")));
        assertTrue(e.getMessage().contains("<|im_begin|>"), e.getMessage());
    }

    @Test
    void specialIdsDecodeToTheirStrings() {
        assertEquals("<|im_start|><|im_end|><|endofprompt|><|dummy_0|>",
                PHI4.decode(new int[] {100_264, 100_265, 100_276, 100_256}));
        assertArrayEquals("<|endoftext|>".getBytes(StandardCharsets.UTF_8), PHI4.tokenBytes(100_257));
    }

    @Test
    void unknownIdsAreErrorsNamingTheId() {
        IllegalArgumentException tooLarge = assertThrows(IllegalArgumentException.class,
                () -> PHI4.decode(new int[] {15339, 100_352}));
        assertTrue(tooLarge.getMessage().contains("100352"), tooLarge.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> PHI4.tokenBytes(-1));
        assertTrue(negative.getMessage().contains("-1"), negative.getMessage());
    }

    /** 🤗 is split into tokens that are not UTF-8 on their own; only the joined bytes decode. */
    @Test
    void decodingJoinsBytesAcrossTokens() {
        String hug = "\uD83E\uDD17";
        int[] ids = PHI4.encode(hug);
        assertTrue(ids.length > 1, Arrays.toString(ids));
        assertTrue(Arrays.stream(ids).anyMatch(id -> !isUtf8(PHI4.tokenBytes(id))));
        assertEquals(hug, PHI4.decode(ids));
    }

    @Test
    void loneSurrogatesAreEncodedAsReplacementCharacters() {
        assertArrayEquals(PHI4.encode("a\uFFFDb\uFFFD"), PHI4.encode("a\uD800b\uDFFF"));
        assertEquals("a\uFFFDb\uFFFD", PHI4.decode(PHI4.encode("a\uD800b\uDFFF")));
        assertEquals("x\uD83D\uDE00", PHI4.decode(PHI4.encode("x\uD83D\uDE00")));
    }

    @Test
    void concurrentEncodingGivesTheSameIdsAsSequential() throws Exception {
        List<String> blocks = List.of(SharedData.tinyShakespeareText().substring(0, 200_000).split("\n\n"));
        List<int[]> sequential = blocks.stream().map(PHI4::encode).toList();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<int[]>> parallel = blocks.stream().map(b -> pool.submit(() -> PHI4.encode(b))).toList();
            for (int i = 0; i < blocks.size(); i++) {
                assertArrayEquals(sequential.get(i), parallel.get(i).get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }

    static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}

package dev.phi4j.core.tokenizer;

import dev.phi4j.core.SharedData;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.phi4j.core.tokenizer.Phi4TokenizerTest.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BpeTokenizerTest {

    /**
     * The textbook algorithm, quadratic but obviously right: in each piece, merge the adjacent pair with the
     * lowest id (leftmost among equals) until no pair merges. The tokenizer's heap-based merging must agree.
     */
    private static int[] referenceEncode(BpeTokenizer bpe, String text) {
        Map<Long, Integer> idOfPair = new HashMap<>();
        for (int k = 0; k < bpe.merges().size(); k++) {
            BpeMerge merge = bpe.merges().get(k);
            idOfPair.put((long) merge.left() << 32 | merge.right(), 256 + k);
        }
        List<Integer> out = new ArrayList<>();
        PreTokenizer.CL100K.split(LoneSurrogates.replace(text), piece -> {
            List<Integer> symbols = new ArrayList<>();
            for (byte b : piece.getBytes(StandardCharsets.UTF_8)) {
                symbols.add(b & 0xFF);
            }
            while (true) {
                int best = -1;
                int bestId = Integer.MAX_VALUE;
                for (int i = 0; i + 1 < symbols.size(); i++) {
                    Integer id = idOfPair.get((long) symbols.get(i) << 32 | symbols.get(i + 1));
                    if (id != null && id < bestId) {
                        best = i;
                        bestId = id;
                    }
                }
                if (best < 0) {
                    break;
                }
                symbols.set(best, bestId);
                symbols.remove(best + 1);
            }
            out.addAll(symbols);
        });
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void heapMergingAgreesWithTheTextbookAlgorithm() throws IOException {
        BpeTokenizer bpe = ShakespeareBpe.tokenizer();
        List<String> texts = new ArrayList<>(List.of(
                SharedData.tinyShakespeareText().substring(0, 100_000),
                "thethethethethe" + "e".repeat(3_000) + " " + "ab".repeat(2_000),
                "Wherefore art thou Romeo? Deny thy father and refuse thy name;"));
        for (long seed = 0; seed < 300; seed++) {
            String random = new RandomText(seed).next();
            texts.add(random.length() > 3_000 ? random.substring(0, 3_000) : random);
        }
        for (String text : texts) {
            assertArrayEquals(referenceEncode(bpe, text), bpe.encode(text), () -> RandomText.escaped(text));
        }
    }

    @Test
    void ordinaryEncodeTreatsSpecialStringsAsText() throws IOException {
        BpeTokenizer bpe = ShakespeareBpe.tokenizer();
        int[] ids = bpe.encode("<|im_start|>user<|endoftext|>");
        assertTrue(Arrays.stream(ids).noneMatch(id -> bpe.specialTokens().isSpecial(id)), Arrays.toString(ids));
        assertEquals("<|im_start|>user<|endoftext|>", bpe.decode(ids));
    }

    @Test
    void allowedSpecialStringsBecomeExactlyTheirIds() throws IOException {
        BpeTokenizer bpe = ShakespeareBpe.tokenizer();
        SpecialTokens specials = bpe.specialTokens();
        int[] ids = bpe.encode("<|im_start|>user<|im_sep|>to be<|im_end|><|endoftext|>", SpecialTokens.CHAT);
        assertArrayEquals(concat(new int[] {specials.imStart()}, bpe.encode("user"), new int[] {specials.imSep()},
                bpe.encode("to be"), new int[] {specials.imEnd(), specials.endOfText()}), ids);
        assertEquals("<|im_start|>user<|im_sep|>to be<|im_end|><|endoftext|>", bpe.decode(ids));
    }

    @Test
    void specialStringsNotAllowedStayText() throws IOException {
        BpeTokenizer bpe = ShakespeareBpe.tokenizer();
        int[] ids = bpe.encode("a<|im_sep|>b<|im_end|>", Set.of(SpecialTokens.IM_END));
        assertArrayEquals(concat(bpe.encode("a<|im_sep|>b"), new int[] {bpe.specialTokens().imEnd()}), ids);
    }

    @Test
    void unknownIdsAreErrorsNamingTheId() throws IOException {
        BpeTokenizer bpe = ShakespeareBpe.tokenizer();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bpe.decode(new int[] {65, 2048}));
        assertTrue(e.getMessage().contains("2048"), e.getMessage());
    }

    @Test
    void loneSurrogatesAreEncodedAsReplacementCharacters() throws IOException {
        BpeTokenizer bpe = ShakespeareBpe.tokenizer();
        assertArrayEquals(bpe.encode("a\uFFFDb"), bpe.encode("a\uDC00b"));
        assertEquals("\uFFFD!", bpe.decode(bpe.encode("\uD800!")));
    }

    @Test
    void theNameIdentifiesTheMerges() throws IOException {
        BpeTokenizer other = new BpeTrainer(new BpeTrainer.Settings(2048, 2, 1))
                .train(List.of("a different corpus entirely").iterator(), m -> {});
        assertTrue(ShakespeareBpe.tokenizer().name().startsWith("phi4j-bpe vocab 2048 (sha256 "));
        assertNotEquals(ShakespeareBpe.tokenizer().name(), other.name());
    }

    /** The piece cache is shared between threads; concurrent use must not change any result. */
    @Test
    void concurrentEncodingGivesTheSameIdsAsSequential() throws Exception {
        BpeTokenizer fresh = new BpeTrainer(new BpeTrainer.Settings(1024, 2, 2))
                .train(List.of(SharedData.tinyShakespeare()), m -> {});
        List<String> blocks = List.of(SharedData.tinyShakespeareText().substring(0, 300_000).split("\n\n"));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<int[]>> parallel = blocks.stream().map(b -> pool.submit(() -> fresh.encode(b))).toList();
            for (int i = 0; i < blocks.size(); i++) {
                assertArrayEquals(referenceEncode(fresh, blocks.get(i)), parallel.get(i).get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}

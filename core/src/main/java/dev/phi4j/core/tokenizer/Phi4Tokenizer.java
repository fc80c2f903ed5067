package dev.phi4j.core.tokenizer;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Phi-4's tokenizer: tiktoken {@code cl100k_base} (through jtokkit) with the special tokens of the released
 * Phi-4 tokenizer, padded to a vocabulary of 100,352 so the embedding table is a multiple of 64.
 *
 * <p>Lone surrogates in the input are replaced with U+FFFD before encoding (see {@link LoneSurrogates}), so
 * {@code decode(encode(s))} equals {@code s} for every valid Unicode string and is {@code s} with U+FFFD
 * in place of each lone surrogate otherwise. Decoding joins the bytes of all tokens before reading them
 * as UTF-8, since cl100k splits many multibyte characters across tokens; bytes that still do not form
 * UTF-8 (a sequence cut short) decode to U+FFFD.
 *
 * <p>Immutable and thread-safe; {@link #instance()} shares one copy, since building it parses cl100k's
 * 100k merges.
 */
public final class Phi4Tokenizer implements Tokenizer {

    public static final int VOCAB_SIZE = 100_352;

    /** cl100k's ordinary tokens are 0..100255; everything from here up is special. */
    public static final int FIRST_SPECIAL_ID = 100_256;

    private static final int END_OF_PROMPT_ID = 100_276;

    private final Encoding cl100k;
    private final SpecialTokens specialTokens;
    private final byte[][] bytesById;

    private Phi4Tokenizer() {
        cl100k = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
        specialTokens = new SpecialTokens(phi4SpecialIds());
        bytesById = new byte[VOCAB_SIZE][];
        IntArrayList single = new IntArrayList(1);
        single.add(0);
        for (int id = 0; id < FIRST_SPECIAL_ID; id++) {
            single.set(0, id);
            bytesById[id] = cl100k.decodeBytes(single);
        }
        specialTokens.ids().forEach((token, id) -> bytesById[id] = token.getBytes(StandardCharsets.UTF_8));
    }

    public static Phi4Tokenizer instance() {
        return Shared.INSTANCE;
    }

    /** Lazy: the cl100k tables are loaded the first time someone asks for the tokenizer, not at class load. */
    private static final class Shared {
        static final Phi4Tokenizer INSTANCE = new Phi4Tokenizer();
    }

    /**
     * The ids of the released Phi-4 tokenizer: cl100k's own specials keep their ids, ChatML's im_* tokens
     * take 100264..100266, and every other id up to the padded vocabulary is a {@code <|dummy_N|>}.
     */
    private static Map<String, Integer> phi4SpecialIds() {
        Map<String, Integer> ids = new LinkedHashMap<>();
        ids.put("<|dummy_0|>", 100_256);
        ids.put(SpecialTokens.END_OF_TEXT, 100_257);
        ids.put("<|fim_prefix|>", 100_258);
        ids.put("<|fim_middle|>", 100_259);
        ids.put("<|fim_suffix|>", 100_260);
        ids.put("<|dummy_1|>", 100_261);
        ids.put("<|dummy_2|>", 100_262);
        ids.put("<|dummy_3|>", 100_263);
        ids.put(SpecialTokens.IM_START, 100_264);
        ids.put(SpecialTokens.IM_END, 100_265);
        ids.put(SpecialTokens.IM_SEP, 100_266);
        int dummy = 4;
        for (int id = 100_267; id < VOCAB_SIZE; id++) {
            ids.put(id == END_OF_PROMPT_ID ? "<|endofprompt|>" : "<|dummy_" + dummy++ + "|>", id);
        }
        return ids;
    }

    @Override
    public String name() {
        return "phi-4 (cl100k_base)";
    }

    @Override
    public int vocabSize() {
        return VOCAB_SIZE;
    }

    @Override
    public SpecialTokens specialTokens() {
        return specialTokens;
    }

    @Override
    public int[] encode(String text) {
        return cl100k.encodeOrdinary(LoneSurrogates.replace(text)).toArray();
    }

    @Override
    public int[] encode(String text, Set<String> allowedSpecial) {
        return SpecialTokenSplitter.encode(text, allowedSpecial, specialTokens, this::encode);
    }

    @Override
    public String decode(int[] tokens) {
        return TokenBytes.decode(tokens, bytesById);
    }

    @Override
    public byte[] tokenBytes(int token) {
        return TokenBytes.of(token, bytesById).clone();
    }

    /** tiktoken's cl100k pattern, which jtokkit implements by hand rather than as a regular expression. */
    @Override
    public String preTokenizerPattern() {
        return PreTokenizer.CL100K_PATTERN;
    }
}

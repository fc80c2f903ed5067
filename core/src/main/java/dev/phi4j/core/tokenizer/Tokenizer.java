package dev.phi4j.core.tokenizer;

import java.util.Set;

/**
 * Text ↔ token ids. Implementations are lossless: {@code decode(encode(s)).equals(s)} for every string
 * without lone surrogates, and thread-safe, so one instance serves a whole Spark executor or trainer.
 *
 * <p>Special tokens (see {@link SpecialTokens}) are never produced from user text by
 * {@link #encode(String)}: a document that contains the characters {@code <|im_start|>} is encoded as
 * those characters. Only {@link #encode(String, Set)} turns the named special strings into their ids.
 */
public interface Tokenizer {

    /** Human-readable identity, recorded in checkpoints and manifests, e.g. {@code phi-4 (cl100k_base)}. */
    String name();

    /** Size of the embedding table a model needs: every id this tokenizer can emit is below it. */
    int vocabSize();

    SpecialTokens specialTokens();

    /** Encodes ordinary text; special-token strings inside it are treated as plain text. */
    int[] encode(String text);

    /** Encodes text in which the listed special-token strings become their ids. */
    int[] encode(String text, Set<String> allowedSpecial);

    /** Decodes ids back to text; special ids become their strings. Unknown ids are an error naming the id. */
    String decode(int[] tokens);

    /** The raw bytes of one token (the special token's UTF-8 string for special ids). */
    byte[] tokenBytes(int token);

    /**
     * The regular expression (java.util.regex) that cuts ordinary text into the pieces merges never cross; what a
     * Hugging Face {@code tokenizer.json} of this tokenizer carries as its pre-tokenizer.
     */
    String preTokenizerPattern();
}

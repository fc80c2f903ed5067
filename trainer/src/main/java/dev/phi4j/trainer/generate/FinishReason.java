package dev.phi4j.trainer.generate;

import java.util.Locale;

/** Why a completion ended, named as the OpenAI API names it. */
public enum FinishReason {
    /** A stop token ({@code <|im_end|>}, {@code <|endoftext|>}) or a stop sequence. */
    STOP,
    /** The token limit: max new tokens, or the model's context. */
    LENGTH;

    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package dev.phi4j.core.tokenizer;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The special tokens of Phi-4's chat format and document packing, with the ids a given tokenizer gives them.
 *
 * @param ids every special token string of the tokenizer (including padding dummies), in id order
 */
public record SpecialTokens(Map<String, Integer> ids) {

    public static final String END_OF_TEXT = "<|endoftext|>";
    public static final String IM_START = "<|im_start|>";
    public static final String IM_SEP = "<|im_sep|>";
    public static final String IM_END = "<|im_end|>";

    /** The tokens ChatML formatting and packing need; both tokenizers define all of them. */
    public static final Set<String> CHAT = Set.of(END_OF_TEXT, IM_START, IM_SEP, IM_END);

    public SpecialTokens {
        ids = Collections.unmodifiableMap(new LinkedHashMap<>(ids));
        for (String required : CHAT) {
            if (!ids.containsKey(required)) {
                throw new IllegalArgumentException("special token " + required + " is missing from " + ids.keySet());
            }
        }
    }

    public int endOfText() { return ids.get(END_OF_TEXT); }

    public int imStart() { return ids.get(IM_START); }

    public int imSep() { return ids.get(IM_SEP); }

    public int imEnd() { return ids.get(IM_END); }

    public boolean isSpecial(int token) { return ids.containsValue(token); }
}

package dev.phi4j.core.tokenizer;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The special tokens of Phi-4's chat format and document packing, with the ids a given tokenizer gives them.
 *
 * <p>A final class rather than a record so that it can keep an inverse index: {@link #isSpecial} is asked
 * once per token by packing and loss masking, and must not scan the map.
 */
public final class SpecialTokens {

    public static final String END_OF_TEXT = "<|endoftext|>";
    public static final String IM_START = "<|im_start|>";
    public static final String IM_SEP = "<|im_sep|>";
    public static final String IM_END = "<|im_end|>";

    /** The tokens ChatML formatting and packing need; both tokenizers define all of them. */
    public static final Set<String> CHAT = Set.of(END_OF_TEXT, IM_START, IM_SEP, IM_END);

    private final Map<String, Integer> ids;
    private final Map<Integer, String> byId;
    private final int minId;
    private final int maxId;

    /** @param ids every special token string of the tokenizer (including padding dummies), in id order */
    public SpecialTokens(Map<String, Integer> ids) {
        this.ids = Collections.unmodifiableMap(new LinkedHashMap<>(ids));
        for (String required : CHAT) {
            if (!ids.containsKey(required)) {
                throw new IllegalArgumentException("special token " + required + " is missing from " + ids.keySet());
            }
        }
        this.byId = new HashMap<>();
        for (Map.Entry<String, Integer> e : this.ids.entrySet()) {
            if (e.getKey().isEmpty()) {
                throw new IllegalArgumentException("a special token must not be the empty string");
            }
            String previous = byId.put(e.getValue(), e.getKey());
            if (previous != null) {
                throw new IllegalArgumentException(
                        "special tokens " + previous + " and " + e.getKey() + " share the id " + e.getValue());
            }
        }
        this.minId = Collections.min(byId.keySet());
        this.maxId = Collections.max(byId.keySet());
    }

    /** Every special token string, in id order. */
    public Map<String, Integer> ids() { return ids; }

    public int endOfText() { return ids.get(END_OF_TEXT); }

    public int imStart() { return ids.get(IM_START); }

    public int imSep() { return ids.get(IM_SEP); }

    public int imEnd() { return ids.get(IM_END); }

    public boolean isSpecial(int token) {
        return token >= minId && token <= maxId && byId.containsKey(token);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SpecialTokens other && ids.equals(other.ids);
    }

    @Override
    public int hashCode() { return ids.hashCode(); }

    @Override
    public String toString() { return "SpecialTokens[ids=" + ids + "]"; }
}

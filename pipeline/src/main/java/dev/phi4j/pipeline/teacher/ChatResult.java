package dev.phi4j.pipeline.teacher;

import java.io.Serializable;

/**
 * What a teacher answered. {@code finishReason} is the endpoint's own ({@code stop}, {@code length}, …): a
 * {@code length} answer was cut at {@code max_tokens} and is {@link #truncated()}, which callers record as such and
 * never pass off as complete.
 *
 * @param model            the model name the endpoint reported (or the configured one when it reported none)
 * @param cacheKey         {@code sha256:…} of endpoint, model, messages and sampling settings
 * @param cached           answered from the response cache, no call made
 * @param attempts         HTTP attempts this answer took (0 when cached)
 */
public record ChatResult(String teacher, String model, String text, String finishReason, int promptTokens,
                         int completionTokens, String cacheKey, boolean cached, int attempts) implements Serializable {

    public static final String FINISH_LENGTH = "length";

    public boolean truncated() {
        return FINISH_LENGTH.equals(finishReason);
    }
}

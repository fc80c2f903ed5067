package dev.phi4j.pipeline.teacher;

/**
 * A chat model that answers {@link ChatRequest}s: an OpenAI-compatible endpoint behind {@link TeacherClient}, or a
 * scripted one in tests of generation logic. Implementations are thread-safe.
 */
public interface Teacher {

    /** The teacher's name in the config (one member of a panel), recorded in every sample's lineage. */
    String name();

    /**
     * The answer to {@code request}. Throws {@link TeacherException} with a snake_case reason when no answer could be
     * had after the configured retries; a truncated answer is returned, not thrown ({@link ChatResult#truncated()}).
     */
    ChatResult complete(ChatRequest request);

    /** The response-cache key of {@code request} for this teacher: recorded on a failed call, so it can be retried. */
    String cacheKey(ChatRequest request);
}

package dev.phi4j.trainer.eval;

import dev.phi4j.core.schema.Message;

import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Whatever answers the generative tasks: a phi4j checkpoint through the batched inference engine
 * ({@link ModelCompleter}) or any OpenAI-compatible endpoint (the CLI's adapter over the teacher client). The tasks
 * only see text, so one harness scores both.
 */
public interface Completer {

    /**
     * @param temperature 0 is greedy
     * @param n           samples per conversation
     * @param seed        sample j of every conversation uses a seed derived from this and j
     */
    record Request(double temperature, int maxTokens, int n, long seed) {

        public Request {
            if (!(temperature >= 0) || maxTokens < 1 || n < 1) {
                throw new IllegalArgumentException("temperature >= 0, max tokens >= 1 and n >= 1, got " + temperature
                        + ", " + maxTokens + ", " + n);
            }
        }
    }

    /**
     * The samples of one conversation. A conversation the model cannot take (a prompt longer than its context) is
     * refused with the reason, and its samples are empty texts, which score as wrong answers: dropping it would
     * flatter the score.
     */
    record Answers(List<String> texts, Optional<String> refused) {

        public static Answers of(List<String> texts) {
            return new Answers(List.copyOf(texts), Optional.empty());
        }

        public static Answers refused(String reason, int n) {
            return new Answers(Collections.nCopies(n, ""), Optional.of(reason));
        }
    }

    /** {@code request.n()} samples of each conversation (each ends with a user turn), in conversation order. */
    List<Answers> complete(List<List<Message>> conversations, Request request);

    /** What answered: a checkpoint folder or an endpoint and model. */
    String name();
}

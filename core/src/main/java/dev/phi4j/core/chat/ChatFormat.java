package dev.phi4j.core.chat;

import dev.phi4j.core.schema.Message;
import dev.phi4j.core.schema.Role;
import dev.phi4j.core.tokenizer.SpecialTokens;
import dev.phi4j.core.tokenizer.Tokenizer;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Phi-4's chat format, the one place that lays a conversation out as tokens:
 * <pre>
 *   &lt;|im_start|&gt;{role}&lt;|im_sep|&gt;{content}&lt;|im_end|&gt;   for every message, with nothing in between,
 *   &lt;|im_start|&gt;assistant&lt;|im_sep|&gt;                     to ask the model for the next turn.
 * </pre>
 * SFT (its loss mask) and serving (its prompts) both render through this class, so a model is served in exactly
 * the format it was fine-tuned on.
 *
 * <p>The control tokens are written as their ids; roles and contents go through the tokenizer's ordinary
 * {@link Tokenizer#encode(String)}, so a message that contains the characters {@code <|im_end|>} is encoded as
 * those characters and cannot close its turn or open another one.
 *
 * <p>Immutable and thread-safe, like the tokenizer it wraps.
 */
public final class ChatFormat {

    private final Tokenizer tokenizer;
    private final int imStart;
    private final int imSep;
    private final int imEnd;
    private final int[] assistantRole;

    public ChatFormat(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
        SpecialTokens specials = tokenizer.specialTokens();
        this.imStart = specials.imStart();
        this.imSep = specials.imSep();
        this.imEnd = specials.imEnd();
        this.assistantRole = tokenizer.encode(roleName(Role.ASSISTANT));
    }

    /** The tokens and, per token, whether SFT trains on it. */
    public record Encoded(int[] tokens, boolean[] trainable) {

        /** How many tokens are trained on. */
        public int trainableCount() {
            int count = 0;
            for (boolean t : trainable) {
                count += t ? 1 : 0;
            }
            return count;
        }
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** The whole conversation, every message closed by {@code <|im_end|>}. */
    public int[] encode(List<Message> messages) {
        return render(messages, false).tokens();
    }

    /** The conversation followed by the opening of an assistant turn: what a model continues when asked to reply. */
    public int[] generationPrompt(List<Message> messages) {
        return render(messages, true).tokens();
    }

    /**
     * The conversation with SFT's loss mask: an assistant message's content and its closing {@code <|im_end|>} are
     * trained on (the model must learn to end its turn); headers, system and user messages are not.
     */
    public Encoded encodeForTraining(List<Message> messages) {
        return render(messages, false);
    }

    /** The rendering as text, for logs and reports. Never tokenize it back: user text would become control tokens. */
    public static String toText(List<Message> messages, boolean addGenerationPrompt) {
        StringBuilder text = new StringBuilder();
        for (Message message : messages) {
            text.append(SpecialTokens.IM_START).append(roleName(message.role())).append(SpecialTokens.IM_SEP)
                    .append(message.content()).append(SpecialTokens.IM_END);
        }
        if (addGenerationPrompt) {
            text.append(SpecialTokens.IM_START).append(roleName(Role.ASSISTANT)).append(SpecialTokens.IM_SEP);
        }
        return text.toString();
    }

    /** The role as ChatML writes it: {@code system}, {@code user}, {@code assistant}. */
    public static String roleName(Role role) {
        return role.name().toLowerCase(Locale.ROOT);
    }

    private Encoded render(List<Message> messages, boolean addGenerationPrompt) {
        Builder out = new Builder();
        for (Message message : messages) {
            boolean trained = message.role() == Role.ASSISTANT;
            out.add(imStart, false);
            out.add(message.role() == Role.ASSISTANT ? assistantRole : tokenizer.encode(roleName(message.role())), false);
            out.add(imSep, false);
            out.add(tokenizer.encode(message.content()), trained);
            out.add(imEnd, trained);
        }
        if (addGenerationPrompt) {
            out.add(imStart, false);
            out.add(assistantRole, false);
            out.add(imSep, false);
        }
        return out.build();
    }

    private static final class Builder {
        private int[] tokens = new int[64];
        private boolean[] trainable = new boolean[64];
        private int size;

        void add(int token, boolean trained) {
            if (size == tokens.length) {
                tokens = Arrays.copyOf(tokens, size * 2);
                trainable = Arrays.copyOf(trainable, size * 2);
            }
            tokens[size] = token;
            trainable[size++] = trained;
        }

        void add(int[] more, boolean trained) {
            for (int token : more) {
                add(token, trained);
            }
        }

        Encoded build() {
            return new Encoded(Arrays.copyOf(tokens, size), Arrays.copyOf(trainable, size));
        }
    }
}

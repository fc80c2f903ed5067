package dev.phi4j.trainer.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phi4j.core.tokenizer.Tokenizer;
import dev.phi4j.trainer.generate.Completion;
import dev.phi4j.trainer.generate.LogProbs;
import dev.phi4j.trainer.generate.TokenLogprob;

import java.util.List;

/**
 * The JSON the server answers with, in the shapes of the OpenAI API (and of the official python client's models):
 * {@code chat.completion}, {@code chat.completion.chunk}, {@code text_completion}, {@code list} of {@code model}s,
 * usage and error objects; and those of vLLM's {@code /tokenize} and {@code /detokenize}.
 */
final class Responses {

    static final ObjectMapper JSON = new ObjectMapper();

    private final Tokenizer tokenizer;
    private final String model;
    private final int contextLength;

    Responses(Tokenizer tokenizer, String model, int contextLength) {
        this.tokenizer = tokenizer;
        this.model = model;
        this.contextLength = contextLength;
    }

    ObjectNode chat(String id, long created, GenerationJob job, List<Completion> completions) {
        ObjectNode out = envelope(id, "chat.completion", created);
        ArrayNode choices = out.putArray("choices");
        int completionTokens = 0;
        for (int index = 0; index < completions.size(); index++) {
            Completion completion = completions.get(index);
            ObjectNode choice = choices.addObject();
            choice.put("index", index);
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.put("content", completion.text());
            message.putNull("refusal");
            if (!job.params().wantsLogprobs()) {
                choice.putNull("logprobs");
            } else {
                choice.set("logprobs", chatLogprobs(completion.logprobs()));
            }
            choice.put("finish_reason", completion.finishReason().apiName());
            completionTokens += completion.tokens().length;
        }
        out.set("usage", usage(completions.isEmpty() ? 0 : completions.get(0).promptTokens().length, completionTokens));
        return out;
    }

    ObjectNode completion(String id, long created, GenerationJob job, List<Completion> completions) {
        ObjectNode out = envelope(id, "text_completion", created);
        ArrayNode choices = out.putArray("choices");
        int completionTokens = 0;
        for (int index = 0; index < completions.size(); index++) {
            Completion completion = completions.get(index);
            String prefix = job.echo() ? tokenizer.decode(completion.promptTokens()) : "";
            ObjectNode choice = choices.addObject();
            choice.put("index", index);
            choice.put("text", prefix + completion.text());
            if (job.params().wantsLogprobs()) {
                ObjectNode logprobs = JSON.createObjectNode();
                if (job.echo()) {
                    appendPromptLogprobs(logprobs, completion.promptTokens(), completion.promptLogprobs());
                }
                appendLegacyLogprobs(logprobs, completion.logprobs(), prefix, completion.text(), job.params().topLogprobs());
                choice.set("logprobs", logprobs);
            } else {
                choice.putNull("logprobs");
            }
            choice.put("finish_reason", completion.finishReason().apiName());
            completionTokens += completion.tokens().length;
        }
        out.set("usage", usage(job.promptTokens(), completionTokens));
        return out;
    }

    /** One streamed piece of a chat choice; null fields are sent as JSON null or left out as the API does. */
    ObjectNode chatChunk(String id, long created, int index, boolean first, String content, List<TokenLogprob> logprobs,
                         String finishReason, boolean includeUsage) {
        ObjectNode out = envelope(id, "chat.completion.chunk", created);
        ObjectNode choice = out.putArray("choices").addObject();
        choice.put("index", index);
        ObjectNode delta = choice.putObject("delta");
        if (first) {
            delta.put("role", "assistant");
        }
        if (content != null) {
            delta.put("content", content);
        }
        if (logprobs == null) {
            choice.putNull("logprobs");
        } else {
            choice.set("logprobs", chatLogprobs(logprobs));
        }
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        if (includeUsage) {
            out.putNull("usage");
        }
        return out;
    }

    /** One streamed piece of a completion choice; {@code logprobs} is already in the legacy shape, or null. */
    ObjectNode completionChunk(String id, long created, int index, String text, ObjectNode logprobs, String finishReason,
                               boolean includeUsage) {
        ObjectNode out = envelope(id, "text_completion", created);
        ObjectNode choice = out.putArray("choices").addObject();
        choice.put("index", index);
        choice.put("text", text);
        if (logprobs == null) {
            choice.putNull("logprobs");
        } else {
            choice.set("logprobs", logprobs);
        }
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        if (includeUsage) {
            out.putNull("usage");
        }
        return out;
    }

    /** The last chunk of a stream with {@code include_usage}: no choices, the counts. */
    ObjectNode usageChunk(String id, String object, long created, int promptTokens, int completionTokens) {
        ObjectNode out = envelope(id, object, created);
        out.putArray("choices");
        out.set("usage", usage(promptTokens, completionTokens));
        return out;
    }

    /**
     * Legacy completions logprobs of some generated tokens: {@code text} is the completion's text so far (the entries'
     * offsets point into it), {@code textBefore} what the choice's text has before it (an echoed prompt).
     */
    ObjectNode legacyLogprobs(List<TokenLogprob> entries, String textBefore, String text, int topLogprobs) {
        ObjectNode out = JSON.createObjectNode();
        appendLegacyLogprobs(out, entries, textBefore, text, topLogprobs);
        return out;
    }

    /** The prompt's part of an echo: the first token has no log-probability (nothing predicts it). */
    ObjectNode promptLegacyLogprobs(int[] prompt, List<TokenLogprob> promptLogprobs) {
        ObjectNode out = JSON.createObjectNode();
        appendPromptLogprobs(out, prompt, promptLogprobs);
        return out;
    }

    ObjectNode models(long created) {
        ObjectNode out = JSON.createObjectNode();
        out.put("object", "list");
        out.putArray("data").add(model(created));
        return out;
    }

    ObjectNode model(long created) {
        ObjectNode out = JSON.createObjectNode();
        out.put("id", model);
        out.put("object", "model");
        out.put("created", created);
        out.put("owned_by", "phi4j");
        out.put("max_model_len", contextLength);
        return out;
    }

    /** vLLM's answer: the context comes along so that a client can cut a long text into windows that fit. */
    ObjectNode tokenize(int[] tokens) {
        ObjectNode out = JSON.createObjectNode();
        out.put("count", tokens.length);
        out.put("max_model_len", contextLength);
        ArrayNode ids = out.putArray("tokens");
        for (int token : tokens) {
            ids.add(token);
        }
        return out;
    }

    /** vLLM's answer: special ids come back as their strings. */
    ObjectNode detokenize(int[] tokens) {
        ObjectNode out = JSON.createObjectNode();
        out.put("prompt", tokenizer.decode(tokens));
        return out;
    }

    static ObjectNode usage(int promptTokens, int completionTokens) {
        ObjectNode usage = JSON.createObjectNode();
        usage.put("prompt_tokens", promptTokens);
        usage.put("completion_tokens", completionTokens);
        usage.put("total_tokens", promptTokens + completionTokens);
        return usage;
    }

    static ObjectNode error(ApiError error) {
        ObjectNode out = JSON.createObjectNode();
        ObjectNode body = out.putObject("error");
        body.put("message", error.getMessage());
        body.put("type", error.type);
        if (error.param == null) {
            body.putNull("param");
        } else {
            body.put("param", error.param);
        }
        if (error.code == null) {
            body.putNull("code");
        } else {
            body.put("code", error.code);
        }
        return out;
    }

    private ObjectNode envelope(String id, String object, long created) {
        ObjectNode out = JSON.createObjectNode();
        out.put("id", id);
        out.put("object", object);
        out.put("created", created);
        out.put("model", model);
        out.putNull("system_fingerprint");
        return out;
    }

    private ObjectNode chatLogprobs(List<TokenLogprob> entries) {
        ObjectNode logprobs = JSON.createObjectNode();
        ArrayNode content = logprobs.putArray("content");
        for (TokenLogprob entry : entries) {
            ObjectNode token = content.addObject();
            putToken(token, entry.token(), entry.logprob());
            ArrayNode top = token.putArray("top_logprobs");
            for (LogProbs.Alternative alternative : entry.top()) {
                putToken(top.addObject(), alternative.token(), alternative.logprob());
            }
        }
        logprobs.putNull("refusal");
        return logprobs;
    }

    private void putToken(ObjectNode node, int token, double logprob) {
        node.put("token", tokenText(token));
        node.put("logprob", logprob);
        ArrayNode bytes = node.putArray("bytes");
        for (byte b : tokenizer.tokenBytes(token)) {
            bytes.add(b & 0xFF);
        }
    }

    private String tokenText(int token) {
        return tokenizer.decode(new int[] {token});
    }

    private void appendPromptLogprobs(ObjectNode logprobs, int[] prompt, List<TokenLogprob> promptLogprobs) {
        ArrayNode tokens = array(logprobs, "tokens");
        ArrayNode values = array(logprobs, "token_logprobs");
        ArrayNode tops = array(logprobs, "top_logprobs");
        ArrayNode offsets = array(logprobs, "text_offset");
        String promptText = tokenizer.decode(prompt);
        tokens.add(tokenText(prompt[0]));
        values.addNull();
        tops.addNull();
        offsets.add(0);
        for (TokenLogprob entry : promptLogprobs) {
            tokens.add(tokenText(entry.token()));
            values.add(entry.logprob());
            tops.add(legacyTop(entry));
            offsets.add(promptText.codePointCount(0, Math.min(entry.textOffset(), promptText.length())));
        }
    }

    private void appendLegacyLogprobs(ObjectNode logprobs, List<TokenLogprob> entries, String textBefore, String text,
                                      int topLogprobs) {
        ArrayNode tokens = array(logprobs, "tokens");
        ArrayNode values = array(logprobs, "token_logprobs");
        ArrayNode tops = array(logprobs, "top_logprobs");
        ArrayNode offsets = array(logprobs, "text_offset");
        int base = textBefore.codePointCount(0, textBefore.length());
        for (TokenLogprob entry : entries) {
            tokens.add(tokenText(entry.token()));
            values.add(entry.logprob());
            tops.add(topLogprobs >= 0 ? legacyTop(entry) : null);
            offsets.add(base + text.codePointCount(0, Math.min(entry.textOffset(), text.length())));
        }
    }

    /** The k most likely tokens and the chosen one, as the legacy API reports: up to k + 1 entries. */
    private ObjectNode legacyTop(TokenLogprob entry) {
        ObjectNode top = JSON.createObjectNode();
        for (LogProbs.Alternative alternative : entry.top()) {
            top.put(tokenText(alternative.token()), alternative.logprob());
        }
        top.put(tokenText(entry.token()), entry.logprob());
        return top;
    }

    private static ArrayNode array(ObjectNode node, String field) {
        return node.has(field) ? (ArrayNode) node.get(field) : node.putArray(field);
    }
}

package dev.phi4j.trainer.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.phi4j.core.chat.ChatFormat;
import dev.phi4j.core.schema.Message;
import dev.phi4j.core.schema.Role;
import dev.phi4j.core.tokenizer.Tokenizer;
import dev.phi4j.trainer.generate.SamplingParams;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Parses and checks the bodies of {@code POST /v1/chat/completions} and {@code POST /v1/completions} into
 * {@link GenerationJob}s, with the OpenAI API's field names, ranges and defaults. Beyond OpenAI: {@code top_k}
 * (as vLLM), and {@code seed} also on completions; and vLLM's {@code POST /tokenize} and {@code POST /detokenize}.
 */
final class Requests {

    /** The OpenAI API's limits: at most 4 stop sequences, 20 top log-probabilities. */
    static final int MAX_STOP_SEQUENCES = 4;
    static final int MAX_TOP_LOGPROBS = 20;

    private static final Set<String> SAMPLING_FIELDS = Set.of("model", "temperature", "top_p", "top_k", "n", "stop",
            "seed", "stream", "stream_options", "presence_penalty", "frequency_penalty", "logit_bias", "user",
            "max_tokens", "logprobs");
    private static final Set<String> CHAT_FIELDS = union(SAMPLING_FIELDS, Set.of("messages", "max_completion_tokens",
            "top_logprobs", "response_format", "tools", "tool_choice", "parallel_tool_calls", "functions",
            "function_call", "store", "metadata", "service_tier"));
    private static final Set<String> COMPLETION_FIELDS = union(SAMPLING_FIELDS, Set.of("prompt", "echo", "best_of",
            "suffix"));
    private static final Set<String> TOKENIZE_FIELDS = Set.of("model", "prompt", "add_special_tokens");
    private static final Set<String> DETOKENIZE_FIELDS = Set.of("model", "tokens");

    private final String modelName;
    private final Tokenizer tokenizer;
    private final ChatFormat chatFormat;
    private final ServeConfig limits;
    private final int contextLength;

    Requests(String modelName, Tokenizer tokenizer, ServeConfig limits, int contextLength) {
        this.modelName = modelName;
        this.tokenizer = tokenizer;
        this.chatFormat = new ChatFormat(tokenizer);
        this.limits = limits;
        this.contextLength = contextLength;
    }

    GenerationJob chat(JsonNode body) {
        RequestFields fields = new RequestFields(body, CHAT_FIELDS);
        checkModel(fields);
        JsonNode none = JsonNodeFactory.instance.nullNode();
        fields.unsupported("tools", JsonNodeFactory.instance.arrayNode());
        fields.unsupported("functions", JsonNodeFactory.instance.arrayNode());
        fields.unsupported("tool_choice", new TextNode("none"));
        fields.unsupported("function_call", new TextNode("none"));
        fields.unsupported("response_format", JsonNodeFactory.instance.objectNode().put("type", "text"));
        fields.unsupported("store", BooleanNode.FALSE, none);
        int[] prompt = chatFormat.generationPrompt(messages(fields.get("messages")));

        boolean logprobs = fields.bool("logprobs", false);
        long topLogprobs = fields.integer("top_logprobs", -1, 0, MAX_TOP_LOGPROBS);
        if (topLogprobs >= 0 && !logprobs) {
            throw ApiError.invalid("'top_logprobs' requires 'logprobs' to be true.", "top_logprobs");
        }
        int logprobsCount = logprobs ? (int) Math.max(0, topLogprobs) : -1;
        long maxTokens = fields.integer("max_completion_tokens", -1, 1, Integer.MAX_VALUE);
        String maxTokensParam = "max_completion_tokens";
        if (maxTokens < 0) {
            maxTokens = fields.integer("max_tokens", -1, 1, Integer.MAX_VALUE);
            maxTokensParam = "max_tokens";
        }
        int n = n(fields);
        SamplingParams params = sampling(fields, List.of(prompt), maxTokens, maxTokensParam, "messages",
                logprobsCount, false);
        checkChoices(1, n);
        return new GenerationJob(GenerationJob.Endpoint.CHAT, List.of(prompt), params, n, fields.bool("stream", false),
                includeUsage(fields), false);
    }

    GenerationJob completion(JsonNode body) {
        RequestFields fields = new RequestFields(body, COMPLETION_FIELDS);
        checkModel(fields);
        fields.unsupported("suffix", new TextNode(""));
        List<int[]> prompts = prompts(fields.get("prompt"));
        int n = n(fields);
        long bestOf = fields.integer("best_of", n, 1, limits.maxN());
        if (bestOf != n) {
            throw ApiError.invalid("'best_of' other than n is not supported by this server.", "best_of",
                    "unsupported_parameter");
        }
        int logprobs = (int) fields.integer("logprobs", -1, 0, MAX_TOP_LOGPROBS);
        boolean echo = fields.bool("echo", false);
        long maxTokens = fields.integer("max_tokens", 16, 0, Integer.MAX_VALUE);
        if (maxTokens == 0 && !echo) {
            throw ApiError.outOfRange("max_tokens", "[1, " + limits.maxTokens() + "] (0 only with echo)", 0);
        }
        SamplingParams params = sampling(fields, prompts, maxTokens, "max_tokens", "prompt", logprobs,
                echo && logprobs >= 0);
        checkChoices(prompts.size(), n);
        return new GenerationJob(GenerationJob.Endpoint.COMPLETION, prompts, params, n, fields.bool("stream", false),
                includeUsage(fields), echo);
    }

    /**
     * {@code POST /tokenize}: the ids of {@code prompt}, encoded as a {@code /v1/completions} text prompt is, so that
     * scoring them as a token-id prompt scores that text. Special-token strings in the text stay text (as in
     * completion prompts: {@code <|im_end|>} typed by a user is not the end of a turn). With
     * {@code add_special_tokens} (vLLM's field, default true) an empty prompt gives {@code <|endoftext|>}, the one
     * special token the server puts into a completion prompt; false gives the tokenizer's ids alone.
     */
    int[] tokenize(JsonNode body) {
        RequestFields fields = new RequestFields(body, TOKENIZE_FIELDS);
        checkModel(fields);
        String prompt = fields.requiredString("prompt");
        return fields.bool("add_special_tokens", true) ? encode(prompt) : tokenizer.encode(prompt);
    }

    /** {@code POST /detokenize}: the ids of {@code tokens}, each checked against the vocabulary. */
    int[] detokenize(JsonNode body) {
        RequestFields fields = new RequestFields(body, DETOKENIZE_FIELDS);
        checkModel(fields);
        JsonNode tokens = fields.get("tokens");
        if (tokens == null) {
            throw ApiError.invalid("Missing required parameter: 'tokens'.", "tokens", "missing_required_parameter");
        }
        if (!tokens.isArray()) {
            throw ApiError.invalidType("tokens", "an array of token ids", RequestFields.kind(tokens));
        }
        return vocabularyIds(tokens, "tokens");
    }

    private void checkModel(RequestFields fields) {
        String model = fields.requiredString("model");
        if (!model.equals(modelName)) {
            throw new ApiError(404, ApiError.INVALID_REQUEST, "The model `" + model + "` does not exist; this server "
                    + "serves `" + modelName + "`.", "model", "model_not_found");
        }
    }

    private int n(RequestFields fields) {
        return (int) fields.integer("n", 1, 1, limits.maxN());
    }

    private void checkChoices(int prompts, int n) {
        if ((long) prompts * n > limits.maxChoices()) {
            throw ApiError.invalid("This request asks for " + (long) prompts * n + " choices (" + prompts
                    + " prompts × n " + n + "); this server allows " + limits.maxChoices() + ".", "n", "invalid_value");
        }
    }

    /**
     * The fields shared by both endpoints. A max_tokens the context cannot hold is refused, as the OpenAI API
     * refuses it; without one, a completion may use the rest of the context, up to the server's limit.
     */
    private SamplingParams sampling(RequestFields fields, List<int[]> prompts, long requestedMaxTokens,
                                    String maxTokensParam, String promptParam, int logprobs, boolean promptLogprobs) {
        if (requestedMaxTokens > limits.maxTokens()) {
            throw ApiError.outOfRange(maxTokensParam, "[1, " + limits.maxTokens() + "] (this server's limit)",
                    requestedMaxTokens);
        }
        int longest = prompts.stream().mapToInt(p -> p.length).max().orElseThrow();
        int maxTokens;
        if (requestedMaxTokens >= 0) {
            if (longest + requestedMaxTokens > contextLength) {
                throw contextExceeded(promptParam, longest, requestedMaxTokens);
            }
            maxTokens = (int) requestedMaxTokens;
        } else {
            if (longest >= contextLength) {
                throw contextExceeded(promptParam, longest, 1);
            }
            maxTokens = Math.min(limits.maxTokens(), contextLength - longest);
        }
        double temperature = fields.number("temperature", 1.0, 0, 2);
        double topP = fields.number("top_p", 1.0, 0, 1);
        if (topP == 0) {
            temperature = 0;                      // only the most likely token is left
            topP = 1;
        }
        long topK = fields.integer("top_k", 0, -1, tokenizer.vocabSize());
        JsonNode seed = fields.get("seed");
        return SamplingParams.builder()
                .maxNewTokens(maxTokens)
                .temperature(temperature)
                .topP(topP)
                .topK((int) Math.max(0, topK))
                .presencePenalty(fields.number("presence_penalty", 0, -2, 2))
                .frequencyPenalty(fields.number("frequency_penalty", 0, -2, 2))
                .logitBias(logitBias(fields.get("logit_bias")))
                .stop(fields.stopSequences("stop", MAX_STOP_SEQUENCES))
                .topLogprobs(logprobs)
                .promptLogprobs(promptLogprobs)
                .seed(seed == null ? ThreadLocalRandom.current().nextLong()
                        : RequestFields.integerValue("seed", seed, Long.MIN_VALUE, Long.MAX_VALUE))
                .build();
    }

    private ApiError contextExceeded(String promptParam, int promptTokens, long completionTokens) {
        return ApiError.invalid("This model's maximum context length is " + contextLength + " tokens. However, you "
                + "requested " + (promptTokens + completionTokens) + " tokens (" + promptTokens + " in the "
                + ("messages".equals(promptParam) ? "messages" : "prompt") + ", " + completionTokens
                + " in the completion). Please reduce the length of the " + promptParam + " or completion.",
                promptParam, "context_length_exceeded");
    }

    private boolean includeUsage(RequestFields fields) {
        JsonNode options = fields.get("stream_options");
        if (options == null) {
            return false;
        }
        if (!fields.bool("stream", false)) {
            throw ApiError.invalid("'stream_options' is only allowed when 'stream' is true.", "stream_options");
        }
        RequestFields optionFields = new RequestFields(options, Set.of("include_usage"));
        return optionFields.bool("include_usage", false);
    }

    private Map<Integer, Double> logitBias(JsonNode bias) {
        if (bias == null) {
            return Map.of();
        }
        if (!(bias instanceof ObjectNode object)) {
            throw ApiError.invalidType("logit_bias", "an object", RequestFields.kind(bias));
        }
        Map<Integer, Double> out = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            int token;
            try {
                token = Integer.parseInt(entry.getKey());
            } catch (NumberFormatException e) {
                throw ApiError.invalid("Invalid key in 'logit_bias': " + entry.getKey() + " is not a token id.",
                        "logit_bias", "invalid_value");
            }
            if (token < 0 || token >= tokenizer.vocabSize()) {
                throw ApiError.invalid("Invalid key in 'logit_bias': token " + token + " is outside the vocabulary (0.."
                        + (tokenizer.vocabSize() - 1) + ").", "logit_bias", "invalid_value");
            }
            JsonNode value = entry.getValue();
            if (!value.isNumber() || !(value.doubleValue() >= -100 && value.doubleValue() <= 100)) {
                throw ApiError.invalid("Invalid value in 'logit_bias' for token " + token + ": must be a number in "
                        + "[-100, 100].", "logit_bias", "invalid_value");
            }
            out.put(token, value.doubleValue());
        }
        return out;
    }

    private static List<Message> messages(JsonNode node) {
        if (node == null) {
            throw ApiError.invalid("Missing required parameter: 'messages'.", "messages", "missing_required_parameter");
        }
        if (!node.isArray()) {
            throw ApiError.invalidType("messages", "an array", RequestFields.kind(node));
        }
        if (node.isEmpty()) {
            throw ApiError.invalid("Invalid 'messages': empty array. Expected an array with minimum length 1.",
                    "messages", "empty_array");
        }
        List<Message> out = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            String param = "messages[" + i + "]";
            RequestFields message = new RequestFields(node.get(i), Set.of("role", "content", "name"));
            String roleName = message.requiredString("role");
            Role role = switch (roleName) {
                case "system", "developer" -> Role.SYSTEM;
                case "user" -> Role.USER;
                case "assistant" -> Role.ASSISTANT;
                default -> throw ApiError.invalid("Invalid value for '" + param + ".role': '" + roleName
                        + "'. Supported values are: 'system', 'developer', 'user' and 'assistant'.", param + ".role",
                        "invalid_value");
            };
            out.add(new Message(role, content(message.get("content"), param + ".content")));
        }
        return out;
    }

    /** A string, or an array of text parts {@code {"type": "text", "text": ...}} joined together. */
    private static String content(JsonNode content, String param) {
        if (content == null) {
            throw ApiError.invalid("Missing required parameter: '" + param + "'.", param, "missing_required_parameter");
        }
        if (content.isTextual()) {
            return content.textValue();
        }
        if (!content.isArray()) {
            throw ApiError.invalidType(param, "a string or an array of content parts", RequestFields.kind(content));
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < content.size(); i++) {
            RequestFields part = new RequestFields(content.get(i), Set.of("type", "text"));
            String type = part.requiredString("type");
            if (!type.equals("text")) {
                throw ApiError.invalid("Content parts of type '" + type + "' are not supported; only 'text'.",
                        param + "[" + i + "].type", "unsupported_parameter");
            }
            text.append(part.requiredString("text"));
        }
        return text.toString();
    }

    /**
     * {@code prompt}: a string, an array of strings, an array of token ids, or an array of such arrays. An empty
     * prompt starts from {@code <|endoftext|>}, as documents do.
     */
    private List<int[]> prompts(JsonNode prompt) {
        if (prompt == null) {
            throw ApiError.invalid("Missing required parameter: 'prompt'.", "prompt", "missing_required_parameter");
        }
        List<int[]> out = new ArrayList<>();
        if (prompt.isTextual()) {
            out.add(encode(prompt.textValue()));
        } else if (prompt.isArray() && !prompt.isEmpty() && prompt.get(0).isIntegralNumber()) {
            out.add(tokenIds(prompt, "prompt"));
        } else if (prompt.isArray() && !prompt.isEmpty()) {
            for (int i = 0; i < prompt.size(); i++) {
                JsonNode element = prompt.get(i);
                if (element.isTextual()) {
                    out.add(encode(element.textValue()));
                } else if (element.isArray()) {
                    out.add(tokenIds(element, "prompt[" + i + "]"));
                } else {
                    throw ApiError.invalidType("prompt[" + i + "]", "a string or an array of token ids",
                            RequestFields.kind(element));
                }
            }
        } else {
            throw ApiError.invalid("Invalid 'prompt': expected a string, an array of strings, an array of token ids or "
                    + "an array of token id arrays.", "prompt", "invalid_value");
        }
        return out;
    }

    private int[] encode(String text) {
        int[] tokens = tokenizer.encode(text);
        return tokens.length > 0 ? tokens : new int[] {tokenizer.specialTokens().endOfText()};
    }

    private int[] tokenIds(JsonNode array, String param) {
        if (array.isEmpty()) {
            return new int[] {tokenizer.specialTokens().endOfText()};
        }
        return vocabularyIds(array, param);
    }

    private int[] vocabularyIds(JsonNode array, String param) {
        int[] tokens = new int[array.size()];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = (int) RequestFields.integerValue(param + "[" + i + "]", array.get(i), 0,
                    tokenizer.vocabSize() - 1);
        }
        return tokens;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new java.util.HashSet<>(a);
        out.addAll(b);
        return Set.copyOf(out);
    }
}

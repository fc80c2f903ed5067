package dev.phi4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phi4j.trainer.eval.ScoringModel;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The likelihood tasks' {@link ScoringModel} over an OpenAI-compatible server with vLLM's extensions, which phi4j
 * serve has too: {@code POST /tokenize} and {@code /detokenize} (the server's own tokenizer, so token-level tasks
 * build their sequences as the model reads them), {@code /v1/completions} with token-id prompts, {@code echo} and
 * {@code logprobs} (the log-probability of every prompt token) and {@code max_tokens: 0}. Sequences go
 * {@link #SEQUENCES_PER_REQUEST} to a request.
 */
final class EndpointScoring implements ScoringModel {

    static final int SEQUENCES_PER_REQUEST = 8;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String v1;
    private final String root;
    private final String model;
    /** The server's context and start-of-document token, asked for on first use: only likelihood tasks need them. */
    private JsonNode start;

    EndpointScoring(String baseUrl, String model) {
        this.v1 = baseUrl.replaceAll("/+$", "");
        this.root = v1.endsWith("/v1") ? v1.substring(0, v1.length() - 3) : v1;
        this.model = model;
    }

    private JsonNode start() {
        if (start == null) {
            JsonNode empty = tokenize("", true);
            if (empty.path("max_model_len").asInt(0) < 2) {
                throw new IllegalArgumentException(root + "/tokenize: no max_model_len in " + empty);
            }
            if (empty.path("tokens").size() != 1) {
                throw new IllegalArgumentException(root + "/tokenize: with add_special_tokens an empty prompt should "
                        + "be the start-of-document token alone; got " + empty.path("tokens") + ". Perplexity and "
                        + "multiple choice need it");
            }
            start = empty;
        }
        return start;
    }

    @Override
    public String name() {
        return v1 + " (" + model + ")";
    }

    /** The server counts the echoed last token against its context, though it only predicts it. */
    @Override
    public int maxLength() {
        return start().path("max_model_len").asInt() - 1;
    }

    @Override
    public int[] encode(String text) {
        JsonNode tokens = tokenize(text, false).path("tokens");
        int[] ids = new int[tokens.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = tokens.get(i).asInt();
        }
        return ids;
    }

    @Override
    public String decode(int[] tokens) {
        ObjectNode body = JSON.createObjectNode().put("model", model);
        ArrayNode ids = body.putArray("tokens");
        for (int token : tokens) {
            ids.add(token);
        }
        return post(root + "/detokenize", body).path("prompt").asText();
    }

    @Override
    public int endOfText() {
        return start().path("tokens").get(0).asInt();
    }

    @Override
    public List<double[]> tokenLogProbs(List<int[]> sequences) {
        List<double[]> out = new ArrayList<>(sequences.size());
        for (int from = 0; from < sequences.size(); from += SEQUENCES_PER_REQUEST) {
            List<int[]> batch = sequences.subList(from, Math.min(sequences.size(), from + SEQUENCES_PER_REQUEST));
            ObjectNode body = completion(batch, 0).put("echo", true).put("logprobs", 0);
            JsonNode[] choices = choices(post(v1 + "/completions", body), batch.size());
            for (int s = 0; s < batch.size(); s++) {
                JsonNode logprobs = choices[s].path("logprobs").path("token_logprobs");
                int length = batch.get(s).length;
                if (logprobs.size() != length) {
                    throw new IllegalStateException(v1 + "/completions echoed " + logprobs.size() + " log-probabilities "
                            + "for a prompt of " + length + " tokens");
                }
                double[] values = new double[length - 1];
                for (int i = 1; i < length; i++) {
                    values[i - 1] = logprobs.get(i).asDouble();
                }
                out.add(values);
            }
        }
        return out;
    }

    @Override
    public List<String> greedy(List<int[]> prompts, int maxNewTokens) {
        List<String> out = new ArrayList<>(prompts.size());
        for (int from = 0; from < prompts.size(); from += SEQUENCES_PER_REQUEST) {
            List<int[]> batch = prompts.subList(from, Math.min(prompts.size(), from + SEQUENCES_PER_REQUEST));
            JsonNode[] choices = choices(post(v1 + "/completions", completion(batch, maxNewTokens)), batch.size());
            for (JsonNode choice : choices) {
                out.add(choice.path("text").asText());
            }
        }
        return out;
    }

    private ObjectNode completion(List<int[]> prompts, int maxTokens) {
        ObjectNode body = JSON.createObjectNode().put("model", model).put("max_tokens", maxTokens)
                .put("temperature", 0);
        ArrayNode all = body.putArray("prompt");
        for (int[] prompt : prompts) {
            ArrayNode ids = all.addArray();
            for (int token : prompt) {
                ids.add(token);
            }
        }
        return body;
    }

    /** The choices in prompt order, whatever order the server lists them in. */
    private JsonNode[] choices(JsonNode response, int expected) {
        JsonNode[] ordered = new JsonNode[expected];
        for (JsonNode choice : response.path("choices")) {
            int index = choice.path("index").asInt(-1);
            if (index < 0 || index >= expected) {
                throw new IllegalStateException(v1 + "/completions: a choice with index " + index + " for "
                        + expected + " prompts");
            }
            ordered[index] = choice;
        }
        for (int i = 0; i < expected; i++) {
            if (ordered[i] == null) {
                throw new IllegalStateException(v1 + "/completions: no choice for prompt " + i);
            }
        }
        return ordered;
    }

    private JsonNode tokenize(String text, boolean addSpecialTokens) {
        return post(root + "/tokenize", JSON.createObjectNode().put("model", model).put("prompt", text)
                .put("add_special_tokens", addSpecialTokens));
    }

    private JsonNode post(String url, ObjectNode body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                JsonNode error = JSON.readTree(response.body()).path("error");
                throw new IllegalStateException(url + ": HTTP " + response.statusCode() + ": "
                        + (error.isMissingNode() ? response.body() : error.path("message").asText()));
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(url + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + url, e);
        }
    }
}

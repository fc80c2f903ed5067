package dev.phi4j.trainer.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phi4j.core.chat.ChatFormat;
import dev.phi4j.core.schema.Message;
import dev.phi4j.trainer.generate.TinyLm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Response shapes, seeds, stops and streaming of the server on the tiny preset, through a real HTTP client. */
class OpenAiServerTest {

    private static TinyServer tiny;

    @BeforeAll
    static void start() {
        tiny = new TinyServer(TinyServer::cached, TinyServer.config());
    }

    @AfterAll
    static void stop() {
        tiny.close();
    }

    @Test
    void modelsAndHealthDescribeTheServedModel() {
        TinyServer.Reply models = tiny.get("/v1/models");
        assertEquals(200, models.status());
        assertEquals("list", models.body().get("object").asText());
        JsonNode model = models.body().get("data").get(0);
        assertEquals(TinyServer.MODEL, model.get("id").asText());
        assertEquals("model", model.get("object").asText());
        assertTrue(model.get("created").isIntegralNumber());
        assertEquals("phi4j", model.get("owned_by").asText());
        assertEquals(TinyLm.CONFIG.contextLength(), model.get("max_model_len").asInt(), "vLLM's field");
        assertEquals(model, tiny.get("/v1/models/" + TinyServer.MODEL).body());

        TinyServer.Reply health = tiny.get("/health");
        assertEquals(200, health.status());
        assertEquals("ok", health.body().get("status").asText());
        assertEquals("application/json", health.raw().headers().firstValue("Content-Type").orElse(""));
    }

    @Test
    void chatCompletionHasTheOpenAiShapeAndCountsTokens() {
        TinyServer.Reply reply = tiny.post("/v1/chat/completions", """
                {"model": "tiny-test", "messages": [{"role": "system", "content": "Be brief."},
                 {"role": "user", "content": "Count the ships."}], "max_tokens": 7, "temperature": 0}""");
        assertEquals(200, reply.status(), reply.raw().body());
        JsonNode body = reply.body();
        OpenAiShapes.chatCompletion(body);
        assertTrue(body.get("id").asText().startsWith("chatcmpl-"));
        JsonNode choice = body.get("choices").get(0);
        assertEquals("assistant", choice.get("message").get("role").asText());
        int expectedPrompt = new ChatFormat(tiny.tokenizer).generationPrompt(
                List.of(Message.system("Be brief."), Message.user("Count the ships."))).length;
        JsonNode usage = body.get("usage");
        assertEquals(expectedPrompt, usage.get("prompt_tokens").asInt());
        int completionTokens = usage.get("completion_tokens").asInt();
        assertTrue(completionTokens >= 1 && completionTokens <= 7);
        assertEquals(expectedPrompt + completionTokens, usage.get("total_tokens").asInt());
        assertEquals(completionTokens == 7 ? "length" : "stop", choice.get("finish_reason").asText());
    }

    @Test
    void completionWithEchoAndLogprobsHasTheLegacyShape() {
        TinyServer.Reply reply = tiny.post("/v1/completions", """
                {"model": "tiny-test", "prompt": ["one, two", "The ships"], "max_tokens": 4, "n": 2,
                 "logprobs": 2, "echo": true, "temperature": 0.9, "seed": 5}""");
        assertEquals(200, reply.status(), reply.raw().body());
        JsonNode body = reply.body();
        OpenAiShapes.completion(body);
        assertTrue(body.get("id").asText().startsWith("cmpl-"));
        assertEquals(4, body.get("choices").size(), "2 prompts × n 2");
        for (int index = 0; index < 4; index++) {
            JsonNode choice = body.get("choices").get(index);
            assertEquals(index, choice.get("index").asInt());
            String prompt = index < 2 ? "one, two" : "The ships";
            assertTrue(choice.get("text").asText().startsWith(prompt), "echo starts with the prompt");
            JsonNode logprobs = choice.get("logprobs");
            int promptTokens = tiny.tokenizer.encode(prompt).length;
            assertTrue(logprobs.get("token_logprobs").get(0).isNull(), "nothing predicts the first prompt token");
            int tokens = logprobs.get("tokens").size();
            assertTrue(tokens > promptTokens && tokens <= promptTokens + 4);
            assertEquals(tokens, logprobs.get("token_logprobs").size());
            assertEquals(tokens, logprobs.get("top_logprobs").size());
            assertEquals(tokens, logprobs.get("text_offset").size());
            StringBuilder spelled = new StringBuilder();
            for (int i = 0; i < promptTokens; i++) {
                assertEquals(spelled.codePointCount(0, spelled.length()), logprobs.get("text_offset").get(i).asInt());
                spelled.append(logprobs.get("tokens").get(i).asText());
            }
            assertEquals(prompt, spelled.toString(), "the prompt's tokens spell the prompt");
            for (int i = promptTokens + 1; i < tokens; i++) {
                assertTrue(logprobs.get("text_offset").get(i).asInt() >= logprobs.get("text_offset").get(i - 1).asInt());
            }
            for (int i = 1; i < logprobs.get("top_logprobs").size(); i++) {
                JsonNode top = logprobs.get("top_logprobs").get(i);
                assertTrue(top.size() >= 1 && top.size() <= 3, "2 alternatives and the chosen token");
            }
        }
        int promptTokens = tiny.tokenizer.encode("one, two").length + tiny.tokenizer.encode("The ships").length;
        assertEquals(promptTokens, body.get("usage").get("prompt_tokens").asInt());
    }

    @Test
    void equalSeedsGiveEqualCompletionsAndOtherSeedsOthers() {
        String request = """
                {"model": "tiny-test", "messages": [{"role": "user", "content": "Tell me about the lighthouse."}],
                 "max_tokens": 16, "temperature": 1.0, "top_p": 0.95, "seed": %d, "n": 2}""";
        JsonNode first = tiny.post("/v1/chat/completions", request.formatted(42)).body();
        JsonNode again = tiny.post("/v1/chat/completions", request.formatted(42)).body();
        JsonNode other = tiny.post("/v1/chat/completions", request.formatted(43)).body();
        assertEquals(content(first, 0), content(again, 0));
        assertEquals(content(first, 1), content(again, 1));
        assertNotEquals(content(first, 0), content(first, 1), "the n samples of one request differ");
        assertNotEquals(content(first, 0) + content(first, 1), content(other, 0) + content(other, 1));
    }

    @Test
    void stopSequencesCutTheReply() {
        String free = completionText("{\"model\": \"tiny-test\", \"prompt\": \"The lighthouse\", \"max_tokens\": 24,"
                + " \"temperature\": 0}");
        String stop = free.substring(free.length() / 2, free.length() / 2 + 2);
        ObjectNode request = TinyServer.JSON.createObjectNode().put("model", TinyServer.MODEL)
                .put("prompt", "The lighthouse").put("max_tokens", 24).put("temperature", 0);
        request.putArray("stop").add(stop).add("never appears 123");
        JsonNode reply = tiny.post("/v1/completions", request).body();
        assertEquals(free.substring(0, free.indexOf(stop)), reply.get("choices").get(0).get("text").asText());
        assertEquals("stop", reply.get("choices").get(0).get("finish_reason").asText());
    }

    @Test
    void chatStreamSendsDeltasThatAddUpToTheReply() {
        ObjectNode request = (ObjectNode) read("""
                {"model": "tiny-test", "messages": [{"role": "user", "content": "Hello there"}],
                 "max_tokens": 12, "temperature": 0.8, "seed": 9, "logprobs": true, "top_logprobs": 1}""");
        String whole = content(tiny.post("/v1/chat/completions", request).body(), 0);
        request.put("stream", true);
        request.putObject("stream_options").put("include_usage", true);
        List<JsonNode> events = tiny.stream("/v1/chat/completions", request);

        assertEquals("[DONE]", events.get(events.size() - 1).asText());
        JsonNode usageChunk = events.get(events.size() - 2);
        assertEquals(0, usageChunk.get("choices").size());
        assertTrue(usageChunk.get("usage").get("completion_tokens").asInt() >= 1);
        StringBuilder streamed = new StringBuilder();
        String id = events.get(0).get("id").asText();
        assertEquals("assistant", events.get(0).get("choices").get(0).get("delta").get("role").asText());
        int logprobTokens = 0;
        String finish = null;
        for (JsonNode event : events.subList(0, events.size() - 2)) {
            OpenAiShapes.chatChunk(event);
            assertEquals(id, event.get("id").asText());
            assertTrue(event.get("usage").isNull(), "usage only in the last chunk");
            JsonNode choice = event.get("choices").get(0);
            streamed.append(choice.get("delta").path("content").asText(""));
            if (choice.get("logprobs").isObject()) {
                logprobTokens += choice.get("logprobs").get("content").size();
            }
            if (!choice.get("finish_reason").isNull()) {
                finish = choice.get("finish_reason").asText();
            }
        }
        assertEquals(whole, streamed.toString(), "a stream with the same seed says the same");
        assertTrue(finish != null);
        int completionTokens = usageChunk.get("usage").get("completion_tokens").asInt();
        assertEquals(finish.equals("stop") ? completionTokens - 1 : completionTokens, logprobTokens);
    }

    @Test
    void completionStreamEchoesThePromptFirst() {
        ObjectNode request = (ObjectNode) read("""
                {"model": "tiny-test", "prompt": "one, two", "max_tokens": 6, "temperature": 0, "echo": true,
                 "stream": true, "n": 2}""");
        List<JsonNode> events = tiny.stream("/v1/completions", request);
        assertEquals("[DONE]", events.get(events.size() - 1).asText());
        StringBuilder[] texts = {new StringBuilder(), new StringBuilder()};
        for (JsonNode event : events.subList(0, events.size() - 1)) {
            OpenAiShapes.completionChunk(event);
            JsonNode choice = event.get("choices").get(0);
            texts[choice.get("index").asInt()].append(choice.get("text").asText());
        }
        request.put("stream", false);
        JsonNode whole = tiny.post("/v1/completions", request).body();
        for (int i = 0; i < 2; i++) {
            assertTrue(texts[i].toString().startsWith("one, two"));
            assertEquals(whole.get("choices").get(i).get("text").asText(), texts[i].toString());
        }
    }

    @Test
    void tokenIdPromptsAndScoringWithMaxTokensZero() {
        int[] ids = tiny.tokenizer.encode("The lighthouse keeper");
        ObjectNode request = TinyServer.JSON.createObjectNode().put("model", TinyServer.MODEL).put("max_tokens", 0)
                .put("echo", true).put("logprobs", 0);
        var prompt = request.putArray("prompt");
        for (int id : ids) {
            prompt.add(id);
        }
        JsonNode reply = tiny.post("/v1/completions", request).body();
        JsonNode choice = reply.get("choices").get(0);
        assertEquals("The lighthouse keeper", choice.get("text").asText());
        assertEquals(ids.length, choice.get("logprobs").get("token_logprobs").size());
        for (int i = 1; i < ids.length; i++) {
            assertTrue(choice.get("logprobs").get("token_logprobs").get(i).asDouble() < 0);
        }
        assertEquals(0, reply.get("usage").get("completion_tokens").asInt());
    }

    private static String content(JsonNode chat, int choice) {
        return chat.get("choices").get(choice).get("message").get("content").asText();
    }

    private static String completionText(String request) {
        return tiny.post("/v1/completions", request).body().get("choices").get(0).get("text").asText();
    }

    private static JsonNode read(String json) {
        try {
            return TinyServer.JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

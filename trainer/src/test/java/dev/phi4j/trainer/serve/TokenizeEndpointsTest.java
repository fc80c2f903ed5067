package dev.phi4j.trainer.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phi4j.core.tokenizer.SpecialTokens;
import dev.phi4j.trainer.checkpoint.ModelCheckpoint;
import dev.phi4j.trainer.generate.TinyLm;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * vLLM's {@code POST /tokenize} and {@code POST /detokenize} through a real HTTP client: the ids an evaluator counts,
 * cuts into context windows and sends back as a token-id prompt to score.
 */
class TokenizeEndpointsTest {

    /** Accents, CJK and an emoji: the sample-books BPE has no merges for them, so characters span several tokens. */
    private static final String TEXT = "The lighthouse keeper of Ærøskøbing — 灯台守 — counted 🚢 ships.";

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
    void tokenizeGivesTheServerTokenizersIdsAndTheContext() {
        TinyServer.Reply reply = tiny.post("/tokenize", tokenizeRequest(TEXT));
        assertEquals(200, reply.status(), reply.raw().body());
        assertEquals(List.of("count", "max_model_len", "tokens"), fieldNames(reply.body()));
        int[] expected = tiny.tokenizer.encode(TEXT);
        assertArrayEquals(expected, ids(reply.body().get("tokens")));
        assertEquals(expected.length, reply.body().get("count").asInt());
        assertEquals(TinyLm.CONFIG.contextLength(), reply.body().get("max_model_len").asInt());
    }

    @Test
    void detokenizeOfTokenizeGivesTheTextBack() {
        int[] ids = tokenize(tokenizeRequest(TEXT));
        boolean someTokenIsPartOfACharacter = false;
        for (int id : ids) {
            someTokenIsPartOfACharacter |= tiny.tokenizer.decode(new int[] {id}).contains("\uFFFD");
        }
        assertTrue(someTokenIsPartOfACharacter, "the text must make detokenize join bytes across tokens");

        TinyServer.Reply reply = tiny.post("/detokenize", detokenizeRequest(ids));
        assertEquals(200, reply.status(), reply.raw().body());
        assertEquals(List.of("prompt"), fieldNames(reply.body()));
        assertEquals(TEXT, reply.body().get("prompt").asText());
    }

    @Test
    void specialTokenTextStaysTextAsInCompletionPrompts() {
        String chatLooking = "<|im_start|>user<|im_sep|>Count the ships.<|im_end|>";
        int[] ids = tokenize(tokenizeRequest(chatLooking));
        assertArrayEquals(tiny.tokenizer.encode(chatLooking), ids);
        for (int id : ids) {
            assertFalse(tiny.tokenizer.specialTokens().isSpecial(id), "id " + id + " is a special token");
        }
        assertEquals(ids.length, scoredPromptTokens(chatLooking), "/v1/completions counts the same tokens");

        int imStart = tiny.tokenizer.specialTokens().imStart();
        assertEquals(SpecialTokens.IM_START,
                tiny.post("/detokenize", detokenizeRequest(new int[] {imStart})).body().get("prompt").asText());
    }

    @Test
    void addSpecialTokensDecidesWhetherAnEmptyPromptIsEndOfText() {
        int endOfText = tiny.tokenizer.specialTokens().endOfText();
        assertArrayEquals(new int[] {endOfText}, tokenize(tokenizeRequest("")));
        assertEquals(1, scoredPromptTokens(""), "/v1/completions starts an empty prompt from <|endoftext|>");
        assertArrayEquals(new int[0], tokenize(tokenizeRequest("").put("add_special_tokens", false)));
        assertArrayEquals(tokenize(tokenizeRequest(TEXT)),
                tokenize(tokenizeRequest(TEXT).put("add_special_tokens", false)),
                "a text prompt gets no special tokens either way");
    }

    /** The evaluator's path: tokenize, then score those ids with echo, logprobs 0 and max_tokens 0. */
    @Test
    void completionOfTokenizedIdsScoresExactlyThoseTokens() {
        int[] ids = tokenize(tokenizeRequest(TEXT));
        ObjectNode request = TinyServer.JSON.createObjectNode().put("model", TinyServer.MODEL).put("echo", true)
                .put("logprobs", 0).put("max_tokens", 0);
        ArrayNode prompt = request.putArray("prompt");
        for (int id : ids) {
            prompt.add(id);
        }
        TinyServer.Reply reply = tiny.post("/v1/completions", request);
        assertEquals(200, reply.status(), reply.raw().body());
        JsonNode choice = reply.body().get("choices").get(0);
        assertEquals(TEXT, choice.get("text").asText());
        assertEquals(ids.length, reply.body().get("usage").get("prompt_tokens").asInt());
        assertEquals(0, reply.body().get("usage").get("completion_tokens").asInt());

        JsonNode tokenLogprobs = choice.get("logprobs").get("token_logprobs");
        assertEquals(ids.length, tokenLogprobs.size());
        assertTrue(tokenLogprobs.get(0).isNull(), "nothing predicts the first token");
        ComputationGraph net = ModelCheckpoint.load(tiny.run).net();
        INDArray logits = TinyLm.referenceLogits(net, ids, 0);
        for (int i = 1; i < ids.length; i++) {
            double expected = TinyLm.referenceLogSoftmax(logits.getRow(i - 1))[ids[i]];
            assertEquals(expected, tokenLogprobs.get(i).asDouble(), 1e-6, "log p(token " + i + " | the ones before)");
        }
    }

    private static ObjectNode tokenizeRequest(String text) {
        return TinyServer.JSON.createObjectNode().put("model", TinyServer.MODEL).put("prompt", text);
    }

    private static ObjectNode detokenizeRequest(int[] ids) {
        ObjectNode request = TinyServer.JSON.createObjectNode().put("model", TinyServer.MODEL);
        ArrayNode tokens = request.putArray("tokens");
        for (int id : ids) {
            tokens.add(id);
        }
        return request;
    }

    private static int[] tokenize(ObjectNode request) {
        TinyServer.Reply reply = tiny.post("/tokenize", request);
        assertEquals(200, reply.status(), reply.raw().body());
        return ids(reply.body().get("tokens"));
    }

    /** How many prompt tokens {@code /v1/completions} reports for a text prompt it only scores. */
    private static int scoredPromptTokens(String text) {
        ObjectNode request = tokenizeRequest(text).put("echo", true).put("max_tokens", 0);
        TinyServer.Reply reply = tiny.post("/v1/completions", request);
        assertEquals(200, reply.status(), reply.raw().body());
        return reply.body().get("usage").get("prompt_tokens").asInt();
    }

    private static int[] ids(JsonNode array) {
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            assertTrue(array.get(i).isInt(), "token ids are integers");
            ids[i] = array.get(i).asInt();
        }
        return ids;
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}

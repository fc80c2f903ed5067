package dev.phi4j.trainer.serve;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every refusal is a 4xx with an OpenAI error object, and no client can hold a connection open for ever. */
class ServerErrorsTest {

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
    void malformedJsonIs400() {
        refused(tiny.post("/v1/chat/completions", "{\"model\": \"tiny-test\", \"messages\": [}"), 400, null,
                "invalid_json");
        refused(tiny.post("/v1/completions", ""), 400, null, null);
        refused(tiny.post("/v1/completions", "[1, 2]"), 400, null, null);
    }

    @Test
    void unknownModelIs404() {
        refused(tiny.post("/v1/chat/completions", """
                {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}"""), 404, "model",
                "model_not_found");
        refused(tiny.get("/v1/models/gpt-4o"), 404, "model", "model_not_found");
        refused(tiny.post("/tokenize", """
                {"model": "gpt-4o", "prompt": "hi"}"""), 404, "model", "model_not_found");
        refused(tiny.post("/detokenize", """
                {"model": "gpt-4o", "tokens": [1]}"""), 404, "model", "model_not_found");
    }

    @Test
    void promptLongerThanTheContextIs400() {
        String longText = "the lighthouse keeper counted ships ".repeat(60);     // far above 128 tokens
        refused(tiny.post("/v1/completions", "{\"model\": \"tiny-test\", \"prompt\": \"" + longText + "\"}"), 400,
                "prompt", "context_length_exceeded");
        refused(tiny.post("/v1/chat/completions", "{\"model\": \"tiny-test\", \"messages\": [{\"role\": \"user\", "
                + "\"content\": \"" + longText + "\"}]}"), 400, "messages", "context_length_exceeded");
        // A short prompt whose max_tokens does not fit the 128-token context.
        refused(tiny.post("/v1/completions", """
                {"model": "tiny-test", "prompt": "%s", "max_tokens": 60}""".formatted("one two ".repeat(40))), 400,
                "prompt", "context_length_exceeded");
    }

    @Test
    void limitsOnNMaxTokensAndChoicesAre400() {
        refused(tiny.post("/v1/chat/completions", """
                {"model": "tiny-test", "messages": [{"role": "user", "content": "hi"}], "n": 5}"""), 400, "n",
                "invalid_value");
        refused(tiny.post("/v1/chat/completions", """
                {"model": "tiny-test", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 65}"""), 400,
                "max_tokens", "invalid_value");
        refused(tiny.post("/v1/completions", """
                {"model": "tiny-test", "prompt": ["a", "b", "c"], "n": 3}"""), 400, "n", "invalid_value");
    }

    @Test
    void badFieldsAre400NamingTheField() {
        refused(tiny.post("/v1/chat/completions", """
                {"model": "tiny-test", "messages": [{"role": "user", "content": "hi"}], "temprature": 0.5}"""), 400,
                "temprature", "unknown_parameter");
        refused(tiny.post("/v1/chat/completions", """
                {"model": "tiny-test", "messages": [{"role": "user", "content": "hi"}], "temperature": "hot"}"""), 400,
                "temperature", "invalid_type");
        refused(tiny.post("/v1/chat/completions", """
                {"model": "tiny-test", "messages": [{"role": "user", "content": "hi"}], "temperature": 3}"""), 400,
                "temperature", "invalid_value");
        refused(tiny.post("/v1/chat/completions", """
                {"model": "tiny-test", "messages": []}"""), 400, "messages", "empty_array");
        refused(tiny.post("/v1/chat/completions", """
                {"model": "tiny-test"}"""), 400, "messages", "missing_required_parameter");
        refused(tiny.post("/v1/chat/completions", """
                {"model": "tiny-test", "messages": [{"role": "tool", "content": "x"}]}"""), 400, "messages[0].role",
                "invalid_value");
        refused(tiny.post("/v1/chat/completions", """
                {"model": "tiny-test", "messages": [{"role": "user", "content": "hi"}], "top_logprobs": 2}"""), 400,
                "top_logprobs", null);
        refused(tiny.post("/v1/chat/completions", """
                {"model": "tiny-test", "messages": [{"role": "user", "content": "hi"}],
                 "stop": ["a", "b", "c", "d", "e"]}"""), 400, "stop", "invalid_value");
        refused(tiny.post("/v1/completions", """
                {"model": "tiny-test", "prompt": [1, 2, 99999]}"""), 400, "prompt[2]", "invalid_value");
        refused(tiny.post("/v1/completions", """
                {"model": "tiny-test", "prompt": "x", "logit_bias": {"abc": 1}}"""), 400, "logit_bias",
                "invalid_value");
        refused(tiny.post("/v1/chat/completions", """
                {"model": "tiny-test", "messages": [{"role": "user", "content": "hi"}],
                 "tools": [{"type": "function", "function": {"name": "f"}}]}"""), 400, "tools",
                "unsupported_parameter");
    }

    @Test
    void badTokenizeAndDetokenizeFieldsAre400NamingTheField() {
        int outside = tiny.tokenizer.vocabSize();
        refused(tiny.post("/detokenize", """
                {"model": "tiny-test", "tokens": [1, %d]}""".formatted(outside)), 400, "tokens[1]", "invalid_value");
        refused(tiny.post("/detokenize", """
                {"model": "tiny-test", "tokens": [-1]}"""), 400, "tokens[0]", "invalid_value");
        refused(tiny.post("/detokenize", """
                {"model": "tiny-test", "tokens": [1, "2"]}"""), 400, "tokens[1]", "invalid_type");
        refused(tiny.post("/detokenize", """
                {"model": "tiny-test", "tokens": "1 2"}"""), 400, "tokens", "invalid_type");
        refused(tiny.post("/detokenize", """
                {"model": "tiny-test"}"""), 400, "tokens", "missing_required_parameter");
        refused(tiny.post("/detokenize", """
                {"model": "tiny-test", "tokens": [1], "skip_special_tokens": true}"""), 400, "skip_special_tokens",
                "unknown_parameter");
        refused(tiny.post("/tokenize", """
                {"model": "tiny-test"}"""), 400, "prompt", "missing_required_parameter");
        refused(tiny.post("/tokenize", """
                {"prompt": "hi"}"""), 400, "model", "missing_required_parameter");
        refused(tiny.post("/tokenize", """
                {"model": "tiny-test", "prompt": [1, 2]}"""), 400, "prompt", "invalid_type");
        refused(tiny.post("/tokenize", """
                {"model": "tiny-test", "prompt": "hi", "add_special_tokens": "yes"}"""), 400, "add_special_tokens",
                "invalid_type");
        refused(tiny.post("/tokenize", """
                {"model": "tiny-test", "text": "hi"}"""), 400, "text", "unknown_parameter");
        refused(tiny.post("/tokenize", "{\"model\": \"tiny-test\", \"prompt\": }"), 400, null, "invalid_json");
    }

    @Test
    void oversizeBodyIs413BeforeItIsRead() {
        String big = "{\"model\": \"tiny-test\", \"prompt\": \"" + "x".repeat(70 * 1024) + "\"}";
        refused(tiny.post("/v1/completions", big), 413, null, "request_too_large");
    }

    @Test
    void wrongMethodIs405AndUnknownPathIs404() {
        TinyServer.Reply wrongMethod = tiny.get("/v1/chat/completions");
        refused(wrongMethod, 405, null, "method_not_allowed");
        assertEquals("POST", wrongMethod.raw().headers().firstValue("Allow").orElse(""));
        refused(tiny.send(HttpRequest.newBuilder(tiny.uri("/v1/models")).DELETE().build()), 405, null,
                "method_not_allowed");
        TinyServer.Reply tokenizeByGet = tiny.get("/tokenize");
        refused(tokenizeByGet, 405, null, "method_not_allowed");
        assertEquals("POST", tokenizeByGet.raw().headers().firstValue("Allow").orElse(""));
        refused(tiny.get("/detokenize"), 405, null, "method_not_allowed");
        refused(tiny.get("/v1/embeddings"), 404, null, "unknown_url");
        refused(tiny.post("/v2/chat/completions", "{}"), 404, null, "unknown_url");
    }

    @Test
    void aClientThatNeverFinishesItsRequestIsDisconnected() throws IOException {
        try (Socket socket = new Socket(tiny.server.address().getAddress(), tiny.server.address().getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 500\r\n\r\n{\"model\": \"tiny-test\", ").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            // The server's request timeout is 5 s (TinyServer.config); it must close the connection well within 30 s.
            assertTimeoutPreemptively(java.time.Duration.ofSeconds(30), () -> {
                while (in.read() >= 0) {
                    // drain whatever the server says before closing
                }
            });
        }
        assertEquals(200, tiny.get("/health").status(), "the server still serves others");
    }

    private static void refused(TinyServer.Reply reply, int status, String param, String code) {
        assertEquals(status, reply.status(), reply.raw().body());
        assertTrue(reply.raw().headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        OpenAiShapes.error(reply.body());
        assertEquals("invalid_request_error", reply.body().get("error").get("type").asText());
        if (param != null) {
            assertEquals(param, reply.body().get("error").get("param").asText(), reply.raw().body());
        }
        if (code != null) {
            assertEquals(code, reply.body().get("error").get("code").asText(), reply.raw().body());
        }
    }
}

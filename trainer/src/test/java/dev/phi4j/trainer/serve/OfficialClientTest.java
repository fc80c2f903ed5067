package dev.phi4j.trainer.serve;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionChoice;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.models.Model;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server as users call it: through the official OpenAI Java SDK, which parses every response strictly. */
class OfficialClientTest {

    private static TinyServer tiny;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        tiny = new TinyServer(TinyServer::cached, TinyServer.config());
        client = OpenAIOkHttpClient.builder().baseUrl(tiny.uri("/v1").toString()).apiKey("sk-no-key-needed")
                .maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        tiny.close();
    }

    @Test
    void listsTheServedModel() {
        List<Model> models = client.models().list().data();
        assertEquals(List.of(TinyServer.MODEL), models.stream().map(Model::id).toList());
        assertEquals("phi4j", models.get(0).ownedBy());
    }

    @Test
    void chatCompletionIsReproducibleWithASeedAndCountsItsTokens() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(TinyServer.MODEL)
                .addSystemMessage("Be brief.").addUserMessage("Count the ships.").maxCompletionTokens(6)
                .temperature(1.0).seed(7L).build();
        ChatCompletion first = client.chat().completions().create(params);
        ChatCompletion second = client.chat().completions().create(params);

        ChatCompletion.Choice choice = first.choices().get(0);
        assertEquals(ChatCompletion.Choice.FinishReason.LENGTH, choice.finishReason());
        assertEquals(choice.message().content(), second.choices().get(0).message().content());
        long completionTokens = first.usage().orElseThrow().completionTokens();
        assertEquals(6, completionTokens);
        assertEquals(first.usage().get().promptTokens() + completionTokens, first.usage().get().totalTokens());
    }

    @Test
    void streamedChatChunksAddUpToTheWholeCompletion() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(TinyServer.MODEL)
                .addUserMessage("Name a harbour.").maxCompletionTokens(5).temperature(0.0).build();
        String whole = client.chat().completions().create(params).choices().get(0).message().content().orElse("");
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            String streamed = stream.stream().flatMap(chunk -> chunk.choices().stream())
                    .map(choice -> choice.delta().content().orElse("")).collect(Collectors.joining());
            assertEquals(whole, streamed);
        }
    }

    @Test
    void completionReturnsTokenLogprobs() {
        Completion completion = client.completions().create(CompletionCreateParams.builder().model(TinyServer.MODEL)
                .prompt("The keeper of the light").maxTokens(4).temperature(0.0).logprobs(2).build());
        CompletionChoice choice = completion.choices().get(0);
        List<Double> logprobs = choice.logprobs().orElseThrow().tokenLogprobs().orElseThrow();
        assertEquals(4, logprobs.size());
        assertTrue(logprobs.stream().allMatch(p -> p <= 0), logprobs.toString());
        assertFalse(choice.logprobs().get().topLogprobs().orElseThrow().isEmpty());
    }

    @Test
    void refusalsArriveAsTheClientsTypedErrors() {
        BadRequestException error = assertThrows(BadRequestException.class, () -> client.completions().create(
                CompletionCreateParams.builder().model(TinyServer.MODEL).prompt("x").maxTokens(100_000).build()));
        assertEquals(400, error.statusCode());
        assertTrue(error.getMessage().contains("max_tokens"), error.getMessage());
    }
}

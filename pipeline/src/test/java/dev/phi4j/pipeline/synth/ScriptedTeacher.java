package dev.phi4j.pipeline.synth;

import dev.phi4j.core.io.Sha256;
import dev.phi4j.core.schema.Message;
import dev.phi4j.pipeline.teacher.ChatRequest;
import dev.phi4j.pipeline.teacher.ChatResult;
import dev.phi4j.pipeline.teacher.Teacher;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/** A deterministic teacher for logic tests: answers with a function of the request, and records every request. */
final class ScriptedTeacher implements Teacher {

    private final String name;
    private final Function<ChatRequest, ChatResult> script;
    final List<ChatRequest> requests = Collections.synchronizedList(new ArrayList<>());

    ScriptedTeacher(String name, Function<ChatRequest, ChatResult> script) {
        this.name = name;
        this.script = script;
    }

    /** A teacher answering {@code answer(user message)} with finish reason stop. */
    static ScriptedTeacher answering(String name, Function<String, String> answer) {
        ScriptedTeacher[] self = new ScriptedTeacher[1];
        self[0] = new ScriptedTeacher(name, request -> self[0].result(request, answer.apply(lastUser(request)), "stop"));
        return self[0];
    }

    static String lastUser(ChatRequest request) {
        List<Message> messages = request.messages();
        return messages.get(messages.size() - 1).content();
    }

    ChatResult result(ChatRequest request, String text, String finishReason) {
        return new ChatResult(name, "scripted-model", text, finishReason, lastUser(request).length() / 4,
                text.length() / 4, cacheKey(request), false, 1);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ChatResult complete(ChatRequest request) {
        requests.add(request);
        return script.apply(request);
    }

    @Override
    public String cacheKey(ChatRequest request) {
        return Sha256.tagged(name + request);
    }
}

package dev.phi4j.pipeline.synth;

import dev.phi4j.pipeline.teacher.ChatRequest;
import dev.phi4j.pipeline.teacher.ChatResult;
import dev.phi4j.pipeline.teacher.Teacher;

/** The teacher of a template without steps: it is never asked, and says so if it is. */
final class NoTeacher implements Teacher {

    static final NoTeacher INSTANCE = new NoTeacher();

    private NoTeacher() {}

    @Override
    public String name() {
        return "none";
    }

    @Override
    public ChatResult complete(ChatRequest request) {
        throw new IllegalStateException("this template has no teacher steps, and a teacher was asked");
    }

    @Override
    public String cacheKey(ChatRequest request) {
        throw new IllegalStateException("this template has no teacher steps");
    }
}

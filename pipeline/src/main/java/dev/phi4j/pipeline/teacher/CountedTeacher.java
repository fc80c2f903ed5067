package dev.phi4j.pipeline.teacher;

/** A teacher whose every answer and failure is added to a stage's {@link UsageAccumulator}. */
record CountedTeacher(Teacher teacher, TeacherConfig config, UsageAccumulator usage) implements Teacher {

    @Override
    public String name() {
        return teacher.name();
    }

    @Override
    public ChatResult complete(ChatRequest request) {
        try {
            ChatResult result = teacher.complete(request);
            usage.add(TeacherUsage.of(result, config));
            return result;
        } catch (TeacherException e) {
            usage.add(TeacherUsage.failure(teacher.name()));
            throw e;
        }
    }

    @Override
    public String cacheKey(ChatRequest request) {
        return teacher.cacheKey(request);
    }
}

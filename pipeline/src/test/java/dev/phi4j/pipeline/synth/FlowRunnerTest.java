package dev.phi4j.pipeline.synth;

import dev.phi4j.core.config.ConfigException;
import dev.phi4j.core.schema.Document;
import dev.phi4j.core.schema.Seed;
import dev.phi4j.core.schema.SeedKind;
import dev.phi4j.core.schema.SeedTags;
import dev.phi4j.core.schema.SourceClass;
import dev.phi4j.core.schema.SyntheticSample;
import dev.phi4j.core.schema.TeacherCall;
import dev.phi4j.pipeline.TestSpark;
import dev.phi4j.pipeline.teacher.ChatRequest;
import dev.phi4j.pipeline.teacher.TeacherException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class FlowRunnerTest {

    private static final Path TEMPLATES = TestSpark.root().resolve("configs/synth");
    private static final Document PAGE = Document.of("web", SourceClass.WEB, "page.html",
            "Photosynthesis turns light into chemical energy because chlorophyll absorbs photons.", Map.of(), List.of());
    private static final Seed PASSAGE = Seed.of(PAGE, 0, PAGE.text().length(), SeedKind.PASSAGE,
            new SeedTags(2, 1, 1), 0.8, Map.of());

    private static final Sampling SAMPLING = new Sampling(0.7, 1.0, 1024);

    @TempDir
    Path dir;

    @Test
    void everyBundledTemplateLoadsAndThereAreAtLeastTen() throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(TEMPLATES)) {
            files = listing.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        assertTrue(files.size() >= 10, files.toString());
        for (Path file : files) {
            SynthTemplate template = SynthTemplate.load(file);
            assertEquals(file.getFileName().toString(), template.name() + ".yaml", "template name matches its file");
        }
    }

    @Test
    void plannerWriterFlowFillsEachPromptFromEarlierAnswersAndKeepsLineage() {
        SynthTemplate template = SynthTemplate.load(TEMPLATES.resolve("textbook_section.yaml"));
        ScriptedTeacher teacher = ScriptedTeacher.answering("panel-a", prompt -> {
            if (prompt.startsWith("Plan")) {
                return "1. light reactions";
            }
            if (prompt.startsWith("Write the textbook section")) {
                return "Section about light reactions.";
            }
            return prompt.startsWith("Critique") ? "reasoning: 9/10\nfactual accuracy: 9/10\nclarity: 9/10" : "?";
        });

        Generation generation = new FlowRunner(template, SAMPLING, 7).run(PASSAGE, teacher);

        assertNull(generation.dropReason());
        SyntheticSample sample = generation.sample();
        assertEquals("Section about light reactions.", sample.response());
        assertTrue(ScriptedTeacher.lastUser(teacher.requests.get(1)).contains("1. light reactions"),
                "the writer sees the planner's answer");
        assertTrue(ScriptedTeacher.lastUser(teacher.requests.get(0)).contains(PASSAGE.text()));
        assertEquals(List.of("planner", "writer", "critique-1"), sample.calls().stream().map(TeacherCall::step).toList());
        assertEquals(PASSAGE.id(), sample.lineage().get(0));
        assertTrue(sample.lineage().containsAll(sample.calls().stream().map(TeacherCall::callId).toList()));
        assertEquals("textbook_section", sample.metadata().get("template"));
        assertEquals("1. light reactions", sample.metadata().get("step.planner"));
        assertTrue(template.variables().get("audience").contains(sample.metadata().get("var.audience")));
        assertEquals(9.0, sample.scores().get("rubric_final"));
        assertTrue(sample.revisions().isEmpty(), "a first draft at the threshold is not revised");
    }

    @Test
    void selfRevisionRevisesUntilTheThresholdAndKeepsTheHistory() {
        SynthTemplate template = SynthTemplate.load(TEMPLATES.resolve("textbook_section.yaml"));
        int[] critiques = {0};
        ScriptedTeacher teacher = ScriptedTeacher.answering("panel-a", prompt -> {
            if (prompt.startsWith("Critique")) {
                critiques[0]++;
                return critiques[0] == 1 ? "reasoning: 4/10\nfactual accuracy: 6/10" : "reasoning: 9/10\naccuracy: 8/10";
            }
            if (prompt.startsWith("Rewrite")) {
                assertTrue(prompt.contains("reasoning: 4/10"), "the revision sees the critique");
                return "Revised section.";
            }
            return prompt.startsWith("Plan") ? "plan" : "First draft.";
        });

        SyntheticSample sample = new FlowRunner(template, SAMPLING, 7).run(PASSAGE, teacher).sample();

        assertEquals("Revised section.", sample.response());
        assertEquals(1, sample.revisions().size());
        assertEquals("First draft.", sample.revisions().get(0).draft());
        assertEquals(5.0, sample.revisions().get(0).score());
        assertEquals("Revised section.", sample.revisions().get(0).revised());
        assertEquals(5.0, sample.scores().get("rubric_first"));
        assertEquals(8.5, sample.scores().get("rubric_final"));
    }

    @Test
    void revisionStopsAfterMaxRoundsWhenTheCriticNeverIsSatisfiedOrGivesNoScore() {
        SynthTemplate template = SynthTemplate.load(TEMPLATES.resolve("textbook_section.yaml"));
        ScriptedTeacher teacher = ScriptedTeacher.answering("panel-a",
                prompt -> prompt.startsWith("Critique") ? "needs work" : "text");

        SyntheticSample sample = new FlowRunner(template, SAMPLING, 7).run(PASSAGE, teacher).sample();

        assertEquals(2, sample.revisions().size(), "max_rounds revisions");
        assertEquals("3", sample.metadata().get("revision.unparsed_critiques"));
        assertEquals(0.0, sample.scores().get("rubric_final"));
    }

    @Test
    void dialogueAgentsTakeTurnsSeeingTheTranscript() {
        SynthTemplate template = SynthTemplate.load(TEMPLATES.resolve("student_teacher_dialogue.yaml"));
        int[] turn = {0};
        ScriptedTeacher teacher = ScriptedTeacher.answering("panel-a", prompt -> "turn " + (++turn[0]));

        Generation generation = new FlowRunner(template, SAMPLING, 7).run(PASSAGE, teacher);

        assertEquals("Student: turn 1\n\nTeacher: turn 2\n\nStudent: turn 3\n\nTeacher: turn 4",
                generation.sample().response());
        assertTrue(ScriptedTeacher.lastUser(teacher.requests.get(3)).contains("Teacher: turn 2\n\nStudent: turn 3"));
        assertTrue(teacher.requests.get(0).messages().get(0).content().startsWith("You play a"),
                "the student's system prompt has its persona filled in");
    }

    @Test
    void truncatedAnswerIsRecordedAndDroppedNeverPassedOffAsComplete() {
        SynthTemplate template = SynthTemplate.load(TEMPLATES.resolve("web_rewrite_textbook.yaml"));
        ScriptedTeacher[] holder = new ScriptedTeacher[1];
        holder[0] = new ScriptedTeacher("panel-a", request -> holder[0].result(request, "A partial rewr", "length"));

        Generation generation = new FlowRunner(template, SAMPLING, 7).run(PASSAGE, holder[0]);

        assertEquals(FlowRunner.TRUNCATED, generation.dropReason());
        assertEquals("A partial rewr", generation.sample().response(), "the raw output is kept");
        assertEquals("length", generation.sample().calls().get(0).finishReason());
    }

    @Test
    void failedCallEndsTheFlowWithItsReasonAndTheCallRecorded() {
        SynthTemplate template = SynthTemplate.load(TEMPLATES.resolve("instruction_reversal.yaml"));
        Document file = Document.of("repo", SourceClass.CODE, "a.py", "def add(a, b):\n    return a + b\n",
                Map.of(), List.of());
        Seed code = Seed.of(file, 0, file.text().length(), SeedKind.CODE, new SeedTags(1, 1, 0), 0.5, Map.of());
        ScriptedTeacher teacher = new ScriptedTeacher("panel-b", request -> {
            if (ScriptedTeacher.lastUser(request).startsWith("Write the instruction")) {
                return new ScriptedTeacher("x", r -> null).result(request, "Write add(a, b).", "stop");
            }
            throw new TeacherException("teacher_http_503", "503 after 5 retries", "{\"error\":\"busy\"}", 6);
        });

        Generation generation = new FlowRunner(template, SAMPLING, 7).run(code, teacher);

        assertEquals("teacher_http_503", generation.dropReason());
        assertEquals("{\"error\":\"busy\"}", generation.sample().response());
        assertEquals(List.of("stop", "teacher_http_503"),
                generation.sample().calls().stream().map(TeacherCall::finishReason).toList());
        assertEquals("Write add(a, b).", ScriptedTeacher.lastUser(teacher.requests.get(1)),
                "the regeneration sees only the instruction");
    }

    @Test
    void requestsOfOneSeedGetDistinctSeedsAndTheSameOnesOnARerun() {
        SynthTemplate template = SynthTemplate.load(TEMPLATES.resolve("student_teacher_dialogue.yaml"));
        ScriptedTeacher first = ScriptedTeacher.answering("a", prompt -> "ok");
        ScriptedTeacher second = ScriptedTeacher.answering("a", prompt -> "ok");

        new FlowRunner(template, SAMPLING, 7).run(PASSAGE, first);
        new FlowRunner(template, SAMPLING, 7).run(PASSAGE, second);

        List<Long> seeds = first.requests.stream().map(ChatRequest::seed).toList();
        assertEquals(seeds.size(), seeds.stream().distinct().count());
        assertEquals(seeds, second.requests.stream().map(ChatRequest::seed).toList());
    }

    @Test
    void aPromptNamingAnUnknownPlaceholderIsAnErrorNamingTheKey() throws IOException {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, """
                name: bad
                seed_kinds: [passage]
                steps:
                  - name: writer
                    prompt: "Use {planner} on {seed}"
                response: "{writer}"
                """);

        ConfigException error = assertThrows(ConfigException.class, () -> SynthTemplate.load(file));

        assertTrue(error.getMessage().contains("steps[0].prompt"), error.getMessage());
        assertTrue(error.getMessage().contains("{planner}"), error.getMessage());
    }
}

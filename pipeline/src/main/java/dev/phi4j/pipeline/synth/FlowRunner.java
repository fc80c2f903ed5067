package dev.phi4j.pipeline.synth;

import dev.phi4j.core.schema.Message;
import dev.phi4j.core.schema.Revision;
import dev.phi4j.core.schema.Seed;
import dev.phi4j.core.schema.SyntheticSample;
import dev.phi4j.core.schema.TeacherCall;
import dev.phi4j.core.schema.Validation;
import dev.phi4j.pipeline.teacher.ChatRequest;
import dev.phi4j.pipeline.teacher.ChatResult;
import dev.phi4j.pipeline.teacher.Teacher;
import dev.phi4j.pipeline.teacher.TeacherException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one template on one seed: the flow's steps in order, each answer filling later prompts, then self-revision when
 * the template asks for it. Everything a sample needs for its lineage is recorded as it happens: each call (teacher,
 * step, finish reason, tokens, cache key), the variables, every step's answer and every revision round. The first
 * failure ends the flow: the sample is returned with what it has so far and the failure as its drop reason, never
 * with a partial answer passed off as complete.
 */
final class FlowRunner {

    static final String TRUNCATED = "truncated";
    static final String EMPTY = "empty_response";

    private static final Pattern OUT_OF_TEN = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*/\\s*10\\b");

    private final SynthTemplate template;
    private final Sampling sampling;
    private final long runSeed;

    FlowRunner(SynthTemplate template, Sampling sampling, long runSeed) {
        this.template = template;
        this.sampling = sampling;
        this.runSeed = runSeed;
    }

    Generation run(Seed seed, Teacher teacher) {
        Flow flow = new Flow(seed, teacher);
        return flow.run();
    }

    /** The state of one seed's flow: values for placeholders, calls so far, metadata. */
    private final class Flow {
        private final Seed seed;
        private final Teacher teacher;
        private final Map<String, String> values = new LinkedHashMap<>();
        private final Map<String, String> metadata = new LinkedHashMap<>();
        private final List<TeacherCall> calls = new ArrayList<>();
        private final List<Revision> revisions = new ArrayList<>();
        private final Map<String, Double> scores = new LinkedHashMap<>();
        private final StringBuilder transcript = new StringBuilder();
        private List<Message> lastPrompt;

        Flow(Seed seed, Teacher teacher) {
            this.seed = seed;
            this.teacher = teacher;
            values.put(SynthTemplate.SEED, seed.text());
            seed.metadata().forEach((key, value) -> values.put(SynthTemplate.SEED + "." + key, value));
            metadata.put("template", template.name());
            metadata.put("format", template.format());
            metadata.put("output_class", template.output().name().toLowerCase(Locale.ROOT));
            metadata.put("seed_id", seed.id());
            metadata.put("seed_kind", seed.kind().name().toLowerCase(Locale.ROOT));
            metadata.put("seed_text", seed.text());
            metadata.put("teacher", teacher.name());
            metadata.put("sampling", String.format(Locale.ROOT, "temperature=%s top_p=%s max_tokens=%d",
                    sampling.temperature(), sampling.topP(), sampling.maxTokens()));
            seed.metadata().forEach((key, value) -> metadata.put("seed." + key, value));
            template.variablesFor(seed.id()).forEach((variable, value) -> {
                values.put(variable, value);
                metadata.put("var." + variable, value);
            });
            values.put(SynthTemplate.TRANSCRIPT, "");
        }

        Generation run() {
            lastPrompt = List.of(Message.user(seed.text()));
            try {
                for (FlowStep step : template.steps()) {
                    String answer = ask(step.name(), step.system().map(s -> Placeholders.fill(s, values)).orElse(null),
                            Placeholders.fill(step.prompt(), values));
                    values.put(step.name(), answer);
                    metadata.put("step." + step.name(), answer);
                    step.speaker().ifPresent(speaker -> {
                        transcript.append(transcript.isEmpty() ? "" : "\n\n").append(speaker).append(": ")
                                .append(answer.strip());
                        values.put(SynthTemplate.TRANSCRIPT, transcript.toString());
                    });
                }
                String response = Placeholders.fill(template.response(), values);
                if (template.revision().isPresent()) {
                    response = revise(template.revision().get(), response);
                }
                return new Generation(sample(response), null);
            } catch (FlowFailure failure) {
                return new Generation(sample(failure.partial), failure.reason);
            }
        }

        private String revise(RevisionSpec spec, String draft) {
            Map<String, String> revisionValues = new LinkedHashMap<>(values);
            revisionValues.put("rubric", spec.rubric());
            double firstScore = Double.NaN;
            int unparsed = 0;
            for (int round = 1; ; round++) {
                revisionValues.put("draft", draft);
                String critique = ask("critique-" + round, null, Placeholders.fill(spec.critique(), revisionValues));
                OptionalDouble parsed = score(critique);
                unparsed += parsed.isPresent() ? 0 : 1;
                double score = parsed.orElse(0);
                if (round == 1) {
                    firstScore = score;
                }
                if (score >= spec.threshold() || round > spec.maxRounds()) {
                    scores.put("rubric_first", firstScore);
                    scores.put("rubric_final", score);
                    metadata.put("revision.rounds", Integer.toString(revisions.size()));
                    metadata.put("revision.unparsed_critiques", Integer.toString(unparsed));
                    return draft;
                }
                revisionValues.put("critique", critique);
                String revised = ask("revise-" + round, null, Placeholders.fill(spec.revise(), revisionValues));
                revisions.add(new Revision(round, draft, critique, score, revised));
                draft = revised;
            }
        }

        private String ask(String step, String system, String prompt) {
            List<Message> messages = system == null ? List.of(Message.user(prompt))
                    : List.of(Message.system(system), Message.user(prompt));
            lastPrompt = messages;
            long requestSeed = Placeholders.hash(runSeed + "\u0000" + seed.id() + "\u0000" + template.name()
                    + "\u0000" + step);
            ChatRequest request = new ChatRequest(messages, sampling.temperature(), sampling.topP(),
                    sampling.maxTokens(), requestSeed);
            ChatResult result;
            try {
                result = teacher.complete(request);
            } catch (TeacherException e) {
                calls.add(TeacherCalls.failed(teacher, request, e, step));
                throw new FlowFailure(e.reason(), e.raw());
            }
            calls.add(TeacherCalls.answered(result, step));
            if (result.truncated()) {
                throw new FlowFailure(TRUNCATED, result.text());
            }
            if (result.text() == null || result.text().isBlank()) {
                throw new FlowFailure(EMPTY, result.text() == null ? "" : result.text());
            }
            return result.text();
        }

        private SyntheticSample sample(String response) {
            List<String> lineage = new ArrayList<>();
            lineage.add(seed.id());
            calls.forEach(call -> lineage.add(call.callId()));
            return SyntheticSample.of(template.name(), lastPrompt, response, calls, revisions, scores,
                    Validation.notRun(), metadata, lineage.stream().distinct().toList());
        }
    }

    /** The mean of every "N/10" in a critique; empty when it gives none. */
    static OptionalDouble score(String critique) {
        Matcher matcher = OUT_OF_TEN.matcher(critique);
        double sum = 0;
        int count = 0;
        while (matcher.find()) {
            double value = Double.parseDouble(matcher.group(1));
            if (value <= 10) {
                sum += value;
                count++;
            }
        }
        return count == 0 ? OptionalDouble.empty() : OptionalDouble.of(sum / count);
    }

    private static final class FlowFailure extends RuntimeException {
        private final String reason;
        private final String partial;

        FlowFailure(String reason, String partial) {
            super(reason, null, false, false);
            this.reason = reason;
            this.partial = partial == null ? "" : partial;
        }
    }
}

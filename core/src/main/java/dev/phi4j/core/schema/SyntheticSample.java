package dev.phi4j.core.schema;

import dev.phi4j.core.Doc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One output of a synthetic-data technique: the prompt sent to a teacher and what came back. */
@Doc("one output of a synthetic-data technique: prompt, teacher response, revisions, scores, validation")
public record SyntheticSample(
        @Doc("content-derived id: sample- + SHA-256 prefix of technique, prompt and response") String id,
        @Doc("template or technique that produced it, e.g. self_revision, instruction_reversal") String technique,
        @Doc("the messages sent to the teacher") List<Message> prompt,
        @Doc("the final response, after any revisions") String response,
        @Doc("every teacher request the sample took, in order: flow steps, critiques, revisions, answers")
        List<TeacherCall> calls,
        @Doc("self-revision rounds, oldest first; empty when the technique does not revise") List<Revision> revisions,
        @Doc("named quality scores, e.g. fidelity, judge_accuracy") Map<String, Double> scores,
        @Doc("outcome of executing or checking the sample") Validation validation,
        @Doc("lineage and parameters: template, seed, variables, outputs of the flow's steps, the mixture source "
                + "class of the document it becomes") Map<String, String> metadata,
        @Doc("ids of the records this sample was derived from: seeds, calls, earlier samples") List<String> lineage) {

    public SyntheticSample {
        Require.id(IdKind.SAMPLE, id, "SyntheticSample.id");
        Require.nonBlank(technique, "SyntheticSample.technique");
        prompt = Require.nonEmpty(prompt, "SyntheticSample.prompt");
        Require.nonNull(response, "SyntheticSample.response");
        calls = Require.list(calls, "SyntheticSample.calls");
        revisions = Require.list(revisions, "SyntheticSample.revisions");
        scores = Require.map(scores, "SyntheticSample.scores");
        Require.nonNull(validation, "SyntheticSample.validation");
        metadata = Require.map(metadata, "SyntheticSample.metadata");
        lineage = Require.lineage(lineage, "SyntheticSample.lineage");
    }

    public static SyntheticSample of(String technique, List<Message> prompt, String response,
                                     List<TeacherCall> calls, List<Revision> revisions, Map<String, Double> scores,
                                     Validation validation, Map<String, String> metadata, List<String> lineage) {
        List<String> parts = new ArrayList<>(List.of(Require.nonNull(technique, "SyntheticSample.technique"),
                Require.nonNull(response, "SyntheticSample.response")));
        parts.addAll(Message.idParts(prompt, "SyntheticSample.prompt"));
        return new SyntheticSample(RecordIds.of(IdKind.SAMPLE, parts), technique, prompt, response, calls,
                revisions, scores, validation, metadata, lineage);
    }
}

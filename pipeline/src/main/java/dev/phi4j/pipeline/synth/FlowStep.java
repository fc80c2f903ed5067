package dev.phi4j.pipeline.synth;

import dev.phi4j.core.Doc;

import java.io.Serializable;
import java.util.Optional;

/**
 * One agent's turn in a generation flow: a prompt (with {@code {placeholders}}) sent as the user message, its answer
 * available to later steps as {@code {name}}. A step with a {@code speaker} also appends "speaker: answer" to
 * {@code {transcript}}, which is how a multi-agent dialogue is written as data.
 */
public record FlowStep(
        @Doc("the step's name: later prompts refer to its answer as {name}; unique within the template") String name,
        @Doc("system message for this agent; empty: none") Optional<String> system,
        @Doc("the user message; {seed}, {variable}, {earlier_step}, {transcript} and {seed.KEY} (seed metadata) "
                + "are filled in") String prompt,
        @Doc("label under which the answer is appended to {transcript}, e.g. Student; empty: not appended")
        Optional<String> speaker) implements Serializable {}

package dev.phi4j.pipeline.synth;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.ConfigLoader;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.InvalidConfigValue;
import dev.phi4j.core.schema.SeedKind;
import dev.phi4j.core.schema.SourceClass;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A generation template as data ({@code configs/synth/*.yaml}): which seeds it applies to, the variables varied per
 * seed (audience, style, Cosmopedia-style), the flow of agent steps, the response, optional self-revision, and what
 * kind of document the result becomes. Placeholders are checked when the template is loaded: a prompt may only refer
 * to the seed, a variable, an earlier step or the transcript.
 */
public record SynthTemplate(
        @Doc("the technique's name, recorded on every sample") String name,
        @Doc("what the template makes, for the reader of the config") Optional<String> description,
        @Doc("seed kinds it applies to: passage, code, question") List<SeedKind> seedKinds,
        @Doc("source classes of the seeds' documents it applies to, e.g. [web] for a web rewrite; empty: any")
        @Default("[]") List<SourceClass> seedClasses,
        @Doc("source class of the documents it makes: synthetic or web_rewrite") @Default("synthetic")
        SourceClass output,
        @Doc("how the sample reads as a document: text, qa (question from the last prompt, answer = response), "
                + "code, dialogue") @Default("text") String format,
        @Doc("values varied per seed; each seed gets one value of each, chosen by its id") @Default("{}")
        Map<String, List<String>> variables,
        @Doc("the agents' steps in order; empty: the response is made from the seed alone (no teacher call)")
        @Default("[]") List<FlowStep> steps,
        @Doc("the final response, from the steps' answers, e.g. {writer} or {transcript}") String response,
        @Doc("self-revision of the response; empty: none") Optional<RevisionSpec> revision) implements Serializable {

    static final List<String> FORMATS = List.of("text", "qa", "code", "dialogue");
    static final String TRANSCRIPT = "transcript";
    static final String SEED = "seed";

    public SynthTemplate {
        seedKinds = List.copyOf(seedKinds);
        seedClasses = List.copyOf(seedClasses);
        variables = new TreeMap<>(variables);
        steps = List.copyOf(steps);
        if (seedKinds.isEmpty()) {
            throw new InvalidConfigValue("seed_kinds", "template " + name + " applies to no seed kind");
        }
        if (output != SourceClass.SYNTHETIC && output != SourceClass.WEB_REWRITE) {
            throw new InvalidConfigValue("output", "template " + name + ": output must be synthetic or web_rewrite, not "
                    + output.name().toLowerCase(java.util.Locale.ROOT));
        }
        if (!FORMATS.contains(format)) {
            throw new InvalidConfigValue("format", "template " + name + ": format must be one of " + FORMATS);
        }
        variables.forEach((variable, values) -> {
            if (values.isEmpty()) {
                throw new InvalidConfigValue("variables." + variable, "template " + name + ": no values");
            }
        });
        Set<String> known = new HashSet<>(variables.keySet());
        known.add(SEED);
        known.add(TRANSCRIPT);
        for (int i = 0; i < steps.size(); i++) {
            FlowStep step = steps.get(i);
            if (known.contains(step.name())) {
                throw new InvalidConfigValue("steps[" + i + "].name", "template " + name + ": step name '"
                        + step.name() + "' is taken by a variable, an earlier step or a built-in");
            }
            checkPlaceholders(step.prompt(), known, "steps[" + i + "].prompt");
            step.system().ifPresent(system -> checkPlaceholders(system, known, "steps[" + step.name() + "].system"));
            known.add(step.name());
        }
        checkPlaceholders(response, known, "response");
        Set<String> revisionNames = new HashSet<>(known);
        revisionNames.addAll(List.of("draft", "rubric", "critique"));
        revision.ifPresent(spec -> {
            checkPlaceholders(spec.critique(), revisionNames, "revision.critique");
            checkPlaceholders(spec.revise(), revisionNames, "revision.revise");
        });
    }

    private void checkPlaceholders(String text, Set<String> known, String key) {
        for (String placeholder : Placeholders.names(text)) {
            if (!known.contains(placeholder) && !placeholder.startsWith(SEED + ".")) {
                throw new InvalidConfigValue(key, "template " + name + ": {" + placeholder
                        + "} is not the seed, a variable, an earlier step or the transcript; known: "
                        + known.stream().sorted().toList());
            }
        }
    }

    /** The template in {@code file}; unknown keys and bad placeholders are errors naming the file. */
    public static SynthTemplate load(Path file) {
        return ConfigLoader.load(file, List.of(), SynthTemplate.class).config();
    }

    /** The value of each variable for the seed {@code seedId}: a fixed choice, so a re-run asks the same prompts. */
    Map<String, String> variablesFor(String seedId) {
        Map<String, String> chosen = new TreeMap<>();
        variables.forEach((variable, values) -> chosen.put(variable,
                values.get(Math.floorMod(Placeholders.hash(seedId + "\u0000" + variable), values.size()))));
        return chosen;
    }
}

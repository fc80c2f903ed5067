package dev.phi4j.pipeline.clean;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.InvalidConfigValue;
import dev.phi4j.core.config.Variant;
import dev.phi4j.core.schema.SourceClass;
import dev.phi4j.pipeline.stage.Stage;
import dev.phi4j.pipeline.stage.StageConfig;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Normalises text (NFC, whitespace) and drops documents that break a quality rule; each source class has its own
 * rules, a preset name or a preset with overrides:
 * <pre>
 * - stage: clean
 *   rules:
 *     web: gopher
 *     qa: {preset: qa, min_words: 20}
 * </pre>
 */
@Variant("clean")
public record CleanConfig(
        @Doc(StageConfig.NAME_DOC) Optional<String> name,
        @Doc(StageConfig.INPUT_DOC) @Default("[]") List<String> input,
        @Doc("Unicode NFC normalisation before anything else") @Default("true") boolean nfc,
        @Doc("quality rules per source class (web, code, qa, books, …); a preset (gopher, qa, code, length_only) or "
                + "`{preset: …, key: value}`") @Default("{web: gopher, web_rewrite: gopher, books: gopher, "
                + "academic: gopher, qa: qa, code: code}") Map<String, QualityRules> rules,
        @Doc("rules for source classes not listed in rules") @Default("gopher") QualityRules defaultRules)
        implements StageConfig {

    /** The stage under its own name, reading the stage listed before it. */
    public CleanConfig(boolean nfc, Map<String, QualityRules> rules, QualityRules defaultRules) {
        this(Optional.empty(), List.of(), nfc, rules, defaultRules);
    }

    public CleanConfig {
        List<String> classes = Arrays.stream(SourceClass.values()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList();
        for (String sourceClass : rules.keySet()) {
            if (!classes.contains(sourceClass)) {
                throw new InvalidConfigValue("rules." + sourceClass, "not a source class; expects one of "
                        + String.join(", ", classes));
            }
        }
    }

    /** The rules documents of {@code sourceClass} (lower-case, as stored) are judged by. */
    public QualityRules rulesFor(String sourceClass) {
        return rules.getOrDefault(sourceClass, defaultRules);
    }

    @Override
    public Stage build() {
        return new CleanStage(this);
    }
}

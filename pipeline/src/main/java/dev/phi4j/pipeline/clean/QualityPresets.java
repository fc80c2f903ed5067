package dev.phi4j.pipeline.clean;

import dev.phi4j.core.config.Presets;

import java.util.List;

/** Named rule sets: Gopher's for prose, a looser one for Q&A, one for code, and length bounds only. */
public final class QualityPresets implements Presets<QualityRules> {

    /** Gopher's published thresholds (Rae et al. 2021, A.1.1). */
    public static final QualityRules GOPHER = new QualityRules(true, 200, 1_000_000, 50, 100_000, 3, 10, 0.1, 0.9,
            0.3, 0.8, 2, 0.3, 0.2, 0.3, 0.2, 0.2, 0.18, 0.16, 0.15, 100_000, 0);

    /**
     * Questions with answers are short and often mathematical: fewer words and characters, no stop-word rule, and
     * room for numbers and formulas (half the words may lack letters, a quarter may be symbols such as GSM8K's
     * {@code #### 42}), and for the repetition a worked solution has when it restates the question step by step
     * (Gopher's repetition bounds were set on web pages of hundreds of words).
     */
    public static final QualityRules QA = new QualityRules(true, 80, 200_000, 15, 50_000, 3, 10, 0.25, 0.9, 0.3, 0.5,
            0, 0.3, 0.2, 0.3, 0.2, 0.35, 0.33, 0.31, 0.4, 100_000, 0);

    /** Code: indentation kept, no word rules; drops minified/generated files and files of mostly symbols. */
    public static final QualityRules CODE = new QualityRules(false, 20, 1_000_000, 0, 10_000_000, 0, 1000, 1000, 1, 1,
            0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1000, 0.25);

    /** Length bounds only. */
    public static final QualityRules LENGTH_ONLY = new QualityRules(true, 1, 10_000_000, 0, 10_000_000, 0, 1000, 1000,
            1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 10_000_000, 0);

    @Override
    public List<String> names() {
        return List.of("gopher", "qa", "code", "length_only");
    }

    @Override
    public QualityRules find(String name) {
        return switch (name) {
            case "gopher" -> GOPHER;
            case "qa" -> QA;
            case "code" -> CODE;
            case "length_only" -> LENGTH_ONLY;
            default -> null;
        };
    }
}

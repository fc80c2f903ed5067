package dev.phi4j.pipeline.stage;

import org.apache.spark.sql.SparkSession;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@link StageContext} of one stage run; its sections end up in the stage's manifest. */
public final class RunningContext implements StageContext {

    /** {@code stage_output.examples}' default. */
    static final int DEFAULT_EXAMPLES = 3;

    private final SparkSession spark;
    private final long seed;
    private final int examples;
    private final Map<String, Object> sections = new LinkedHashMap<>();

    public RunningContext(SparkSession spark, long seed, int examples) {
        this.spark = spark;
        this.seed = seed;
        this.examples = examples;
    }

    /** A context showing as many examples per outcome as {@code stage_output.examples} does by default. */
    public RunningContext(SparkSession spark, long seed) {
        this(spark, seed, DEFAULT_EXAMPLES);
    }

    @Override
    public SparkSession spark() {
        return spark;
    }

    @Override
    public long seed() {
        return seed;
    }

    @Override
    public int examples() {
        return examples;
    }

    @Override
    public void report(String section, Object value) {
        if (section == null || section.isBlank()) {
            throw new IllegalArgumentException("a manifest section needs a name");
        }
        sections.put(section, ManifestJson.tree(value));
    }

    @Override
    public Map<String, Object> reported() {
        return Collections.unmodifiableMap(sections);
    }
}

package dev.phi4j.pipeline.synth;

import dev.phi4j.core.config.ConfigJson;
import dev.phi4j.core.io.Sha256;
import dev.phi4j.core.schema.Message;
import dev.phi4j.core.schema.Seed;
import dev.phi4j.core.schema.SyntheticSample;
import dev.phi4j.core.schema.Validation;
import dev.phi4j.pipeline.io.ShippedConfig;
import dev.phi4j.pipeline.io.SparkRecords;
import dev.phi4j.pipeline.stage.Stage;
import dev.phi4j.pipeline.stage.StageContext;
import dev.phi4j.pipeline.stage.StageInput;
import dev.phi4j.pipeline.stage.StageRows;
import dev.phi4j.pipeline.teacher.Teacher;
import dev.phi4j.pipeline.teacher.TeacherPanel;
import dev.phi4j.pipeline.teacher.UsageAccumulator;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.apache.spark.sql.functions.col;

/**
 * Seeds → synthetic samples with one template ({@link FlowRunner}), one sample per seed. A seed the template does
 * not apply to is dropped as {@code not_applicable}, one past {@code limit} as {@code over_limit}, and a flow that
 * failed keeps what it got with the failure as its reason ({@code teacher_timeout}, {@code truncated}, …). Re-running
 * after a crash or with failures re-asks only what the response cache does not hold.
 */
final class SynthStage implements Stage {

    static final String NOT_APPLICABLE = "not_applicable";
    static final String OVER_LIMIT = "over_limit";
    private static final String RANK = "_rank";
    private static final String APPLICABLE = "_applicable";
    /** Seeds in memory at once per task: enough to keep every teacher thread busy. */
    private static final int SEEDS_PER_BATCH = 64;

    private final SynthConfig config;
    private final SynthTemplate template;
    private long appliedAt;
    private UsageAccumulator usage;
    /** The seeds read: summarize lists those of the samples it lists. */
    private Dataset<Row> seeds;

    SynthStage(SynthConfig config, SynthTemplate template) {
        this.config = config;
        this.template = template;
    }

    @Override
    public String name() {
        return "synthesize";
    }

    @Override
    public Class<Seed> reads() {
        return Seed.class;
    }

    @Override
    public Class<SyntheticSample> writes() {
        return SyntheticSample.class;
    }

    /**
     * The template as loaded: part of the stage's identity, so an edited template re-runs the stage instead of reusing
     * samples made with the old prompts. Its fingerprint is of the resolved template, not the file's bytes, so a
     * comment does not count.
     */
    @Override
    public List<StageInput> inputs(StageContext context) {
        String resolved = ConfigJson.toJson(template).toString();
        return List.of(new StageInput("template", template.name(), config.templateFile().toString(), 1,
                resolved.length(), Sha256.tagged(resolved)));
    }

    @Override
    public Dataset<Row> apply(Dataset<Row> in, StageContext context) {
        appliedAt = System.nanoTime();
        seeds = in;
        UsageAccumulator counted = usage = UsageAccumulator.register(context);
        ShippedConfig<SynthTemplate> shippedTemplate = ShippedConfig.of(template);
        Sampling sampling = config.sampling();
        long runSeed = context.seed();
        int limit = config.limit();
        TeacherPanel panel = TeacherPanel.of(config.teachers(), config.cacheDir(), context);
        Dataset<Row> marked = in.withColumn(APPLICABLE, applicable(template));
        Dataset<Row> ranked = limit == 0 ? marked.withColumn(RANK, functions.lit(0))
                : marked.withColumn(RANK, functions.row_number().over(Window.partitionBy(col(APPLICABLE))
                        .orderBy(col("educational_value").desc(), col("id"))))
                        .repartition(context.spark().sparkContext().defaultParallelism());
        return ranked.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> {
            SynthTemplate flow = shippedTemplate.get();
            List<Teacher> teachers = panel.shipped().isEmpty() ? List.of() : panel.open(counted);
            FlowRunner runner = new FlowRunner(flow, sampling, runSeed);
            return TeacherPanel.inBatches(rows, SEEDS_PER_BATCH, batch -> panel.map(batch, row -> {
                Seed seed = SparkRecords.fromRow(row, Seed.class);
                if (!row.getBoolean(row.fieldIndex(APPLICABLE))) {
                    return StageRows.row(unused(flow, seed), NOT_APPLICABLE);
                }
                if (limit > 0 && row.getInt(row.fieldIndex(RANK)) > limit) {
                    return StageRows.row(unused(flow, seed), OVER_LIMIT);
                }
                Teacher teacher = teachers.isEmpty() ? NoTeacher.INSTANCE
                        : member(teachers, seed.id() + "\u0000" + flow.name());
                Generation generation = runner.run(seed, teacher);
                return StageRows.row(generation.sample(), generation.dropReason());
            }));
        }, Encoders.row(StageRows.schema(SyntheticSample.class)));
    }

    @Override
    public void summarize(Dataset<Row> output, StageContext context) {
        double seconds = (System.nanoTime() - appliedAt) / 1e9;
        usage.report(seconds, context);
        if (template.revision().isPresent()) {
            SynthSummaries.revisionScores(output, context);
        }
        SampleLineage.report(output, seeds, Seed.class, context);
    }

    /**
     * Whether the template applies to a seed row (its kind and, when the template names them, its source class), as a
     * column: {@code limit} ranks the seeds it applies to, and the others are dropped as not applicable.
     */
    private static Column applicable(SynthTemplate template) {
        Column kind = col("kind").isin(template.seedKinds().stream().map(k -> k.name().toLowerCase(Locale.ROOT))
                .toArray());
        if (template.seedClasses().isEmpty()) {
            return kind;
        }
        return kind.and(col("source_class").isin(template.seedClasses().stream()
                .map(c -> c.name().toLowerCase(Locale.ROOT)).toArray()));
    }

    /** A seed the template was not run on, as a sample with no response, so the drop is visible with its seed. */
    private static SyntheticSample unused(SynthTemplate template, Seed seed) {
        return SyntheticSample.of(template.name(), List.of(Message.user(seed.text())), "", List.of(), List.of(),
                Map.of(), Validation.notRun(), Map.of("template", template.name(), "seed_id", seed.id(),
                        "seed_kind", seed.kind().name().toLowerCase(Locale.ROOT)), List.of(seed.id()));
    }

    /** Member {@code key} picks: the same key always goes to the same teacher. */
    private static Teacher member(List<Teacher> panel, String key) {
        return panel.get(Math.floorMod(Placeholders.hash(key), panel.size()));
    }
}

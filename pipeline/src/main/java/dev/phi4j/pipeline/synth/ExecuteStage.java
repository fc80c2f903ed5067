package dev.phi4j.pipeline.synth;

import dev.phi4j.core.sandbox.ExecutionResult;
import dev.phi4j.core.sandbox.Program;
import dev.phi4j.core.sandbox.Sandbox;
import dev.phi4j.core.sandbox.SandboxConfig;
import dev.phi4j.core.schema.SyntheticSample;
import dev.phi4j.core.schema.Validation;
import dev.phi4j.core.schema.ValidationStatus;
import dev.phi4j.pipeline.io.SparkRecords;
import dev.phi4j.pipeline.stage.Stage;
import dev.phi4j.pipeline.stage.StageContext;
import dev.phi4j.pipeline.stage.StageRows;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.util.DoubleAccumulator;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.apache.spark.sql.functions.col;

/**
 * Runs code samples (format {@code code}) in the {@link Sandbox}: program = the response's Python, then the seed's
 * tests and {@code check(entry_point)} when the seed had tests. The sample gets its {@link Validation}; a failed one is
 * dropped with the sandbox's reason ({@code test_failed}, {@code timeout}, {@code cpu_limit}, …), so the manifest
 * counts how generated code failed. Without tests, a reversal must still run, and be similar to the original code.
 */
final class ExecuteStage implements Stage {

    static final String NO_CODE = "no_code";
    static final String DISSIMILAR = "dissimilar_to_original";
    private static final Pattern FENCED = Pattern.compile("```(?:python|py)?[ \\t]*\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final int DETAIL_CHARS = 2000;

    private final ExecuteConfig config;
    private DoubleAccumulator sandboxSeconds;
    /** The samples read, for the records summarize lists. */
    private Dataset<Row> samples;

    ExecuteStage(ExecuteConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "execute";
    }

    @Override
    public Class<SyntheticSample> reads() {
        return SyntheticSample.class;
    }

    @Override
    public Class<SyntheticSample> writes() {
        return SyntheticSample.class;
    }

    @Override
    public Dataset<Row> apply(Dataset<Row> in, StageContext context) {
        samples = in;
        SandboxConfig limits = config.sandbox();
        double minSimilarity = config.minSimilarity();
        DoubleAccumulator seconds = sandboxSeconds = context.spark().sparkContext().doubleAccumulator("sandbox seconds");
        return in.map((MapFunction<Row, Row>) row -> validate(SparkRecords.fromRow(row, SyntheticSample.class),
                Sandboxes.of(limits), minSimilarity, seconds), Encoders.row(StageRows.schema(SyntheticSample.class)));
    }

    /**
     * The sample with its validation and its row's drop reason. How long the run took goes to {@code seconds}, not
     * into the row, so the same program gives the same row on every run.
     */
    static Row validate(SyntheticSample sample, Sandbox sandbox, double minSimilarity, DoubleAccumulator seconds) {
        if (!"code".equals(sample.metadata().get("format"))) {
            return StageRows.row(sample, null);
        }
        String code = code(sample.response());
        if (code.isBlank()) {
            return StageRows.row(with(sample, ValidationStatus.FAILED, "no Python code in the response", Map.of()),
                    NO_CODE);
        }
        String tests = sample.metadata().get("seed.test");
        String entryPoint = sample.metadata().get("seed.entry_point");
        boolean seedTests = tests != null && entryPoint != null;
        String program = seedTests ? code + "\n\n" + tests + "\n\ncheck(" + entryPoint + ")\n" : code;
        ExecutionResult result = sandbox.run(Program.python(program));
        seconds.add(result.seconds());
        Map<String, String> facts = new TreeMap<>(Map.of(
                "execute.outcome", result.reason(),
                "execute.tests", seedTests ? "seed" : "own",
                "execute.network_isolated", Boolean.toString(result.networkIsolated())));
        if (!result.passed()) {
            String detail = result.reason() + ": " + tail(result.stderr());
            return StageRows.row(with(sample, ValidationStatus.FAILED, detail, facts), result.reason());
        }
        String original = sample.metadata().get("seed_text");
        boolean reversal = !seedTests && "instruction_reversal".equals(sample.technique()) && original != null;
        if (reversal) {
            double similarity = similarity(code, original);
            facts.put("execute.similarity", String.format(java.util.Locale.ROOT, "%.3f", similarity));
            if (similarity < minSimilarity) {
                return StageRows.row(with(sample, ValidationStatus.FAILED, String.format(java.util.Locale.ROOT,
                        "ran, but identifier overlap with the original is %.3f < %.3f", similarity, minSimilarity),
                        facts), DISSIMILAR);
            }
        }
        return StageRows.row(with(sample, ValidationStatus.PASSED, seedTests ? "passed the seed's tests"
                : reversal ? "ran and matches the original" : "ran with its own asserts", facts), null);
    }

    /** The fenced Python blocks of a response joined, or the whole response when it has no fence. */
    static String code(String response) {
        Matcher fenced = FENCED.matcher(response);
        StringBuilder blocks = new StringBuilder();
        while (fenced.find()) {
            blocks.append(fenced.group(1)).append('\n');
        }
        return blocks.isEmpty() ? response : blocks.toString();
    }

    /** Jaccard overlap of the identifiers two programs use. */
    static double similarity(String a, String b) {
        Set<String> left = identifiers(a);
        Set<String> right = identifiers(b);
        if (left.isEmpty() && right.isEmpty()) {
            return 1;
        }
        Set<String> union = new HashSet<>(left);
        union.addAll(right);
        left.retainAll(right);
        return (double) left.size() / union.size();
    }

    private static Set<String> identifiers(String code) {
        Set<String> names = new HashSet<>();
        IDENTIFIER.matcher(code).results().forEach(match -> names.add(match.group()));
        return names;
    }

    private static SyntheticSample with(SyntheticSample sample, ValidationStatus status, String detail,
                                        Map<String, String> facts) {
        Map<String, String> metadata = new LinkedHashMap<>(sample.metadata());
        metadata.putAll(facts);
        return new SyntheticSample(sample.id(), sample.technique(), sample.prompt(), sample.response(), sample.calls(),
                sample.revisions(), sample.scores(), new Validation(status, detail), metadata, sample.lineage());
    }

    private static String tail(String text) {
        return text.length() <= DETAIL_CHARS ? text : "…" + text.substring(text.length() - DETAIL_CHARS);
    }

    @Override
    public void summarize(Dataset<Row> output, StageContext context) {
        Map<String, Long> outcomes = new TreeMap<>();
        for (Row row : output.groupBy(col("metadata").getItem("execute.outcome").as("outcome")).count()
                .collectAsList()) {
            outcomes.put(row.isNullAt(0) ? "not_code" : row.getString(0), row.getLong(1));
        }
        context.report("execute.outcomes", new Outcomes(outcomes, sandboxSeconds == null ? 0
                : Math.round(sandboxSeconds.sum() * 1000) / 1000.0, sandboxSeconds == null ? 0 : sandboxSeconds.count()));
        SampleLineage.report(output, samples, SyntheticSample.class, context);
    }

    /** Samples by outcome ({@code not_code} for those not run), and the sandbox's runs and seconds in this run. */
    record Outcomes(Map<String, Long> samples, double sandboxSeconds, long sandboxRuns) {}

    /** One sandbox per JVM and limits: it checks the machine's isolation once. */
    static final class Sandboxes {
        private static final Map<SandboxConfig, Sandbox> OPEN = new java.util.concurrent.ConcurrentHashMap<>();

        private Sandboxes() {}

        static Sandbox of(SandboxConfig config) {
            return OPEN.computeIfAbsent(config, Sandbox::new);
        }
    }
}

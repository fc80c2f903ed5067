package dev.phi4j.pipeline.stage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phi4j.core.io.Sha256;
import dev.phi4j.pipeline.io.SparkRecords;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.col;

/**
 * Runs one stage into a folder: the stage marks rows, the runner orders them by id into a fixed number of
 * partitions (so the same input gives the same files), persists them, tallies them in one pass, lets the stage add
 * its sections, writes kept and dropped rows, checks in = kept + dropped against what was written and returns the
 * manifest. The folder is a {@link dev.phi4j.core.io.BuildCache} build: the cache renames it into place and writes
 * the manifest last.
 */
public final class StageRunner {

    /** What the runner needs to know about the run as a whole. */
    public record RunSettings(String runName, long seed, int outputPartitions, boolean keepDropped, int examples) {}

    /** A stage ready to run: its position and name, its config's tag and hash, and what it reads. */
    public record Planned(int index, String name, Stage stage, String type, String configHash, JsonNode configValue,
                          List<StageInput> inputs, String identity) {}

    private static final int EXCERPT_CHARS = 300;
    private static final String RULE = "in = kept + dropped; kept and dropped as counted in the written Parquet files";
    private static final String EXPAND_RULE = "every input row is the parent of at least one output row; "
            + "out = kept + dropped; kept and dropped as counted in the written Parquet files";
    /** Manifest section of an expanding stage: input rows, how many of them yielded rows, rows yielded. */
    static final String EXPANSION = "stage.expansion";

    record Expansion(long inputRows, long inputRowsWithOutput, long outputRows) {}
    private static final String STAGE_OUTPUT = "stage_output";

    private final SparkSession spark;
    private final RunLayout layout;
    private final RunSettings settings;
    private final Configuration conf;

    public StageRunner(SparkSession spark, RunLayout layout, RunSettings settings) {
        this.spark = spark;
        this.layout = layout;
        this.settings = settings;
        this.conf = spark.sparkContext().hadoopConfiguration();
    }

    /** The identity of a stage run: its type, implementation version, config and input fingerprints. */
    public static String identity(String type, Stage stage, String configHash, List<StageInput> inputs) {
        StringBuilder text = new StringBuilder(type).append('\n').append(stage.version()).append('\n')
                .append(configHash);
        inputs.forEach(input -> text.append('\n').append(input.kind()).append(' ').append(input.name()).append(' ')
                .append(input.fingerprint()));
        return Sha256.tagged(text.toString());
    }

    /**
     * Runs {@code planned} into {@code tmpDir}; {@code inputs} are the manifests of the stages it reads (none for a
     * source stage), whose kept rows, unioned in this order, are its input.
     */
    public Manifest run(Planned planned, List<Manifest> inputs, RunningContext context, Path tmpDir) {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        Stage stage = planned.stage();
        String dirName = RunLayout.stageDirName(planned.index(), planned.name());
        StructType written = StageRows.schema(stage.writes());
        Map<String, Double> phases = new LinkedHashMap<>();
        try {
            FileSystem fs = tmpDir.getFileSystem(conf);
            Dataset<Row> input = input(stage, inputs);
            Dataset<Row> marked = requireSchema(stage.apply(input, context), stage, written);
            Dataset<Row> ordered = marked
                    .repartition(settings.outputPartitions(), col("id"))
                    .sortWithinPartitions(col("id"), col(Stage.DROP_REASON))
                    .persist(StorageLevel.MEMORY_AND_DISK());
            try {
                int examples = settings.examples();
                Tally.Columns columns = Tally.Columns.of(written);
                Tally tally = Tally.merge(ordered.mapPartitions(
                        (MapPartitionsFunction<Row, Tally>) rows -> Tally.ofPartition(rows, columns, examples,
                                EXCERPT_CHARS), Encoders.javaSerialization(Tally.class)).collectAsList(), examples);
                long t1 = lap(phases, "compute", t0);
                stage.summarize(ordered, context);
                long t2 = lap(phases, "summarize", t1);
                write(ordered.filter(col(Stage.DROP_REASON).isNull()).select(StageRows.columns(stage.writes())),
                        RunLayout.data(tmpDir));
                long t3 = lap(phases, "write_kept", t2);
                if (settings.keepDropped()) {
                    write(ordered.filter(col(Stage.DROP_REASON).isNotNull()), RunLayout.dropped(tmpDir));
                }
                long t4 = lap(phases, "write_dropped", t3);
                long parentsCovered = stage.kind() == Stage.Kind.EXPAND ? parentsCovered(stage, ordered, input) : -1;
                Manifest manifest = manifest(planned, inputs, context, tally, tmpDir, fs, parentsCovered);
                lap(phases, "verify", t4);
                if (!manifest.invariant().holds()) {
                    throw new IllegalStateException("stage " + dirName + " broke the accounting invariant "
                            + manifest.invariant() + "; its output is left in " + tmpDir + " for inspection");
                }
                return withTimings(manifest, started, phases, t0);
            } finally {
                ordered.unpersist();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("stage " + dirName + ": " + e.getMessage(), e);
        }
    }

    /** How many input rows are the parent of at least one output row of an expanding stage. */
    private static long parentsCovered(Stage stage, Dataset<Row> output, Dataset<Row> input) {
        Dataset<Row> parents = output.select(col(stage.parentColumn()).as("parent")).distinct();
        return parents.join(input.select(col("id")), parents.col("parent").equalTo(input.col("id")), "left_semi")
                .count();
    }

    /** The kept rows of {@code inputs} in their order; an input that kept nothing has no files to read. */
    private Dataset<Row> input(Stage stage, List<Manifest> inputs) {
        Dataset<Row> union = null;
        for (Manifest input : inputs) {
            if (input.counts().kept() > 0) {
                Path inputDir = new Path(layout.root(), input.stage().dir());
                Dataset<Row> rows = SparkRecords.read(spark, RunLayout.data(inputDir).toString(), stage.reads());
                union = union == null ? rows : union.union(rows);
            }
        }
        return union != null ? union : spark.createDataFrame(List.<Row>of(), SparkRecords.structType(stage.reads()));
    }

    private static Dataset<Row> requireSchema(Dataset<Row> marked, Stage stage, StructType schema) {
        for (StructField field : schema.fields()) {
            List<String> names = List.of(marked.schema().fieldNames());
            if (!names.contains(field.name())) {
                throw new IllegalStateException("stage " + stage.name() + " returned rows without column '"
                        + field.name() + "'; it has " + names);
            }
            if (!marked.schema().apply(field.name()).dataType().sameType(field.dataType())) {
                throw new IllegalStateException("stage " + stage.name() + " returned column '" + field.name()
                        + "' as " + marked.schema().apply(field.name()).dataType().simpleString() + ", not "
                        + field.dataType().simpleString());
            }
        }
        return marked.select(StageRows.columns(schema));
    }

    private static void write(Dataset<Row> rows, Path path) {
        rows.write().mode(SaveMode.ErrorIfExists).parquet(path.toString());
    }

    private Manifest manifest(Planned planned, List<Manifest> readFrom, RunningContext context, Tally tally,
                              Path tmpDir, FileSystem fs, long parentsCovered) throws IOException {
        Stage stage = planned.stage();
        Tally.Cell kept = tally.total(Tally.KEPT::equals);
        Tally.Cell dropped = tally.total(outcome -> !Tally.KEPT.equals(outcome));
        Map<String, Long> droppedRows = new TreeMap<>();
        Map<String, Long> droppedChars = new TreeMap<>();
        Map<String, Manifest.Counts> byClass = new TreeMap<>();
        tally.cells().forEach((sourceClass, outcomes) -> {
            Map<String, Long> classDropped = new TreeMap<>();
            long classKept = 0;
            long classIn = 0;
            for (Map.Entry<String, Tally.Cell> entry : outcomes.entrySet()) {
                long rows = entry.getValue().rows();
                classIn += rows;
                if (Tally.KEPT.equals(entry.getKey())) {
                    classKept = rows;
                } else {
                    classDropped.merge(entry.getKey(), rows, Long::sum);
                    droppedRows.merge(entry.getKey(), rows, Long::sum);
                    droppedChars.merge(entry.getKey(), entry.getValue().chars(), Long::sum);
                }
            }
            byClass.put(sourceClass, new Manifest.Counts(classIn, classKept, classIn - classKept, classDropped));
        });
        long inputRows = readFrom.stream().mapToLong(input -> input.counts().kept()).sum();
        boolean countsOwnRows = stage.kind() != Stage.Kind.TRANSFORM;
        long in = countsOwnRows ? kept.rows() + dropped.rows() : inputRows;
        long charsIn = countsOwnRows ? kept.chars() + dropped.chars()
                : readFrom.stream().mapToLong(input -> input.chars().kept()).sum();
        boolean expand = stage.kind() == Stage.Kind.EXPAND;

        Manifest.Output keptOutput = output(fs, RunLayout.data(tmpDir), RunLayout.DATA, kept);
        Manifest.Output droppedOutput = settings.keepDropped()
                ? output(fs, RunLayout.dropped(tmpDir), RunLayout.DROPPED, dropped) : null;
        long droppedWritten = droppedOutput == null ? 0 : droppedOutput.rows();
        boolean holds = in == kept.rows() + dropped.rows() && keptOutput.rows() == kept.rows()
                && droppedWritten == (settings.keepDropped() ? dropped.rows() : 0)
                && (!expand || parentsCovered == inputRows);

        List<StageInput> inputs = new ArrayList<>(readFrom.stream().map(StageRunner::stageOutput).toList());
        inputs.addAll(planned.inputs().stream().filter(i -> !STAGE_OUTPUT.equals(i.kind())).toList());

        Map<String, List<Manifest.Example>> examples = new TreeMap<>();
        tally.samples().forEach((outcome, samples) -> examples.put(outcome, samples.stream()
                .map(s -> new Manifest.Example(s.id(), s.sourceClass(), s.originUri(), s.chars(), s.excerpt(),
                        s.metadata())).toList()));

        Map<String, JsonNode> sections = new LinkedHashMap<>();
        if (expand) {
            sections.put(EXPANSION, ManifestJson.tree(new Expansion(inputRows, parentsCovered, in)));
        }
        context.reported().forEach((name, value) -> sections.put(name, ManifestJson.tree(value)));

        return new Manifest(Manifest.FORMAT, Manifest.VERSION, settings.runName(),
                new Manifest.StageInfo(planned.index(), planned.name(), planned.type(),
                        stage.kind().name().toLowerCase(java.util.Locale.ROOT),
                        RunLayout.stageDirName(planned.index(), planned.name()), stage.version()),
                new Manifest.ConfigInfo(planned.configHash(), planned.configValue()),
                inputs, planned.identity(),
                new Manifest.Counts(in, kept.rows(), dropped.rows(), droppedRows),
                new Manifest.Counts(charsIn, kept.chars(), dropped.chars(), droppedChars),
                byClass,
                new Manifest.Outputs(keptOutput, droppedOutput),
                new Manifest.Invariant(expand ? EXPAND_RULE : RULE, holds, in, kept.rows(), dropped.rows(),
                        keptOutput.rows(), droppedWritten),
                null, examples, sections,
                new Manifest.Environment(spark.version(), spark.sparkContext().master(),
                        spark.sparkContext().defaultParallelism(), settings.outputPartitions(),
                        System.getProperty("java.version")));
    }

    /** The kept rows of a finished stage, as the input of a stage reading it. */
    public static StageInput stageOutput(Manifest manifest) {
        Manifest.Output kept = manifest.outputs().kept();
        return new StageInput(STAGE_OUTPUT, manifest.stage().dir(), manifest.stage().dir() + "/" + RunLayout.DATA,
                kept.files(), kept.bytes(), kept.fingerprint());
    }

    private Manifest.Output output(FileSystem fs, Path dir, String name, Tally.Cell cell) throws IOException {
        long rows = 0;
        long files = 0;
        long bytes = 0;
        for (FileStatus status : fs.listStatus(dir, path -> path.getName().endsWith(".parquet"))) {
            try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromStatus(status, conf))) {
                rows += reader.getRecordCount();
            }
            files++;
            bytes += status.getLen();
        }
        return new Manifest.Output(name, rows, files, bytes, Tally.fingerprint(cell));
    }

    private static Manifest withTimings(Manifest m, Instant started, Map<String, Double> phases, long t0) {
        Manifest.Timings timings = new Manifest.Timings(started.toString(), Instant.now().toString(),
                (System.nanoTime() - t0) / 1e9, phases);
        return new Manifest(m.format(), m.version(), m.run(), m.stage(), m.config(), m.inputs(), m.identity(),
                m.counts(), m.chars(), m.bySourceClass(), m.outputs(), m.invariant(), timings, m.examples(),
                m.sections(), m.environment());
    }

    private static long lap(Map<String, Double> phases, String phase, long since) {
        long now = System.nanoTime();
        phases.put(phase, Math.round((now - since) / 1e6) / 1e3);
        return now;
    }
}

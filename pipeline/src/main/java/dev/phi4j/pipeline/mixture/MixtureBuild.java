package dev.phi4j.pipeline.mixture;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.phi4j.core.config.RecordTrees;
import dev.phi4j.core.config.Variant;
import dev.phi4j.core.io.BuildCache;
import dev.phi4j.core.io.Sha256;
import dev.phi4j.core.shard.ShardSet;
import dev.phi4j.pipeline.stage.Manifest;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the sets of a mixture config, each into its own folder:
 * <pre>
 * MIXTURES/                     (output_dir, default RUN_DIR/mixtures of the inputs' run)
 *   _tokenized/&lt;key&gt;/         the input stages' documents as token ids (+ _profile.json), shared by the sets
 *   pretrain/
 *     shards/                   a core.shard set: manifest.json, train-00000.bin …, validation-00000.bin
 *     sequences/                Parquet: split, file, row, ids, copies, document_starts of every packed row
 *     _mixture.json             written last: the set is finished exactly when it exists
 *   midtrain/ sft/ dpo/ …
 *   _tmp/                       sets being written, renamed into place when complete
 * </pre>
 * A set whose manifest has the same identity (set config, seed, tokenizer, input fingerprint, builder version) is
 * reused; any other is rebuilt from scratch, so a killed build continues where it stopped.
 */
public final class MixtureBuild {

    public static final String SHARDS = "shards";
    public static final String SEQUENCES = "sequences";
    /** Bumped when a builder's output changes for the same config, so finished sets are rebuilt. */
    static final int BUILDER_VERSION = 1;

    /** A set as built (or found built) and whether it was reused. */
    public record Outcome(MixtureManifest manifest, Path dir, boolean reused) {}

    private static final YAMLMapper YAML = new YAMLMapper();

    private final MixtureConfig config;
    private final PrintStream log;

    public MixtureBuild(MixtureConfig config, PrintStream log) {
        this.config = config;
        this.log = log;
    }

    public Path mixturesDir() {
        return new Path(config.mixturesDir());
    }

    public List<Outcome> run(SparkSession spark) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        TokenizerSpec tokenizer = TokenizerSpec.of(config.tokenizer());
        Optional<MixtureInputs> inputs = config.sets().stream().anyMatch(MixtureSetConfig::readsDocuments)
                ? Optional.of(MixtureInputs.resolve(config.inputs(), conf))
                : Optional.empty();
        inputs.ifPresent(in -> {
            if (in.documents() == 0) {
                throw new IllegalArgumentException(in.location() + " kept no documents: nothing to mix");
            }
        });
        Documents documents = new Documents(spark, inputs, tokenizer);
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < config.sets().size(); i++) {
            MixtureSetConfig set = config.sets().get(i);
            String label = String.format("[%d/%d] %-9s", i + 1, config.sets().size(), set.name());
            String yaml = "kind: " + kind(set) + "\n" + RecordTrees.toYaml((Record) set, Map.of());
            String inputFingerprint = set.readsDocuments() ? inputs.get().fingerprint() : inputFingerprint(set, conf);
            String identity = Sha256.tagged("mixture set v" + BUILDER_VERSION + "\n" + yaml + "\nseed " + config.seed()
                    + "\ntokenizer " + tokenizer.fingerprint() + "\ninput " + inputFingerprint);
            Path dir = new Path(mixturesDir(), set.name());
            try {
                BuildCache.Outcome<MixtureManifest> outcome = BuildCache.reuseOrBuild(dir, identity,
                        MixtureManifest.MARKER, conf, (tmp, outdated) -> {
                            outdated.ifPresent(m -> log.printf("%s config, tokenizer or input changed since %s was "
                                    + "built; building it again%n", label, dir));
                            return build(set, yaml, identity, new SetContext(spark, tmp, config.seed(), tokenizer,
                                    log, new Phases()), documents, label);
                        });
                if (outcome.reused()) {
                    log.printf("%s up to date, reusing %s%n", label, dir);
                } else {
                    log.printf("%s %s%n", label, summary(outcome.record()));
                    for (String note : outcome.record().notes()) {
                        log.printf("      note       %s%n", note);
                    }
                }
                outcomes.add(new Outcome(outcome.record(), dir, outcome.reused()));
            } catch (IOException e) {
                throw new UncheckedIOException("set " + set.name() + ": " + e.getMessage(), e);
            }
        }
        return outcomes;
    }

    /** Builds {@code set} into the context's folder and returns its manifest. */
    private MixtureManifest build(MixtureSetConfig set, String yaml, String identity, SetContext context,
                                  Documents documents, String label) throws IOException {
        String kind = kind(set);
        log.printf("%s building (%s, seq_len %,d)%n", label, kind, set.seqLen());
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        BuiltSet built;
        if (set.readsDocuments()) {
            documents.prepare(context);
            built = PretrainBuilder.build(PretrainBuilder.settings(set), documents.tokenized, documents.inputs.get(),
                    documents.profile, context);
        } else if (set instanceof SftSetConfig sft) {
            built = PostTrainingBuilder.sft(sft, context);
        } else {
            built = PostTrainingBuilder.dpo((DpoSetConfig) set, context);
        }
        verify(context.setDir(), built.shards(), context.conf());
        context.phases().lap("verify");
        SparkSession spark = context.spark();
        TokenizerSpec tokenizer = context.tokenizer();
        return new MixtureManifest(MixtureManifest.FORMAT, MixtureManifest.VERSION, set.name(), kind, identity,
                new Manifest.ConfigInfo(Sha256.tagged(yaml), YAML.readTree(yaml)), built.inputs(),
                new MixtureManifest.TokenizerInfo(tokenizer.name(), tokenizer.fingerprint(), tokenizer.vocabSize()),
                built.shards(), built.counts(), built.notes(), built.sections(),
                new Manifest.Timings(started.toString(), Instant.now().toString(),
                        (System.nanoTime() - t0) / 1e9, context.phases().seconds()),
                new Manifest.Environment(spark.version(), spark.sparkContext().master(),
                        spark.sparkContext().defaultParallelism(), built.shards().splits().values().stream()
                        .mapToInt(s -> (int) s.files()).sum(), System.getProperty("java.version")));
    }

    /** The input stages' documents, tokenized and profiled once per build when the first set that reads them runs. */
    private final class Documents {
        private final SparkSession spark;
        private final Optional<MixtureInputs> inputs;
        private final TokenizerSpec tokenizer;
        private Tokenization.Cached tokenized;
        private CorpusProfile profile;

        Documents(SparkSession spark, Optional<MixtureInputs> inputs, TokenizerSpec tokenizer) {
            this.spark = spark;
            this.inputs = inputs;
            this.tokenizer = tokenizer;
        }

        void prepare(SetContext context) {
            if (tokenized == null) {
                tokenized = Tokenization.cached(spark, config.mixturesDir(), inputs.get(), tokenizer, log);
                context.phases().lap(tokenized.reused() ? "tokenize (reused)" : "tokenize");
                profile = CorpusProfile.cached(tokenized, inputs.get(), config.profile(), context);
                context.phases().lap("profile");
            }
        }
    }

    static String kind(MixtureSetConfig set) {
        return set.getClass().getAnnotation(Variant.class).value();
    }

    private static String inputFingerprint(MixtureSetConfig set, Configuration conf) {
        if (set instanceof SftSetConfig sft) {
            return InputFiles.list(sft.paths(), sft.format(), conf).fingerprint();
        }
        DpoSetConfig dpo = (DpoSetConfig) set;
        return InputFiles.list(dpo.paths(), dpo.format(), conf).fingerprint();
    }

    /**
     * On a local file system the finished set is opened the way the trainer opens it ({@link ShardSet}), checking
     * every shard's header and size against the manifest; elsewhere the shards are checked where they are read.
     */
    private static void verify(Path dir, MixtureManifest.Shards written, Configuration conf) throws IOException {
        FileSystem fs = dir.getFileSystem(conf);
        if (!(fs instanceof LocalFileSystem)) {
            return;
        }
        java.nio.file.Path local = new File(fs.makeQualified(new Path(dir, SHARDS)).toUri()).toPath();
        ShardSet shards = ShardSet.open(local);
        written.splits().forEach((split, info) -> {
            long rows = shards.hasSplit(split) ? shards.split(split).size() : 0;
            if (rows != info.sequences()) {
                throw new IllegalStateException(local + ": split " + split + " has " + rows + " rows, the packers "
                        + "reported " + info.sequences());
            }
        });
    }

    public static String summary(MixtureManifest manifest) {
        Map<String, String> splits = new LinkedHashMap<>();
        manifest.shards().splits().forEach((split, info) -> splits.put(split, String.format(Locale.ROOT,
                "%,d rows", info.sequences())));
        return String.format(Locale.ROOT, "%,d in → %,d kept, %,d dropped%s; %s in %.1f s", manifest.counts().in(),
                manifest.counts().kept(), manifest.counts().dropped(), manifest.counts().droppedByReason().isEmpty()
                        ? "" : " " + manifest.counts().droppedByReason(), splits, manifest.timings().seconds());
    }
}

package dev.phi4j.pipeline.decontam;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.phi4j.core.schema.Document;
import dev.phi4j.pipeline.stage.Stage;
import dev.phi4j.pipeline.stage.StageContext;
import dev.phi4j.pipeline.stage.StageInput;
import dev.phi4j.pipeline.stage.StageInputs;
import dev.phi4j.pipeline.stage.StageRows;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructType;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

/**
 * Marks every document clean, partially contaminated or contaminated against the configured benchmarks and drops
 * or cuts as configured. The benchmark items are read and indexed on the driver; their hashed n-grams are broadcast
 * and each executor judges its documents alone: the corpus is never collected. Flagged documents carry the verdict
 * in their metadata ({@code decontam.status}, {@code .benchmark}, {@code .item}, {@code .rule}, {@code .ratio},
 * {@code .span}); the manifest gets a hits table per benchmark.
 *
 * <p>The verdict names one item, but a document may quote several; {@code decontam.items} lists every item it hits
 * at partial level or worse, as compact JSON from benchmark name to item id to status ({@code contaminated} or
 * {@code partial}), benchmarks in config order and items in file order:
 * {@code {"gsm8k":{"3":"contaminated","17":"partial"}}}. From these the manifest's {@code decontam.items} section
 * gives the status of every benchmark item, so that an evaluation can score clean items alone.
 */
public final class DecontamStage implements Stage {

    public static final String CONTAMINATED = "contaminated";
    public static final String PARTIAL = "partially_contaminated";
    static final String PREFIX = "decontam.";

    /** What was indexed for one benchmark. */
    public record IndexSummary(String benchmark, String path, long items, long ngrams, long allowed,
                               long overlapNgrams) {}

    /** Hits of one benchmark: documents flagged by status and rule, items hit, and the items hit most. */
    public record Hits(String benchmark, long items, long contaminatedDocuments, long partialDocuments,
                       Map<String, Long> byRule, long itemsHit, List<ItemHit> topItems) {}

    public record ItemHit(String item, long documents, String exampleOrigin, String exampleSpan) {}

    /** What one matcher flagged on its own: documents, distinct items, and the items it hit most. */
    public record MatcherHits(long documents, long itemsHit, List<ItemHit> topItems) {}

    /**
     * The items of one benchmark by their worst status over the documents that hit them: {@code flagged} by item
     * id, every other item is clean. {@code idField} is null when items are numbered 1, 2, … in file order.
     */
    public record ItemStatuses(String path, String format, String idField, long items, long contaminated,
                               long partial, long clean, Map<String, FlaggedItem> flagged) {}

    /** A flagged item: its worst status, the documents that hit it, and how many of those stay in training data. */
    public record FlaggedItem(String status, long documents, long keptDocuments) {}

    private static final ObjectMapper COMPACT_JSON = new ObjectMapper();
    private static final MapType ITEMS_JSON = DataTypes.createMapType(DataTypes.StringType,
            DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType));

    private final DecontamConfig config;
    /** Item ids of each benchmark in file order, read by {@link #apply} for {@link #summarize}. */
    private final Map<String, List<String>> benchmarkItemIds = new LinkedHashMap<>();

    DecontamStage(DecontamConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "decontam";
    }

    /**
     * 2: every item a document hits is recorded, so runs made before must redo the stage to get that record. 3: the
     * matchers (n-gram hashes changed, {@code decontam.matchers} and the manifest's per-matcher hits added).
     */
    @Override
    public int version() {
        return 3;
    }

    @Override
    public Class<Document> reads() {
        return Document.class;
    }

    @Override
    public Class<Document> writes() {
        return Document.class;
    }

    @Override
    public List<StageInput> inputs(StageContext context) {
        List<StageInput> inputs = new ArrayList<>();
        for (BenchmarkConfig benchmark : config.benchmarks()) {
            inputs.add(StageInputs.files("benchmark", benchmark.name(), benchmark.path(),
                    context.spark().sparkContext().hadoopConfiguration()));
        }
        for (BenchmarkConfig reference : config.allowList()) {
            inputs.add(StageInputs.files("allow_list", reference.name(), reference.path(),
                    context.spark().sparkContext().hadoopConfiguration()));
        }
        return inputs;
    }

    @Override
    public Dataset<Row> apply(Dataset<Row> in, StageContext context) {
        SparkSession spark = context.spark();
        Index index = index(spark);
        context.report("decontam.index", index.summary());
        benchmarkItemIds.putAll(index.benchmarkItemIds());
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<Matcher> shared = jsc.broadcast(index.matcher());
        String[] benchmarks = index.benchmarkOfItem();
        String[] ids = index.itemIds();
        DecontamConfig.Action action = config.action();
        DecontamConfig.Action partialAction = config.partialAction();
        int minChars = config.minCharsAfterCut();
        // Clean rows (nearly all) stay in Spark's own row format: only the text column is handed to the matcher, as
        // the UTF-8 bytes Spark holds (a cast to binary copies them; a Java string would decode them). Just the
        // flagged rows are judged again, with spans, from the columns a verdict reads (the bytes, metadata, what a
        // cut document's new id is made of), returning the columns it changes. The flag is
        // nondeterministic so that Spark computes it once per row instead of inlining it into each use.
        Column utf8 = col("text").cast(DataTypes.BinaryType);
        UserDefinedFunction flagged = udf((UDF1<byte[], Boolean>) bytes -> shared.value().status(bytes, 0,
                bytes.length) != Matcher.Status.CLEAN, DataTypes.BooleanType).asNondeterministic();
        UserDefinedFunction rewrite = udf((UDF1<Row, Row>) row -> {
            byte[] bytes = (byte[]) row.get(0);
            return rewritten(bytes, row.getJavaMap(1), row.getString(2), row.getString(3), shared.value().match(bytes),
                    benchmarks, ids, action, partialAction, minChars);
        }, REWRITTEN).asNondeterministic();
        Dataset<Row> judged = StageRows.withReason(in)
                .withColumn(FLAGGED, flagged.apply(utf8))
                .withColumn(ROW, when(col(FLAGGED), rewrite.apply(struct(utf8, col("metadata"), col("source"),
                        col("origin_uri")))));
        Column isFlagged = col(FLAGGED);
        Column verdict = col(ROW);
        Column cutText = verdict.getField("text");
        Map<String, Column> changed = Map.of(
                "id", when(isFlagged, coalesce(verdict.getField("id"), col("id"))).otherwise(col("id")),
                "text", when(isFlagged, coalesce(cutText, col("text"))).otherwise(col("text")),
                "metadata", when(isFlagged, verdict.getField("metadata")).otherwise(col("metadata")),
                "lineage", when(isFlagged.and(cutText.isNotNull()), concat(col("lineage"), array(col("id"))))
                        .otherwise(col("lineage")),
                Stage.DROP_REASON, when(isFlagged, verdict.getField("reason")).otherwise(col(Stage.DROP_REASON)));
        Column[] columns = java.util.Arrays.stream(StageRows.SCHEMA.fieldNames())
                .map(name -> changed.getOrDefault(name, col(name)).as(name))
                .toArray(Column[]::new);
        return judged.select(columns);
    }

    /**
     * What the rewrite of a flagged row returns: the new metadata and drop reason, and for a cut document its new
     * text and id (null when the text stays).
     */
    private static final StructType REWRITTEN = new StructType()
            .add("text", DataTypes.StringType, true)
            .add("id", DataTypes.StringType, true)
            .add("metadata", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), false)
            .add("reason", DataTypes.StringType, true);

    private static final String FLAGGED = "_decontam_flagged";
    private static final String ROW = "_decontam_row";

    /**
     * The configured matchers as a plain function, text → the rule that makes it contaminated ({@code 13gram},
     * {@code 7gram}, {@code normalized}, {@code sentences}) or null: for benchmarks of the matching itself.
     */
    public java.util.function.Function<String, String> judge(SparkSession spark) {
        Matcher matcher = matcher(spark);
        return text -> {
            Matcher.Result result = matcher.match(text);
            return result.status() == Matcher.Status.CONTAMINATED ? result.rule() : null;
        };
    }

    /**
     * As {@link #judge}, on a text's UTF-8 bytes, the form the stage's pass reads: whether the text is contaminated.
     */
    public java.util.function.Predicate<byte[]> contaminated(SparkSession spark) {
        Matcher matcher = matcher(spark);
        return utf8 -> matcher.status(utf8, 0, utf8.length) == Matcher.Status.CONTAMINATED;
    }

    /** The configured matchers over the benchmarks, built on the driver. */
    Matcher matcher(SparkSession spark) {
        return index(spark).matcher();
    }

    /**
     * What the driver builds from the benchmarks: the matcher, each item's benchmark and id (by item index), each
     * benchmark's item ids in file order, and the manifest's {@code decontam.index} section.
     */
    private record Index(Matcher matcher, String[] benchmarkOfItem, String[] itemIds,
                         Map<String, List<String>> benchmarkItemIds, Map<String, Object> summary) {}

    /**
     * Indexes built in this JVM, by the settings they are built from and the fingerprints (paths, sizes, modification
     * times) of the benchmark and allow-list files. Reading the benchmarks and scanning the allow-list takes the driver 1–3 s, as
     * long as the rest of the stage on 200 MB; a pipeline decontaminating twice against the same benchmarks (the
     * documents, then the synthetic data) or a re-run in the same JVM builds it once. The few most recent are kept.
     */
    private static final Map<String, Index> INDEXES = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(8, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Index> eldest) {
                    return size() > 4;
                }
            });

    /** Forgets every index built so far: for benchmarks timing the build. */
    public static void forgetIndexes() {
        INDEXES.clear();
    }

    private Index index(SparkSession spark) {
        StringBuilder key = new StringBuilder(List.of(config.benchmarks(), config.allowList(),
                config.allowListMinItems(), config.ngram(), config.overlapNgram(), config.contaminatedRatio(),
                config.partialRatio(), config.matchers(), config.normalized(), config.sentences()).toString());
        for (BenchmarkConfig benchmark : config.benchmarks()) {
            key.append('\n').append(StageInputs.files("benchmark", benchmark.name(), benchmark.path(),
                    spark.sparkContext().hadoopConfiguration()).fingerprint());
        }
        for (BenchmarkConfig reference : config.allowList()) {
            key.append('\n').append(StageInputs.files("allow_list", reference.name(), reference.path(),
                    spark.sparkContext().hadoopConfiguration()).fingerprint());
        }
        Index cached = INDEXES.get(key.toString());
        if (cached != null) {
            return cached;
        }
        Index built = build(spark);
        INDEXES.put(key.toString(), built);
        return built;
    }

    /** Reads and indexes the benchmarks on the driver. */
    private Index build(SparkSession spark) {
        Map<String, List<String>> benchmarkItemIds = new LinkedHashMap<>();
        List<String> benchmarkOfItem = new ArrayList<>();
        List<String> itemIds = new ArrayList<>();
        List<Tokens> itemTokens = new ArrayList<>();
        List<long[]> longGrams = new ArrayList<>();
        List<long[]> overlapGrams = new ArrayList<>();
        List<IndexSummary> summaries = new ArrayList<>();
        for (BenchmarkConfig benchmark : config.benchmarks()) {
            List<Row> items = BenchmarkItems.read(spark, benchmark, true).collectAsList();
            benchmarkItemIds.put(benchmark.name(), uniqueIds(benchmark, items));
            Set<Long> distinctLong = new HashSet<>();
            Set<Long> distinctOverlap = new HashSet<>();
            for (Row item : items) {
                Tokens words = new Tokens().scan(item.getString(1));
                long[] grams = Grams.distinct(words, Grams.View.WORDS, config.ngram(), false);
                long[] overlap = Grams.distinct(words, Grams.View.WORDS, config.overlapNgram(), false);
                benchmarkOfItem.add(benchmark.name());
                itemIds.add(item.getString(0));
                itemTokens.add(words);
                longGrams.add(grams);
                overlapGrams.add(overlap);
                for (long gram : grams) {
                    distinctLong.add(gram);
                }
                for (long gram : overlap) {
                    distinctOverlap.add(gram);
                }
            }
            summaries.add(new IndexSummary(benchmark.name(), benchmark.path(), items.size(), distinctLong.size(), 0,
                    distinctOverlap.size()));
        }
        Set<Long> allowed = allowed(spark, longGrams);
        List<IndexSummary> withAllowed = new ArrayList<>();
        for (IndexSummary summary : summaries) {
            long allowedHere = 0;
            Set<Long> seen = new HashSet<>();
            for (int i = 0; i < longGrams.size(); i++) {
                if (benchmarkOfItem.get(i).equals(summary.benchmark())) {
                    for (long gram : longGrams.get(i)) {
                        if (seen.add(gram) && allowed.contains(gram)) {
                            allowedHere++;
                        }
                    }
                }
            }
            withAllowed.add(new IndexSummary(summary.benchmark(), summary.path(), summary.items(), summary.ngrams(),
                    allowedHere, summary.overlapNgrams()));
        }
        MatcherIndex index = MatcherIndex.build(config, itemTokens, longGrams, overlapGrams, allowed);
        Map<String, Object> indexSection = new LinkedHashMap<>();
        indexSection.put("benchmarks", withAllowed);
        indexSection.put("allow_list", config.allowList().stream().map(BenchmarkConfig::name).toList());
        indexSection.put("ngram", config.ngram());
        indexSection.put("overlap_ngram", config.overlapNgram());
        indexSection.put("contaminated_ratio", config.contaminatedRatio());
        indexSection.put("partial_ratio", config.partialRatio());
        indexSection.put("matchers", index.summary());
        return new Index(index.matcher(), benchmarkOfItem.toArray(String[]::new), itemIds.toArray(String[]::new),
                java.util.Collections.unmodifiableMap(benchmarkItemIds),
                java.util.Collections.unmodifiableMap(indexSection));
    }

    /**
     * The {@link #REWRITTEN} row of a flagged document: its verdict added to its metadata, then kept, cut (spans
     * removed, a new id; its old id joins the lineage) or dropped as configured for its status.
     */
    private static Row rewritten(byte[] utf8, Map<String, String> metadata, String source, String originUri,
                                 Matcher.Result result, String[] benchmarks, String[] ids,
                                 DecontamConfig.Action action, DecontamConfig.Action partialAction, int minChars) {
        Map<String, String> updated = new TreeMap<>(metadata);
        if (result.status() == Matcher.Status.CLEAN) {
            return RowFactory.create(null, null, updated, null);
        }
        boolean contaminated = result.status() == Matcher.Status.CONTAMINATED;
        updated.put(PREFIX + "status", label(result.status()));
        updated.put(PREFIX + "rule", result.rule());
        updated.put(PREFIX + "benchmark", benchmarks[result.item()]);
        updated.put(PREFIX + "item", ids[result.item()]);
        updated.put(PREFIX + "ratio", threeDecimals(result.ratio()));
        if (!result.spans().isEmpty()) {
            updated.put(PREFIX + "span", excerpt(utf8, result.spans().get(0)));
        }
        updated.put(PREFIX + "items", itemsJson(result.items(), benchmarks, ids));
        updated.put(PREFIX + "matchers", matchersJson(result.hits(), utf8, benchmarks, ids));
        DecontamConfig.Action chosen = contaminated ? action : partialAction;
        if (chosen == DecontamConfig.Action.KEEP) {
            return RowFactory.create(null, null, updated, null);
        }
        if (chosen == DecontamConfig.Action.CUT) {
            String text = new String(utf8, StandardCharsets.UTF_8);
            String rest = Matcher.cut(utf8, result.spans());
            updated.put(PREFIX + "cut_chars", Integer.toString(text.length() - rest.length()));
            if (rest.length() >= minChars) {
                return rest.equals(text) ? RowFactory.create(null, null, updated, null)
                        : RowFactory.create(rest, StageRows.rewrittenId(source, originUri, rest), updated,
                        null);
            }
        }
        // the stage's rows all come in kept (StageRows.withReason): the reason is set once, with the verdict
        return RowFactory.create(null, null, updated, contaminated ? CONTAMINATED : PARTIAL);
    }

    /** The text of a byte span of {@code utf8}, as {@code decontam.span} quotes it. */
    private static String excerpt(byte[] utf8, int[] span) {
        return StageRows.excerpt(new String(utf8, span[0], span[1] - span[0], StandardCharsets.UTF_8), 300);
    }

    /**
     * {@code value} with three decimals, as {@code String.format(Locale.ROOT, "%.3f", value)} writes it, at a tenth
     * of its cost (the formatter was a tenth of the work on a flagged document): rounding the thousandths as an
     * integer gives the formatter's digits unless they lie within a hair of a half, where the formatter is asked.
     */
    static String threeDecimals(double value) {
        double thousandths = value * 1000;
        double whole = Math.floor(thousandths);
        double fraction = thousandths - whole;
        if (value >= 0 && value < 1e6 && Math.abs(fraction - 0.5) > 1e-6) {
            long rounded = (long) whole + (fraction > 0.5 ? 1 : 0);
            long decimals = rounded % 1000;
            return (rounded / 1000) + (decimals < 10 ? ".00" : decimals < 100 ? ".0" : ".") + decimals;
        }
        return String.format(Locale.ROOT, "%.3f", value);
    }

    /** Metadata and manifest name of a status. */
    private static String label(Matcher.Status status) {
        return status == Matcher.Status.CONTAMINATED ? "contaminated" : "partial";
    }

    /** {@code items} (item index → status) as the compact JSON of {@code decontam.items}. */
    private static String itemsJson(Map<Integer, Matcher.Status> items, String[] benchmarks, String[] ids) {
        Map<String, Map<String, String>> byBenchmark = new LinkedHashMap<>();
        items.forEach((item, status) -> byBenchmark.computeIfAbsent(benchmarks[item], b -> new LinkedHashMap<>())
                .put(ids[item], label(status)));
        try {
            return COMPACT_JSON.writeValueAsString(byBenchmark);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Each flagging matcher's own hit as compact JSON for {@code decontam.matchers}: matcher → {benchmark, item, score,
     * span (the first overlapping span, as {@code decontam.span})}, matchers in config order.
     */
    private static String matchersJson(List<Matcher.Hit> hits, byte[] utf8, String[] benchmarks, String[] ids) {
        Map<String, Map<String, String>> byMatcher = new LinkedHashMap<>();
        for (Matcher.Hit hit : hits) {
            Map<String, String> entry = new LinkedHashMap<>();
            entry.put("benchmark", benchmarks[hit.item()]);
            entry.put("item", ids[hit.item()]);
            entry.put("score", threeDecimals(hit.score()));
            if (!hit.spans().isEmpty()) {
                entry.put("span", excerpt(utf8, hit.spans().get(0)));
            }
            byMatcher.put(hit.matcher(), entry);
        }
        try {
            return COMPACT_JSON.writeValueAsString(byMatcher);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The ids of a benchmark's items; an id field that leaves an item unnamed or names two alike is refused, since
     * the evaluation tells items apart by id.
     */
    private static List<String> uniqueIds(BenchmarkConfig benchmark, List<Row> items) {
        List<String> ids = new ArrayList<>(items.size());
        items.forEach(item -> ids.add(item.getString(0)));
        if (benchmark.itemIdField().isEmpty()) {
            return ids;
        }
        String field = benchmark.itemIdField().get();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            if (id == null) {
                throw new IllegalArgumentException("benchmark '" + benchmark.name() + "' (" + benchmark.path()
                        + "): item " + (i + 1) + " has no '" + field + "'; every item needs an id, or leave "
                        + "id_field out to number items by position");
            }
            if (!seen.add(id)) {
                throw new IllegalArgumentException("benchmark '" + benchmark.name() + "' (" + benchmark.path()
                        + "): two items have '" + field + "' = '" + id + "'; id_field must name each item uniquely, "
                        + "or leave it out to number items by position");
            }
        }
        return ids;
    }

    /**
     * 13-grams of the benchmarks that also occur in at least {@code allow_list_min_items} items of the allow-list
     * corpora. Only benchmark 13-grams are looked for (broadcast), so a large reference corpus is scanned on the
     * executors and just the common benchmark 13-grams come back.
     */
    private Set<Long> allowed(SparkSession spark, List<long[]> longGrams) {
        if (config.allowList().isEmpty()) {
            return Set.of();
        }
        Set<Long> benchmarkGrams = new HashSet<>();
        longGrams.forEach(grams -> {
            for (long gram : grams) {
                benchmarkGrams.add(gram);
            }
        });
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<Set<Long>> wanted = jsc.broadcast(benchmarkGrams);
        int n = config.ngram();
        Set<Long> allowed = new HashSet<>();
        Dataset<Long> found = null;
        for (BenchmarkConfig reference : config.allowList()) {
            Dataset<Long> grams = BenchmarkItems.read(spark, reference, false).flatMap((FlatMapFunction<Row, Long>) row -> {
                long[] distinct = Grams.distinct(new Tokens().scan(row.getString(1)), Grams.View.WORDS, n, false);
                List<Long> hits = new ArrayList<>();
                for (long gram : distinct) {
                    if (wanted.value().contains(gram)) {
                        hits.add(gram);
                    }
                }
                return hits.iterator();
            }, Encoders.LONG());
            found = found == null ? grams : found.union(grams);
        }
        for (Row row : found.toDF("gram").groupBy("gram").count()
                .filter(col("count").geq(config.allowListMinItems())).collectAsList()) {
            allowed.add(row.getLong(0));
        }
        wanted.destroy();
        return allowed;
    }

    @Override
    public void summarize(Dataset<Row> output, StageContext context) {
        Dataset<Row> flagged = output.filter(col("metadata").getItem(PREFIX + "status").isNotNull())
                .select(col("id"), col("origin_uri"),
                        col("metadata").getItem(PREFIX + "status").as("status"),
                        col("metadata").getItem(PREFIX + "rule").as("rule"),
                        col("metadata").getItem(PREFIX + "benchmark").as("benchmark"),
                        col("metadata").getItem(PREFIX + "item").as("item"),
                        col("metadata").getItem(PREFIX + "span").as("span"))
                .cache();
        Map<String, Map<String, Long>> byStatus = new TreeMap<>();
        Map<String, Map<String, Long>> byRule = new TreeMap<>();
        for (Row row : flagged.groupBy("benchmark", "status", "rule").count().collectAsList()) {
            byStatus.computeIfAbsent(row.getString(0), b -> new TreeMap<>()).merge(row.getString(1), row.getLong(3),
                    Long::sum);
            byRule.computeIfAbsent(row.getString(0), b -> new TreeMap<>()).merge(row.getString(2), row.getLong(3),
                    Long::sum);
        }
        Map<String, Long> itemsHit = new TreeMap<>();
        for (Row row : flagged.groupBy("benchmark").agg(countDistinct("item")).collectAsList()) {
            itemsHit.put(row.getString(0), row.getLong(1));
        }
        Map<String, List<ItemHit>> top = new TreeMap<>();
        List<Row> items = flagged.groupBy("benchmark", "item")
                .agg(count(lit(1)).as("documents"), expr("min_by(origin_uri, id)").as("origin"),
                        expr("min_by(span, id)").as("span"))
                .orderBy(col("documents").desc(), col("benchmark"), col("item")).limit(10 * benchmarkItemIds.size())
                .collectAsList();
        for (Row row : items) {
            List<ItemHit> list = top.computeIfAbsent(row.getString(0), b -> new ArrayList<>());
            if (list.size() < 10) {
                list.add(new ItemHit(row.getString(1), row.getLong(2), row.getString(3), row.getString(4)));
            }
        }
        flagged.unpersist();
        Map<String, Hits> hits = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> benchmark : benchmarkItemIds.entrySet()) {
            String name = benchmark.getKey();
            Map<String, Long> statuses = byStatus.getOrDefault(name, Map.of());
            hits.put(name, new Hits(name, benchmark.getValue().size(), statuses.getOrDefault("contaminated", 0L),
                    statuses.getOrDefault("partial", 0L), byRule.getOrDefault(name, Map.of()),
                    itemsHit.getOrDefault(name, 0L), top.getOrDefault(name, List.of())));
        }
        context.report("decontam.hits", hits);
        context.report("decontam.matcher_hits", matcherHits(output));
        context.report("decontam.items", itemStatuses(output));
    }

    /**
     * Per benchmark and matcher (config order), the documents each matcher flags on its own, whatever the verdict
     * followed: how many, the items they hit, and the items hit most with an example document and its overlapping
     * span ({@code decontam.matchers}).
     */
    private Map<String, Map<String, MatcherHits>> matcherHits(Dataset<Row> output) {
        Dataset<Row> hits = output.filter(col("metadata").getItem(PREFIX + "matchers").isNotNull())
                .select(col("id"), col("origin_uri"),
                        explode(from_json(col("metadata").getItem(PREFIX + "matchers"), ITEMS_JSON))
                                .as(new String[] {"matcher", "hit"}))
                .select(col("id"), col("origin_uri"), col("matcher"), col("hit").getItem("benchmark").as("benchmark"),
                        col("hit").getItem("item").as("item"), col("hit").getItem("span").as("span"))
                .cache();
        Map<String, Map<String, long[]>> counts = new HashMap<>();
        for (Row row : hits.groupBy("benchmark", "matcher").agg(count(lit(1)), countDistinct("item"))
                .collectAsList()) {
            counts.computeIfAbsent(row.getString(0), b -> new HashMap<>()).put(row.getString(1),
                    new long[] {row.getLong(2), row.getLong(3)});
        }
        Map<String, List<ItemHit>> top = new HashMap<>();
        for (Row row : hits.groupBy("benchmark", "matcher", "item")
                .agg(count(lit(1)).as("documents"), expr("min_by(origin_uri, id)").as("origin"),
                        expr("min_by(span, id)").as("span"))
                .orderBy(col("documents").desc(), col("benchmark"), col("matcher"), col("item")).collectAsList()) {
            List<ItemHit> list = top.computeIfAbsent(row.getString(0) + "\n" + row.getString(1),
                    k -> new ArrayList<>());
            if (list.size() < 5) {
                list.add(new ItemHit(row.getString(2), row.getLong(3), row.getString(4), row.getString(5)));
            }
        }
        hits.unpersist();
        Map<String, Map<String, MatcherHits>> byBenchmark = new LinkedHashMap<>();
        for (String benchmark : benchmarkItemIds.keySet()) {
            Map<String, MatcherHits> byMatcher = new LinkedHashMap<>();
            for (DecontamConfig.MatcherKind kind : config.matchers()) {
                long[] c = counts.getOrDefault(benchmark, Map.of()).getOrDefault(kind.label(), new long[2]);
                byMatcher.put(kind.label(), new MatcherHits(c[0], c[1],
                        top.getOrDefault(benchmark + "\n" + kind.label(), List.of())));
            }
            byBenchmark.put(benchmark, byMatcher);
        }
        return byBenchmark;
    }

    /**
     * Every benchmark item's worst status over the documents that hit it, whatever was done with them; a document
     * is kept unless dropped (a cut one is kept, the rest of its text still trains).
     */
    private Map<String, ItemStatuses> itemStatuses(Dataset<Row> output) {
        Dataset<Row> hits = output.filter(col("metadata").getItem(PREFIX + "items").isNotNull())
                .select(from_json(col("metadata").getItem(PREFIX + "items"), ITEMS_JSON).as("items"),
                        col(Stage.DROP_REASON).isNull().as("kept"))
                .select(explode(col("items")).as(new String[] {"benchmark", "statuses"}), col("kept"))
                .select(col("benchmark"), explode(col("statuses")).as(new String[] {"item", "status"}), col("kept"));
        Map<String, Map<String, FlaggedItem>> flaggedByBenchmark = new HashMap<>();
        for (Row row : hits.groupBy("benchmark", "item")
                .agg(max(col("status").equalTo("contaminated")).as("contaminated"), count(lit(1)).as("documents"),
                        count(when(col("kept"), true)).as("kept_documents"))
                .collectAsList()) {
            flaggedByBenchmark.computeIfAbsent(row.getString(0), b -> new HashMap<>()).put(row.getString(1),
                    new FlaggedItem(row.getBoolean(2) ? "contaminated" : "partial", row.getLong(3), row.getLong(4)));
        }
        Map<String, ItemStatuses> statuses = new LinkedHashMap<>();
        for (BenchmarkConfig benchmark : config.benchmarks()) {
            Map<String, FlaggedItem> hit = flaggedByBenchmark.getOrDefault(benchmark.name(), Map.of());
            Map<String, FlaggedItem> flagged = new LinkedHashMap<>();
            for (String id : benchmarkItemIds.get(benchmark.name())) {
                if (hit.containsKey(id)) {
                    flagged.put(id, hit.get(id));
                }
            }
            long contaminated = flagged.values().stream().filter(item -> item.status().equals("contaminated")).count();
            long partial = flagged.size() - contaminated;
            long items = benchmarkItemIds.get(benchmark.name()).size();
            statuses.put(benchmark.name(), new ItemStatuses(benchmark.path(),
                    benchmark.format().name().toLowerCase(Locale.ROOT), benchmark.itemIdField().orElse(null), items,
                    contaminated, partial, items - flagged.size(), flagged));
        }
        return statuses;
    }
}

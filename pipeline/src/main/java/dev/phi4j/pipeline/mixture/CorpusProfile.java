package dev.phi4j.pipeline.mixture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phi4j.pipeline.stage.ManifestJson;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;

/**
 * The {@code corpus.profile} section: per source, documents and tokens with a token-length histogram (powers of
 * two), and the most frequent word n-grams in a sample of its documents (lower-cased words of letters and digits;
 * the sample is the documents whose id hash falls under max_documents_per_source / documents). Computed once per
 * tokenized input and kept beside it as {@code _profile.json}.
 */
final class CorpusProfile {

    private static final Pattern NON_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");
    private static final String FILE = "_profile.json";

    private final JsonNode section;

    private CorpusProfile(JsonNode section) {
        this.section = section;
    }

    JsonNode section() {
        return section;
    }

    static CorpusProfile cached(Tokenization.Cached tokenized, MixtureInputs inputs, ProfileConfig config,
                                SetContext context) {
        Path file = new Path(tokenized.path(), FILE);
        String key = config.ngram() + "/" + config.top() + "/" + config.maxDocumentsPerSource() + "/" + context.seed();
        try {
            FileSystem fs = file.getFileSystem(context.conf());
            if (fs.exists(file)) {
                try (InputStream in = fs.open(file)) {
                    JsonNode cached = ManifestJson.MAPPER.readTree(in);
                    if (key.equals(cached.path("key").asText())) {
                        return new CorpusProfile(cached.get("profile"));
                    }
                }
            }
            JsonNode profile = compute(tokenized, inputs, config, context);
            ObjectNode stored = ManifestJson.MAPPER.createObjectNode();
            stored.put("key", key);
            stored.set("profile", profile);
            ManifestJson.write(file, stored, context.conf());
            return new CorpusProfile(profile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }

    private static JsonNode compute(Tokenization.Cached tokenized, MixtureInputs inputs, ProfileConfig config,
                                    SetContext context) {
        CorpusStats stats = CorpusStats.of(tokenized.documents(),
                Selection.unplanned(DocumentBuckets.pretrain(), 0, context.seed()));
        Map<String, Double> fractions = new HashMap<>();
        stats.sources.forEach((source, s) -> fractions.put(source,
                Math.min(1.0, config.maxDocumentsPerSource() / (double) Math.max(1, s.documents))));
        Map<String, List<ObjectNode>> top = topNgrams(inputs, config, fractions, context);

        ObjectNode section = ManifestJson.MAPPER.createObjectNode();
        section.put("tokenizer", context.tokenizer().name());
        section.put("ngram", config.ngram());
        section.put("stage_dir", inputs.location());
        ArrayNode sources = section.putArray("sources");
        stats.sources.forEach((name, s) -> {
            ObjectNode row = sources.addObject();
            row.put("source", name);
            row.put("source_class", s.sourceClass);
            row.put("group", s.group);
            row.put("documents", s.documents);
            row.put("empty_documents", s.emptyDocuments);
            row.put("tokens", s.tokens);
            row.put("mean_tokens", s.documents == 0 ? 0 : (double) s.tokens / s.documents);
            row.put("p50_tokens", s.quantile(0.5));
            row.put("p90_tokens", s.quantile(0.9));
            row.put("max_tokens", s.maxTokens);
            ArrayNode histogram = row.putArray("length_histogram");
            int last = 0;
            for (int i = 0; i < CorpusStats.LENGTH_BINS; i++) {
                if (s.lengthHistogram[i] > 0) {
                    last = i;
                }
            }
            for (int i = 0; i <= last; i++) {
                ObjectNode bin = histogram.addObject();
                bin.put("from", i == 0 ? 0 : 1L << i);
                bin.put("to", (1L << (i + 1)) - 1);
                bin.put("documents", s.lengthHistogram[i]);
            }
            row.put("ngram_sample_documents", Math.round(fractions.get(name) * s.documents));
            ArrayNode ngrams = row.putArray("top_ngrams");
            top.getOrDefault(name, List.of()).forEach(ngrams::add);
        });
        return section;
    }

    private static Map<String, List<ObjectNode>> topNgrams(MixtureInputs inputs, ProfileConfig config,
                                                            Map<String, Double> fractions, SetContext context) {
        Map<String, List<ObjectNode>> top = new HashMap<>();
        if (config.top() == 0) {
            return top;
        }
        int n = config.ngram();
        long salt = Hash64.salt(context.seed(), "profile sample");
        StructType schema = new StructType().add("source", DataTypes.StringType).add("ngram", DataTypes.StringType);
        Dataset<Row> grams = inputs.read(context.spark())
                .select(col("id"), col("source"), col("text"))
                .flatMap((FlatMapFunction<Row, Row>) row -> {
                    List<Row> out = new ArrayList<>();
                    Double fraction = fractions.get(row.getString(1));
                    if (fraction == null || Hash64.unit(salt, row.getString(0)) >= fraction) {
                        return out.iterator();
                    }
                    String[] words = NON_WORD.split(row.getString(2).toLowerCase(Locale.ROOT));
                    List<String> kept = new ArrayList<>();
                    for (String word : words) {
                        if (!word.isEmpty()) {
                            kept.add(word);
                        }
                    }
                    for (int i = 0; i + n <= kept.size(); i++) {
                        out.add(RowFactory.create(row.getString(1), String.join(" ", kept.subList(i, i + n))));
                    }
                    return out.iterator();
                }, Encoders.row(schema));
        List<Row> rows = grams.groupBy(col("source"), col("ngram")).count()
                .withColumn("rank", row_number().over(Window.partitionBy(col("source"))
                        .orderBy(col("count").desc(), col("ngram"))))
                .filter(col("rank").leq(config.top()))
                .orderBy(col("source"), col("rank"))
                .collectAsList();
        for (Row row : rows) {
            ObjectNode gram = ManifestJson.MAPPER.createObjectNode();
            gram.put("ngram", row.getString(1));
            gram.put("count", row.getLong(2));
            top.computeIfAbsent(row.getString(0), s -> new ArrayList<>()).add(gram);
        }
        return top;
    }
}

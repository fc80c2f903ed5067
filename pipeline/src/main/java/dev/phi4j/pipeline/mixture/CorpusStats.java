package dev.phi4j.pipeline.mixture;

import dev.phi4j.core.shard.ShardNames;

import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.col;

/**
 * One pass over the tokenized documents' small columns (no token arrays are read): per source, documents and
 * tokens with a token-length histogram; per bucket, stream tokens per hash bin of the documents kept for training and
 * of those held out. The planner works from these; computed per partition and merged on the driver.
 */
public final class CorpusStats implements Serializable {

    /** Length histogram bins: bin i holds documents of [2^i, 2^(i+1)) tokens, bin 0 also 0 tokens. */
    static final int LENGTH_BINS = 32;

    public static final class SourceStats implements Serializable {
        String sourceClass;
        String group;
        long documents;
        long emptyDocuments;
        long heldOutDocuments;
        long tokens;
        long maxTokens;
        final long[] lengthHistogram = new long[LENGTH_BINS];

        void merge(SourceStats other) {
            documents += other.documents;
            emptyDocuments += other.emptyDocuments;
            heldOutDocuments += other.heldOutDocuments;
            tokens += other.tokens;
            maxTokens = Math.max(maxTokens, other.maxTokens);
            for (int i = 0; i < LENGTH_BINS; i++) {
                lengthHistogram[i] += other.lengthHistogram[i];
            }
        }

        /** The smallest length with at least {@code q} of the documents at or below it, to the histogram's bin. */
        long quantile(double q) {
            long seen = 0;
            for (int i = 0; i < LENGTH_BINS; i++) {
                seen += lengthHistogram[i];
                if (seen >= q * documents) {
                    return i == 0 ? 1 : Math.min(maxTokens, (1L << (i + 1)) - 1);
                }
            }
            return maxTokens;
        }
    }

    final Map<String, SourceStats> sources = new TreeMap<>();
    final long[][] trainBins;
    final long[][] heldOutBins;
    final long[] trainDocuments;

    CorpusStats(int buckets) {
        trainBins = new long[buckets][MixturePlan.BINS];
        heldOutBins = new long[buckets][MixturePlan.BINS];
        trainDocuments = new long[buckets];
    }

    static int lengthBin(int tokens) {
        return tokens <= 1 ? 0 : Math.min(LENGTH_BINS - 1, 31 - Integer.numberOfLeadingZeros(tokens));
    }

    /** Columns the passes read from the tokenized documents. */
    static Dataset<Row> columns(Dataset<TokenizedDocument> documents) {
        return documents.select(col("id"), col("source"), col("sourceClass"), col("group"), col("tokenCount"));
    }

    static CorpusStats of(Dataset<TokenizedDocument> documents, Selection selection) {
        int buckets = selection.buckets().size();
        List<CorpusStats> parts = columns(documents).mapPartitions((MapPartitionsFunction<Row, CorpusStats>) rows -> {
            CorpusStats stats = new CorpusStats(buckets);
            while (rows.hasNext()) {
                stats.add(rows.next(), selection);
            }
            return List.of(stats).iterator();
        }, Encoders.javaSerialization(CorpusStats.class)).collectAsList();
        CorpusStats total = new CorpusStats(buckets);
        parts.forEach(total::merge);
        return total;
    }

    private void add(Row row, Selection selection) {
        String id = row.getString(0);
        int tokens = row.getInt(4);
        SourceStats source = sources.computeIfAbsent(row.getString(1), s -> new SourceStats());
        source.sourceClass = row.getString(2);
        source.group = row.getString(3);
        source.documents++;
        source.tokens += tokens;
        source.maxTokens = Math.max(source.maxTokens, tokens);
        source.lengthHistogram[lengthBin(tokens)]++;
        if (tokens == 0) {
            source.emptyDocuments++;
            return;
        }
        boolean heldOut = selection.heldOut(id);
        source.heldOutDocuments += heldOut ? 1 : 0;
        for (int b : selection.buckets().of(row.getString(3), row.getString(2), tokens)) {
            if (heldOut) {
                heldOutBins[b][selection.validationBin(b, id)] += tokens + 1L;
            } else {
                trainBins[b][selection.extraBin(b, id)] += tokens + 1L;
                trainDocuments[b]++;
            }
        }
    }

    private void merge(CorpusStats other) {
        other.sources.forEach((name, stats) -> {
            SourceStats mine = sources.get(name);
            if (mine == null) {
                sources.put(name, stats);
            } else {
                mine.sourceClass = stats.sourceClass;
                mine.group = stats.group;
                mine.merge(stats);
            }
        });
        for (int b = 0; b < trainBins.length; b++) {
            trainDocuments[b] += other.trainDocuments[b];
            for (int i = 0; i < MixturePlan.BINS; i++) {
                trainBins[b][i] += other.trainBins[b][i];
                heldOutBins[b][i] += other.heldOutBins[b][i];
            }
        }
    }

    long uniqueTokens(int bucket) {
        long sum = 0;
        for (long tokens : trainBins[bucket]) {
            sum += tokens;
        }
        return sum;
    }

    /** Per-document outcomes and per-source planned tokens once the plan is known (a second small-column pass). */
    public static final class Placement implements Serializable {
        final Map<String, Long> outcomes = new TreeMap<>();
        final Map<String, long[]> bySource = new TreeMap<>();    // documents kept, train copies, train tokens, validation tokens

        static Placement of(Dataset<TokenizedDocument> documents, Selection selection) {
            List<Placement> parts = columns(documents).mapPartitions((MapPartitionsFunction<Row, Placement>) rows -> {
                Placement placement = new Placement();
                while (rows.hasNext()) {
                    placement.add(rows.next(), selection);
                }
                return List.of(placement).iterator();
            }, Encoders.javaSerialization(Placement.class)).collectAsList();
            Placement total = new Placement();
            for (Placement part : parts) {
                part.outcomes.forEach((k, v) -> total.outcomes.merge(k, v, Long::sum));
                part.bySource.forEach((k, v) -> {
                    long[] mine = total.bySource.computeIfAbsent(k, s -> new long[4]);
                    for (int i = 0; i < 4; i++) {
                        mine[i] += v[i];
                    }
                });
            }
            return total;
        }

        private void add(Row row, Selection selection) {
            String id = row.getString(0);
            int tokens = row.getInt(4);
            long[] source = bySource.computeIfAbsent(row.getString(1), s -> new long[4]);
            if (tokens == 0) {
                outcomes.merge("empty", 1L, Long::sum);
                return;
            }
            long[] counts = new long[3];
            int placed = selection.place(id, row.getString(3), row.getString(2), tokens, (split, bucket, copy, key) -> {
                if (split.equals(ShardNames.TRAIN)) {
                    counts[0]++;
                    counts[1] += tokens + 1L;
                } else {
                    counts[2] += tokens + 1L;
                }
            });
            String outcome = placed > 0 ? "kept" : selection.heldOut(id) ? "held_out_unused" : "not_sampled";
            outcomes.merge(outcome, 1L, Long::sum);
            source[0] += placed > 0 ? 1 : 0;
            source[1] += counts[0];
            source[2] += counts[1];
            source[3] += counts[2];
        }
    }

    static Iterator<Instance> instances(TokenizedDocument document, Selection selection, PartLayout layout) {
        List<Instance> out = new ArrayList<>();
        if (document.getTokenCount() == 0) {
            return out.iterator();
        }
        selection.place(document.getId(), document.getGroup(), document.getSourceClass(), document.getTokenCount(),
                (split, bucket, copy, key) -> out.add(Instance.of(layout.part(split, key), key, document.getId(), copy,
                        bucket, document.getTokens())));
        return out.iterator();
    }
}

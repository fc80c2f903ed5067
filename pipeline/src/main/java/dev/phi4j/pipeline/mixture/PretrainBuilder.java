package dev.phi4j.pipeline.mixture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phi4j.core.schema.MixtureGroup;
import dev.phi4j.core.shard.ShardNames;
import dev.phi4j.pipeline.stage.Manifest;
import dev.phi4j.pipeline.stage.ManifestJson;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds a pretraining-style set (pretrain, midtrain) from tokenized documents: statistics pass, plan, placement
 * pass (the accounting), then instances sorted into parts and packed into shards. See {@link MixturePlan} for the
 * epochs and {@link Selection} for the order.
 */
final class PretrainBuilder {

    /** The settings pretrain and midtrain sets share, with how each turns statistics into bucket targets. */
    record Settings(String kind, int seqLen, long totalTokens, double validationFraction, long maxTokensPerShard,
                    int minShards, boolean sequenceIndex, DocumentBuckets buckets, Targets targets) {}

    /** A bucket's configured share and epoch cap, which for midtraining depend on the long documents found. */
    interface Targets {
        double share(int bucket, CorpusStats stats);

        double maxEpochs(int bucket);
    }

    static Settings settings(MixtureSetConfig config) {
        if (config instanceof PretrainSetConfig p) {
            return new Settings("pretrain", p.seqLen(), p.totalTokens(), p.validationFraction(),
                    p.maxTokensPerShard(), p.minShards(), p.sequenceIndex(), DocumentBuckets.pretrain(),
                    new Targets() {
                        @Override
                        public double share(int bucket, CorpusStats stats) {
                            return p.shares().of(MixtureGroup.values()[bucket]);
                        }

                        @Override
                        public double maxEpochs(int bucket) {
                            return p.maxEpochs().of(MixtureGroup.values()[bucket]);
                        }
                    });
        }
        MidtrainSetConfig m = (MidtrainSetConfig) config;
        DocumentBuckets buckets = DocumentBuckets.midtrain(m);
        int longBucket = buckets.index(DocumentBuckets.LONG);
        int upweighted = buckets.index(DocumentBuckets.LONG_UPWEIGHTED);
        return new Settings("midtrain", m.seqLen(), m.totalTokens(), m.validationFraction(), m.maxTokensPerShard(),
                m.minShards(), m.sequenceIndex(), buckets, new Targets() {
                    @Override
                    public double share(int bucket, CorpusStats stats) {
                        if (bucket < MixtureGroup.values().length) {
                            return (1 - m.longShare()) * m.shares().of(MixtureGroup.values()[bucket]);
                        }
                        double plain = stats.uniqueTokens(longBucket);
                        double heavy = m.upweight() * stats.uniqueTokens(upweighted);
                        if (plain + heavy == 0) {
                            return bucket == longBucket ? m.longShare() : 0;
                        }
                        return m.longShare() * (bucket == longBucket ? plain : heavy) / (plain + heavy);
                    }

                    @Override
                    public double maxEpochs(int bucket) {
                        if (bucket < MixtureGroup.values().length) {
                            return m.maxEpochs().of(MixtureGroup.values()[bucket]);
                        }
                        return bucket == longBucket ? m.longMaxEpochs() : m.longMaxEpochs() * m.upweight();
                    }
                });
    }

    private PretrainBuilder() {}

    static BuiltSet build(Settings settings, Tokenization.Cached tokenized, MixtureInputs stages, CorpusProfile profile,
                          SetContext context) {
        DocumentBuckets buckets = settings.buckets();
        Dataset<TokenizedDocument> documents = tokenized.documents();
        CorpusStats stats = CorpusStats.of(documents, Selection.unplanned(buckets, settings.validationFraction(),
                context.seed()));
        List<MixturePlan.Input> inputs = new ArrayList<>();
        for (int b = 0; b < buckets.size(); b++) {
            inputs.add(new MixturePlan.Input(buckets.names().get(b), buckets.groups().get(b),
                    buckets.families().get(b), settings.targets().share(b, stats), settings.targets().maxEpochs(b), stats.trainBins[b],
                    stats.heldOutBins[b]));
        }
        MixturePlan plan = MixturePlan.plan(inputs, settings.totalTokens());
        context.phases().lap("statistics and plan");
        context.log().printf(Locale.ROOT, "      plan       %,d train tokens%s over %s; %,d validation tokens%n",
                plan.plannedTokens(), plan.autoBudget() ? " (the largest budget the caps allow)" : "",
                describe(plan), plan.validationTokens());
        Selection selection = new Selection(buckets, plan, settings.validationFraction(), context.seed());
        CorpusStats.Placement placement = CorpusStats.Placement.of(documents, selection);
        context.phases().lap("placement");

        int trainParts = (int) Math.max(settings.minShards(),
                ceilDiv(plan.plannedTokens(), settings.maxTokensPerShard()));
        int validationParts = plan.validationTokens() == 0 ? 0
                : (int) Math.max(1, ceilDiv(plan.validationTokens(), settings.maxTokensPerShard()));
        Map<String, Integer> parts = new LinkedHashMap<>();
        parts.put(ShardNames.TRAIN, trainParts);
        parts.put(ShardNames.VALIDATION, validationParts);
        PartLayout layout = PartLayout.of(parts);
        Dataset<Instance> instances = documents.flatMap((FlatMapFunction<TokenizedDocument, Instance>) document ->
                CorpusStats.instances(document, selection, layout), Encoders.bean(Instance.class));
        ShardTarget target = ShardTarget.of(context.shardDir().toString(), context.conf(), settings.seqLen(),
                context.tokenizer(), false, settings.sequenceIndex(), buckets.size(), layout);
        Dataset<PackResult> packed = ShardPacking.pack(instances, target, StreamPartWriter::new);
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("producer", "phi4j mixture build");
        metadata.put("set_kind", settings.kind());
        metadata.put("input_stage", stages.location());
        metadata.put("seed", Long.toString(context.seed()));
        metadata.put("mixture_manifest", "../" + MixtureManifest.FILE);
        ShardResults results = ShardResults.collect(packed, context, settings.seqLen(), false,
                settings.sequenceIndex(), metadata, layout.splits());
        context.phases().lap("pack");

        long[] written = results.bucketTokens(ShardNames.TRAIN, buckets.size());
        long[] copies = results.bucketInstances(ShardNames.TRAIN, buckets.size());
        long[] validationWritten = results.bucketTokens(ShardNames.VALIDATION, buckets.size());
        long total = sum(written);
        List<String> notes = new ArrayList<>(plan.notes());
        MixtureManifest.SplitInfo validationSplit = results.summary(settings.seqLen(), false).splits()
                .get(ShardNames.VALIDATION);
        if (plan.validationTokens() > 0 && (validationSplit == null || validationSplit.sequences() == 0)) {
            notes.add(String.format(Locale.ROOT, "no validation rows: the %,d held-out tokens selected do not fill one "
                    + "row of %,d; raise validation_fraction", plan.validationTokens(), settings.seqLen() + 1));
        }
        ObjectNode table = ManifestJson.MAPPER.createObjectNode();
        table.put("kind", settings.kind());
        table.put("seq_len", settings.seqLen());
        table.put("budget", plan.budget());
        table.put("auto_budget", plan.autoBudget());
        table.put("planned_tokens", plan.plannedTokens());
        table.put("written_tokens", total);
        table.put("shortfall_tokens", plan.shortfall());
        table.put("validation_tokens", sum(validationWritten));
        ArrayNode rows = table.putArray("buckets");
        for (int b = 0; b < buckets.size(); b++) {
            MixturePlan.Bucket bucket = plan.buckets().get(b);
            double realized = total == 0 ? 0 : (double) written[b] / total;
            double planned = plan.plannedTokens() == 0 ? 0 : (double) bucket.plannedTokens() / plan.plannedTokens();
            ObjectNode row = rows.addObject();
            row.put("name", bucket.name());
            row.put("group", bucket.group());
            row.put("target_share", bucket.targetShare());
            row.put("effective_share", bucket.effectiveShare());
            row.put("planned_share", planned);
            row.put("realized_share", realized);
            row.put("unique_tokens", bucket.uniqueTokens());
            row.put("documents", stats.trainDocuments[b]);
            row.put("allocated_tokens", bucket.allocatedTokens());
            row.put("planned_tokens", bucket.plannedTokens());
            row.put("written_tokens", written[b]);
            row.put("copies_written", copies[b]);
            row.put("epochs", bucket.epochs());
            row.put("realized_epochs", bucket.uniqueTokens() == 0 ? 0 : (double) written[b] / bucket.uniqueTokens());
            row.put("max_epochs", bucket.maxEpochs());
            row.put("capped", bucket.capped());
            row.put("held_out_tokens", bucket.heldOutTokens());
            row.put("validation_tokens", validationWritten[b]);
            if (bucket.present() && Math.abs(realized - planned) > 0.01) {
                notes.add(String.format(Locale.ROOT, "%s: realized share %.2f%% is more than 1 point from the "
                        + "planned %.2f%% (few, long documents cannot be sampled finely, or shard tails)",
                        bucket.name(), 100 * realized, 100 * planned));
            }
        }

        ArrayNode sources = ManifestJson.MAPPER.createArrayNode();
        stats.sources.forEach((name, source) -> {
            long[] placed = placement.bySource.getOrDefault(name, new long[4]);
            ObjectNode row = sources.addObject();
            row.put("source", name);
            row.put("source_class", source.sourceClass);
            row.put("group", source.group);
            row.put("documents", source.documents);
            row.put("empty_documents", source.emptyDocuments);
            row.put("held_out_documents", source.heldOutDocuments);
            row.put("tokens", source.tokens);
            row.put("documents_used", placed[0]);
            row.put("train_copies", placed[1]);
            row.put("train_tokens_planned", placed[2]);
            row.put("validation_tokens_planned", placed[3]);
        });

        Map<String, Long> dropped = new TreeMap<>(placement.outcomes);
        long kept = dropped.getOrDefault("kept", 0L);
        dropped.remove("kept");
        long droppedTotal = dropped.values().stream().mapToLong(Long::longValue).sum();
        long in = stages.documents();
        if (in != kept + droppedTotal) {
            throw new IllegalStateException(settings.kind() + " set: " + in + " documents in, but " + kept
                    + " kept + " + droppedTotal + " dropped; the accounting is broken");
        }
        Map<String, JsonNode> sections = new LinkedHashMap<>();
        sections.put("mixture.table", table);
        sections.put("mixture.sources", sources);
        sections.put("corpus.profile", profile.section());
        sections.put("mixture.samples", MixtureSamples.withLineage(results.samples(), stages, context));
        context.phases().lap("samples");
        return new BuiltSet(stages.infos(), results.summary(settings.seqLen(), false),
                new Manifest.Counts(in, kept, droppedTotal, dropped), notes, sections);
    }

    private static String describe(MixturePlan plan) {
        List<String> parts = new ArrayList<>();
        for (MixturePlan.Bucket bucket : plan.buckets()) {
            if (bucket.effectiveShare() > 0) {
                parts.add(String.format(Locale.ROOT, "%s %.1f%% × %.2f epochs", bucket.name(),
                        100 * bucket.effectiveShare(), bucket.epochs()));
            }
        }
        return String.join(", ", parts);
    }

    static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    private static long sum(long[] values) {
        long sum = 0;
        for (long v : values) {
            sum += v;
        }
        return sum;
    }
}

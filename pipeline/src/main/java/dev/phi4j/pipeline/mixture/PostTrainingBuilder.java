package dev.phi4j.pipeline.mixture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phi4j.core.chat.ChatFormat;
import dev.phi4j.core.schema.Conversation;
import dev.phi4j.core.schema.Message;
import dev.phi4j.core.schema.PreferenceKind;
import dev.phi4j.core.schema.PreferencePair;
import dev.phi4j.core.schema.Role;
import dev.phi4j.core.shard.ShardNames;
import dev.phi4j.pipeline.io.SparkRecords;
import dev.phi4j.pipeline.stage.Manifest;
import dev.phi4j.pipeline.stage.ManifestJson;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * Builds the post-training sets. Records are read (JSONL or record Parquet), rendered through {@link ChatFormat} —
 * the one place the chat layout lives — and either kept with their tokens and loss mask or dropped with a reason;
 * held-out records (by id hash) form the validation split; the rest are ordered by a seeded hash of their id and
 * packed. Every record read is accounted for: in = kept + dropped.
 */
final class PostTrainingBuilder {

    private static final long HOLD_OUT_SALT = Hash64.salt(0x5EED_0F_7E57L, "post-training hold-out");

    private PostTrainingBuilder() {}

    static BuiltSet sft(SftSetConfig config, SetContext context) {
        InputFiles files = InputFiles.list(config.paths(), config.format(), context.conf());
        int rowLength = config.seqLen() + 1;
        double fraction = config.validationFraction();
        long orderSalt = Hash64.salt(context.seed(), "sft order");
        TokenizerSpec spec = context.tokenizer();
        Dataset<Prepared> prepared = read(files, context, Conversation.class, PostTrainingRecords::conversation,
                (conversation, location, chat) -> {
                    Conversation c = (Conversation) conversation;
                    if (c.messages().stream().noneMatch(m -> m.role() == Role.ASSISTANT)) {
                        return Prepared.dropped("no_assistant_turn", "nothing to train on", c.id(), location);
                    }
                    ChatFormat.Encoded encoded = chat.encodeForTraining(c.messages());
                    if (encoded.tokens().length > rowLength) {
                        return Prepared.dropped("too_long", encoded.tokens().length + " tokens > seq_len + 1 = "
                                + rowLength, c.id(), location);
                    }
                    Prepared p = kept(c.id(), location, fraction, orderSalt);
                    p.setTokens(encoded.tokens());
                    p.setMask(encoded.trainable());
                    p.setLossTokens(encoded.trainableCount());
                    return p;
                }, spec);
        boolean onePerRow = config.packing() == SftSetConfig.Packing.PADDED;
        return pack(prepared, config.name(), "sft", config.seqLen(), config.maxTokensPerShard(), config.minShards(),
                files, context, 1, (target, split, shard) -> new ChatPartWriter(target, split, shard, onePerRow),
                Map.of("packing", config.packing().name().toLowerCase(Locale.ROOT),
                        "loss_mask", "assistant content and the <|im_end|> closing it"));
    }

    static BuiltSet dpo(DpoSetConfig config, SetContext context) {
        InputFiles files = InputFiles.list(config.paths(), config.format(), context.conf());
        int rowLength = config.seqLen() + 1;
        double fraction = config.validationFraction();
        long orderSalt = Hash64.salt(context.seed(), "dpo order");
        TokenizerSpec spec = context.tokenizer();
        Dataset<Prepared> prepared = read(files, context, PreferencePair.class, PostTrainingRecords::pair,
                (record, location, chat) -> {
                    PreferencePair pair = (PreferencePair) record;
                    int[] prompt = prompt(chat, pair);
                    int[] chosen = continuation(chat, pair, pair.chosen());
                    int[] rejected = continuation(chat, pair, pair.rejected());
                    int longest = prompt.length + Math.max(chosen.length, rejected.length);
                    if (longest > rowLength) {
                        return Prepared.dropped("too_long", longest + " tokens > seq_len + 1 = " + rowLength,
                                pair.id(), location);
                    }
                    if (chosen.length == 0 || rejected.length == 0) {
                        return Prepared.dropped("empty_continuation", "a continuation has no tokens", pair.id(),
                                location);
                    }
                    Prepared p = kept(pair.id(), location, fraction, orderSalt);
                    p.setBucket(pair.kind().ordinal());
                    p.setTokens(prompt);
                    p.setChosen(chosen);
                    p.setRejected(rejected);
                    p.setLossTokens(chosen.length + rejected.length);
                    return p;
                }, spec);
        return pack(prepared, config.name(), "dpo", config.seqLen(), config.maxTokensPerShard(), config.minShards(),
                files, context, PreferenceKind.values().length, PairPartWriter::new,
                Map.of("pair_layout", "row i of chosen and row i of rejected (validation_chosen/validation_rejected) "
                        + "are one pair; the loss mask covers the continuation"));
    }

    /**
     * The prompt as the model sees it before the continuation: a prompt ending with a user turn is followed by the
     * opening of an assistant turn; one ending with an assistant turn (a Pivotal Token Search prefix) is left open,
     * its content continuing into the chosen or rejected token.
     */
    static int[] prompt(ChatFormat chat, PreferencePair pair) {
        List<Message> messages = pair.prompt();
        Message last = messages.get(messages.size() - 1);
        if (last.role() != Role.ASSISTANT) {
            return chat.generationPrompt(messages);
        }
        int[] opened = chat.generationPrompt(messages.subList(0, messages.size() - 1));
        int[] prefix = chat.tokenizer().encode(last.content());
        int[] tokens = java.util.Arrays.copyOf(opened, opened.length + prefix.length);
        System.arraycopy(prefix, 0, tokens, opened.length, prefix.length);
        return tokens;
    }

    /** A judged response closes its turn with {@code <|im_end|>} (inside the loss); a pivotal token does not. */
    static int[] continuation(ChatFormat chat, PreferencePair pair, String text) {
        int[] tokens = chat.tokenizer().encode(text);
        if (pair.kind() == PreferenceKind.PTS) {
            return tokens;
        }
        int[] closed = java.util.Arrays.copyOf(tokens, tokens.length + 1);
        closed[tokens.length] = chat.tokenizer().specialTokens().imEnd();
        return closed;
    }

    private static Prepared kept(String id, String location, double fraction, long orderSalt) {
        Prepared p = new Prepared();
        p.setId(id);
        p.setLocation(location);
        p.setHeldOut(Hash64.unit(HOLD_OUT_SALT, id) < fraction);
        p.setKey(Hash64.unit(orderSalt, id));
        return p;
    }

    /** Renders a parsed record. */
    private interface Renderer extends Serializable {
        Prepared render(Record record, String location, ChatFormat chat);
    }

    /** Parses a JSONL line. */
    private interface LineParser extends Serializable {
        Record parse(String line);
    }

    private static Dataset<Prepared> read(InputFiles files, SetContext context, Class<? extends Record> type,
                                          LineParser parser, Renderer renderer, TokenizerSpec spec) {
        Dataset<Prepared> all = null;
        if (!files.jsonl().isEmpty()) {
            Dataset<Row> lines = context.spark().read().text(files.jsonl().toArray(String[]::new))
                    .select(col("value"), input_file_name().as("file"))
                    .filter(functions_trimNotEmpty());
            all = lines.mapPartitions((MapPartitionsFunction<Row, Prepared>) rows -> {
                ChatFormat chat = new ChatFormat(spec.open());
                return map(rows, row -> {
                    String location = row.getString(1);
                    Record record;
                    try {
                        record = parser.parse(row.getString(0));
                    } catch (IllegalArgumentException e) {
                        return Prepared.dropped(e.getMessage().startsWith("malformed JSON") ? "malformed_json"
                                : "invalid_record", e.getMessage(), null, location);
                    }
                    return renderer.render(record, location, chat);
                });
            }, Encoders.bean(Prepared.class));
        }
        for (String parquet : files.parquet()) {
            Dataset<Prepared> records = SparkRecords.read(context.spark(), parquet, type)
                    .mapPartitions((MapPartitionsFunction<Row, Prepared>) rows -> {
                        ChatFormat chat = new ChatFormat(spec.open());
                        return map(rows, row -> {
                            Record record;
                            try {
                                record = SparkRecords.fromRow(row, type);
                            } catch (IllegalArgumentException e) {
                                return Prepared.dropped("invalid_record", e.getMessage(), null, parquet);
                            }
                            return renderer.render(record, parquet, chat);
                        });
                    }, Encoders.bean(Prepared.class));
            all = all == null ? records : all.union(records);
        }
        return all.persist(StorageLevel.MEMORY_AND_DISK());
    }

    private static org.apache.spark.sql.Column functions_trimNotEmpty() {
        return org.apache.spark.sql.functions.length(org.apache.spark.sql.functions.trim(col("value"))).gt(0);
    }

    private static <T> Iterator<Prepared> map(Iterator<T> rows, Function<T, Prepared> f) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Prepared next() {
                return f.apply(rows.next());
            }
        };
    }

    private static BuiltSet pack(Dataset<Prepared> prepared, String name, String kind, int seqLen,
                                 long maxTokensPerShard, int minShards, InputFiles files, SetContext context,
                                 int buckets, ShardPacking.WriterFactory factory, Map<String, String> notes) {
        try {
            List<Row> outcomes = prepared.groupBy(col("reason")).count().collectAsList();
            long kept = 0;
            Map<String, Long> dropped = new TreeMap<>();
            for (Row row : outcomes) {
                if (row.isNullAt(0)) {
                    kept = row.getLong(1);
                } else {
                    dropped.put(row.getString(0), row.getLong(1));
                }
            }
            Dataset<Prepared> keptRecords = prepared.filter(col("reason").isNull());
            Row tokens = keptRecords.map((MapFunction<Prepared, Row>) p -> org.apache.spark.sql.RowFactory.create(
                            p.isHeldOut(), p.rowTokens()),
                    Encoders.row(new org.apache.spark.sql.types.StructType()
                            .add("held_out", org.apache.spark.sql.types.DataTypes.BooleanType)
                            .add("tokens", org.apache.spark.sql.types.DataTypes.LongType)))
                    .agg(sum(when(col("held_out").equalTo(false), col("tokens"))),
                            sum(when(col("held_out"), col("tokens"))))
                    .first();
            long trainTokens = tokens.isNullAt(0) ? 0 : tokens.getLong(0);
            long validationTokens = tokens.isNullAt(1) ? 0 : tokens.getLong(1);
            Map<String, Integer> parts = new LinkedHashMap<>();
            parts.put(ShardNames.TRAIN, trainTokens == 0 ? 0
                    : (int) Math.max(minShards, PretrainBuilder.ceilDiv(trainTokens, maxTokensPerShard)));
            parts.put(ShardNames.VALIDATION, validationTokens == 0 ? 0
                    : (int) Math.max(1, PretrainBuilder.ceilDiv(validationTokens, maxTokensPerShard)));
            PartLayout layout = PartLayout.of(parts);
            if (layout.total() == 0) {
                throw new IllegalArgumentException(kind + " set " + name + ": no record was kept (dropped: "
                        + dropped + "); see the input files " + files.jsonl() + files.parquet());
            }
            Dataset<Instance> instances = keptRecords.map((MapFunction<Prepared, Instance>) p -> p.instance(
                    layout.part(p.isHeldOut() ? ShardNames.VALIDATION : ShardNames.TRAIN, p.getKey())),
                    Encoders.bean(Instance.class));
            ShardTarget target = ShardTarget.of(context.shardDir().toString(), context.conf(), seqLen,
                    context.tokenizer(), true, true, buckets, layout);
            Dataset<PackResult> packed = ShardPacking.pack(instances, target, factory);
            Map<String, String> metadata = new LinkedHashMap<>(notes);
            metadata.put("producer", "phi4j mixture build");
            metadata.put("set_kind", kind);
            metadata.put("seed", Long.toString(context.seed()));
            metadata.put("mixture_manifest", "../" + MixtureManifest.FILE);
            List<String> splits = kind.equals("dpo")
                    ? List.of("chosen", "rejected", "validation_chosen", "validation_rejected")
                    : layout.splits();
            ShardResults results = ShardResults.collect(packed, context, seqLen, true, true, metadata, splits);
            context.phases().lap("read, tokenize and pack");

            Map<String, JsonNode> sections = new LinkedHashMap<>();
            ObjectNode summary = ManifestJson.MAPPER.createObjectNode();
            summary.put("records_in", kept + dropped.values().stream().mapToLong(Long::longValue).sum());
            summary.put("records_kept", kept);
            MixtureManifest.Shards shards = results.summary(seqLen, true);
            shards.splits().forEach((split, info) -> {
                ObjectNode s = summary.putObject(split);
                s.put("rows", info.sequences());
                s.put("tokens", info.tokens());
                s.put("loss_tokens", info.lossTokens());
                s.put("padding_tokens", info.paddingTokens());
                s.put("padding_fraction", info.tokens() == 0 ? 0 : (double) info.paddingTokens() / info.tokens());
            });
            boolean pairs = kind.equals("dpo");
            long[] byKind = results.bucketInstances(pairs ? "chosen" : ShardNames.TRAIN, buckets);
            long[] byKindValidation = results.bucketInstances(pairs ? "validation_chosen" : ShardNames.VALIDATION,
                    buckets);
            if (pairs) {
                ObjectNode kinds = summary.putObject("pairs_by_kind");
                for (PreferenceKind k : PreferenceKind.values()) {
                    kinds.put(k.name().toLowerCase(Locale.ROOT), byKind[k.ordinal()] + byKindValidation[k.ordinal()]);
                }
            }
            summary.put("train_records", byKind[0] + (buckets > 1 ? byKind[1] : 0));
            summary.put("validation_records", byKindValidation[0] + (buckets > 1 ? byKindValidation[1] : 0));
            sections.put(kind + ".summary", summary);
            sections.put(kind + ".samples", results.samples());
            sections.put(kind + ".dropped_examples", droppedExamples(prepared));
            MixtureManifest.InputInfo input = new MixtureManifest.InputInfo(List.of(), "", "", files.fingerprint(),
                    concat(files.jsonl(), files.parquet()), files.files(), files.bytes());
            List<String> setNotes = new ArrayList<>();
            dropped.forEach((reason, count) -> setNotes.add(String.format(Locale.ROOT, "%,d record(s) dropped: %s",
                    count, reason)));
            return new BuiltSet(List.of(input), shards, new Manifest.Counts(kept + dropped.values().stream()
                    .mapToLong(Long::longValue).sum(), kept, dropped.values().stream().mapToLong(Long::longValue)
                    .sum(), dropped), setNotes, sections);
        } finally {
            prepared.unpersist();
        }
    }

    private static ArrayNode droppedExamples(Dataset<Prepared> prepared) {
        ArrayNode examples = ManifestJson.MAPPER.createArrayNode();
        Map<String, Integer> perReason = new TreeMap<>();
        for (Prepared p : prepared.filter(col("reason").isNotNull()).orderBy(col("location"), col("detail"))
                .limit(200).collectAsList()) {
            if (perReason.merge(p.getReason(), 1, Integer::sum) <= 3) {
                ObjectNode example = examples.addObject();
                example.put("reason", p.getReason());
                example.put("detail", p.getDetail());
                example.put("location", p.getLocation());
                if (p.getId() != null) {
                    example.put("id", p.getId());
                }
            }
        }
        return examples;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}

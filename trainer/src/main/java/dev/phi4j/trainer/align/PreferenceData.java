package dev.phi4j.trainer.align;

import dev.phi4j.core.io.Sha256;
import dev.phi4j.core.shard.ShardManifest;
import dev.phi4j.core.shard.ShardSet;
import dev.phi4j.core.shard.TokenRow;
import dev.phi4j.trainer.checkpoint.ModelCheckpoint;
import dev.phi4j.trainer.model.PhiDecoder;
import dev.phi4j.trainer.train.Objective;
import dev.phi4j.trainer.train.TrainerConfig;
import dev.phi4j.trainer.train.TrainingData;
import dev.phi4j.trainer.train.TrainingProgress;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.MultiDataSet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * A DPO shard set (the mixture's dpo set: row i of split {@code chosen} and row i of split {@code rejected} are a
 * pair, {@code validation_chosen}/{@code validation_rejected} the held-out pairs) with the frozen reference model's
 * log-probability of every continuation. Those are computed when the data is opened, before the first step, by the
 * reference checkpoint ({@code trainer.dpo.reference}, else {@code trainer.init_from}) and cached on disk by the
 * reference's weights hash and the pair's content id, so a resumed run, or another seed from the same reference,
 * reads them instead of running the reference again, and does not even load it.
 */
public final class PreferenceData implements TrainingData {

    public static final String CHOSEN = "chosen";
    public static final String REJECTED = "rejected";
    public static final String VALIDATION_CHOSEN = "validation_chosen";
    public static final String VALIDATION_REJECTED = "validation_rejected";

    /** Pairs scored by the reference when the data was opened, pairs read from the cache, and the seconds it took. */
    public record ReferenceWork(int computed, int cached, double seconds, String referenceHash, Path cacheFile) {}

    private static final int REFERENCE_BATCH_PAIRS = 4;

    private final ShardSet shards;
    private final TrainerConfig.DpoConfig config;
    private final Split train;
    private final Split validation;
    private final ReferenceWork referenceWork;

    /** One split pair with its reference log-probs, index by index. */
    private record Split(ShardSet.Split chosen, ShardSet.Split rejected, double[] referenceChosen,
                         double[] referenceRejected) {

        long size() {
            return chosen.size();
        }
    }

    private PreferenceData(ShardSet shards, TrainerConfig.DpoConfig config, Split train, Split validation,
                           ReferenceWork referenceWork) {
        this.shards = shards;
        this.config = config;
        this.train = train;
        this.validation = validation;
        this.referenceWork = referenceWork;
    }

    /**
     * Opens the pairs of {@code shards} for a DPO run configured by {@code trainer} in {@code runDirectory} at context
     * {@code seqLen}, scoring with the reference whatever pairs the cache does not hold yet.
     */
    public static PreferenceData open(ShardSet shards, TrainerConfig trainer, Path runDirectory, int seqLen,
                                      TrainingProgress progress) throws IOException {
        Path manifest = shards.directory().resolve(ShardManifest.FILE_NAME);
        for (String split : List.of(CHOSEN, REJECTED)) {
            if (!shards.hasSplit(split)) {
                throw new IllegalArgumentException(manifest + ": a DPO set has splits " + CHOSEN + " and " + REJECTED
                        + " (the mixture's dpo set), this one has " + shards.manifest().splits().keySet()
                        + "; point trainer.data.shards at a dpo set, or train with trainer.objective: next_token");
            }
        }
        ShardSet.Split chosen = shards.split(CHOSEN), rejected = shards.split(REJECTED);
        if (chosen.size() != rejected.size() || chosen.size() == 0) {
            throw new IllegalArgumentException(manifest + ": splits " + CHOSEN + " and " + REJECTED + " hold "
                    + chosen.size() + " and " + rejected.size() + " rows; a DPO set has one pair per row index and at "
                    + "least one pair");
        }
        TrainerConfig.DpoConfig dpo = trainer.dpo();
        Path referencePath = dpo.reference().or(trainer::initFrom).orElseThrow();
        long start = System.nanoTime();
        ModelCheckpoint.Header reference = ModelCheckpoint.header(referencePath);
        if (reference.model().contextLength() < seqLen || reference.model().vocabSize() != shards.manifest().vocabSize()) {
            throw new IllegalArgumentException(reference.directory() + ": the DPO reference has vocab_size "
                    + reference.model().vocabSize() + " and context_length " + reference.model().contextLength()
                    + ", the pairs " + shards.manifest().vocabSize() + " and " + seqLen);
        }
        String hash = ReferenceLogProbs.hashOf(reference.weights());
        ComputationGraph[] loaded = new ComputationGraph[1];
        Supplier<ComputationGraph> network = () -> {
            if (loaded[0] == null) {
                loaded[0] = ModelCheckpoint.load(reference.directory()).net();
            }
            return loaded[0];
        };
        Path cacheDir = dpo.referenceCache().orElse(runDirectory.resolve("reference-logps"));
        List<ShardSet.Split[]> parts = new ArrayList<>();
        parts.add(new ShardSet.Split[] {chosen, rejected});
        boolean held = shards.hasSplit(VALIDATION_CHOSEN) && shards.hasSplit(VALIDATION_REJECTED)
                && shards.split(VALIDATION_CHOSEN).size() > 0;
        if (held) {
            parts.add(new ShardSet.Split[] {shards.split(VALIDATION_CHOSEN), shards.split(VALIDATION_REJECTED)});
        }
        progress.preparing(String.format(Locale.ROOT, "reference log-probs for %,d pair(s) from %s (%s)",
                chosen.size() + (held ? parts.get(1)[0].size() : 0), reference.directory(), hash));
        int computed = 0, cached = 0;
        List<Split> splits = new ArrayList<>();
        for (ShardSet.Split[] part : parts) {
            List<ReferenceLogProbs.Pair> pairs = pairs(part[0], part[1]);
            ReferenceLogProbs.Result result = ReferenceLogProbs.of(network, hash, pairs, seqLen,
                    reference.masking(), REFERENCE_BATCH_PAIRS, cacheDir);
            double[] referenceChosen = new double[pairs.size()], referenceRejected = new double[pairs.size()];
            for (int i = 0; i < pairs.size(); i++) {
                String id = pairs.get(i).id();
                referenceChosen[i] = result.chosen(id);
                referenceRejected[i] = result.rejected(id);
            }
            computed += result.computed();
            cached += result.cached();
            splits.add(new Split(part[0], part[1], referenceChosen, referenceRejected));
        }
        ReferenceWork work = new ReferenceWork(computed, cached, (System.nanoTime() - start) / 1e9, hash,
                ReferenceLogProbs.file(cacheDir, hash));
        progress.preparing(String.format(Locale.ROOT, "reference log-probs: %,d computed, %,d read from the cache %s "
                + "(%.1f s)", computed, cached, work.cacheFile(), work.seconds()));
        return new PreferenceData(shards, dpo, splits.get(0), held ? splits.get(1) : null, work);
    }

    /** The pairs of two row-aligned splits, read lazily, each with its content id. */
    private static List<ReferenceLogProbs.Pair> pairs(ShardSet.Split chosen, ShardSet.Split rejected) {
        return new AbstractList<>() {
            @Override
            public ReferenceLogProbs.Pair get(int index) {
                TokenRow c = chosen.get(index), r = rejected.get(index);
                return new ReferenceLogProbs.Pair(pairId(c, r), c, r);
            }

            @Override
            public int size() {
                return Math.toIntExact(chosen.size());
            }
        };
    }

    /** {@code pair-} + SHA-256 of both rows' tokens and loss masks: the same pair has the same id in any set. */
    static String pairId(TokenRow chosen, TokenRow rejected) {
        MessageDigest digest = Sha256.digest();
        for (TokenRow row : List.of(chosen, rejected)) {
            ByteBuffer bytes = ByteBuffer.allocate(row.tokens().length * 5 + 4);
            bytes.putInt(row.tokens().length);
            for (int t = 0; t < row.tokens().length; t++) {
                bytes.putInt(row.tokens()[t]);
                bytes.put((byte) (row.lossMask() != null && row.lossMask()[t] ? 1 : 0));
            }
            digest.update(bytes.array());
        }
        return "pair-" + Sha256.hex(digest);
    }

    /** What opening the data cost in reference forward passes, and what the cache saved. */
    public ReferenceWork referenceWork() {
        return referenceWork;
    }

    @Override
    public ShardSet shards() {
        return shards;
    }

    @Override
    public long size() {
        return train.size();
    }

    @Override
    public int sequencesPerExample() {
        return 2;
    }

    @Override
    public MultiDataSet microBatch(List<Long> examples, int seqLen, PhiDecoder.Masking masking) {
        return batch(train, examples, seqLen, masking);
    }

    @Override
    public List<MultiDataSet> validationBatches(int perBatch, int maxBatches, int seqLen, PhiDecoder.Masking masking) {
        List<MultiDataSet> batches = new ArrayList<>();
        if (validation == null) {
            return batches;
        }
        for (long from = 0; from < validation.size() && batches.size() < maxBatches; from += perBatch) {
            List<Long> examples = new ArrayList<>();
            for (long i = from; i < Math.min(from + perBatch, validation.size()); i++) {
                examples.add(i);
            }
            batches.add(batch(validation, examples, seqLen, masking));
        }
        return batches;
    }

    private static MultiDataSet batch(Split split, List<Long> examples, int seqLen, PhiDecoder.Masking masking) {
        List<TokenRow> chosen = new ArrayList<>(), rejected = new ArrayList<>();
        double[] referenceChosen = new double[examples.size()], referenceRejected = new double[examples.size()];
        for (int i = 0; i < examples.size(); i++) {
            int index = Math.toIntExact(examples.get(i));
            chosen.add(split.chosen().get(index));
            rejected.add(split.rejected().get(index));
            referenceChosen[i] = split.referenceChosen()[index];
            referenceRejected[i] = split.referenceRejected()[index];
        }
        return DpoBatch.of(chosen, rejected, referenceChosen, referenceRejected, seqLen, masking);
    }

    @Override
    public Objective objective(ComputationGraph net) {
        return new DpoObjective(net, config);
    }
}

package dev.phi4j.pipeline.mixture;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.InvalidConfigValue;
import dev.phi4j.core.config.Range;
import dev.phi4j.core.config.Variant;

/** The pretraining set: the pipeline's documents, mixed by group shares with repetition, packed at seq_len. */
@Variant("pretrain")
public record PretrainSetConfig(
        @Doc("folder of the set under the mixtures folder") @Default("pretrain") String name,
        @Doc("tokens per sequence: the model's context_length") @Default("4096") @Range(min = 8, max = 1 << 24)
        int seqLen,
        @Doc("tokens in the train split; 0: the largest budget the epoch caps allow with every group at its share")
        @Default("0") @Range(min = 0) long totalTokens,
        @Doc("target share of tokens per group (defaults: Table 5)") GroupShares shares,
        @Doc("most epochs per group") EpochCaps maxEpochs,
        @Doc("share of documents held out for the validation split, chosen by a hash of the document id")
        @Default("0.01") @Range(min = 0, max = 0.5) double validationFraction,
        @Doc("a new shard file after this many tokens") @Default("134217728") @Range(min = 1024) long maxTokensPerShard,
        @Doc("train shards at least (one Spark task packs each); more when the budget exceeds max_tokens_per_shard")
        @Default("4") @Range(min = 1, max = 100000) int minShards,
        @Doc("write sequences/: the ids of the documents in every row, so a training token leads back to its source")
        @Default("true") boolean sequenceIndex) implements MixtureSetConfig {

    public PretrainSetConfig {
        requireName(name);
        if (maxTokensPerShard < seqLen + 1L) {
            throw new InvalidConfigValue("max_tokens_per_shard", "max_tokens_per_shard (" + maxTokensPerShard
                    + ") must hold one row of seq_len + 1 = " + (seqLen + 1L) + " tokens");
        }
    }

    @Override
    public boolean readsDocuments() {
        return true;
    }

    static void requireName(String name) {
        if (!name.matches("[a-z0-9][a-z0-9_-]*")) {
            throw new InvalidConfigValue("name", "set name '" + name + "' must be lowercase letters, digits, '_' "
                    + "and '-' (it becomes a folder name)");
        }
    }
}

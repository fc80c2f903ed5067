package dev.phi4j.pipeline.mixture;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.InvalidConfigValue;
import dev.phi4j.core.config.Range;
import dev.phi4j.core.config.Variant;

/**
 * The midtraining set (report §3.3): naturally long documents (and synthetic ones above a lower threshold) make up
 * {@code long_share} of the tokens, the longest upweighted; the rest follows the pretraining distribution. Packed at
 * the long context length.
 */
@Variant("midtrain")
public record MidtrainSetConfig(
        @Doc("folder of the set under the mixtures folder") @Default("midtrain") String name,
        @Doc("tokens per sequence: the long context length") @Default("16384") @Range(min = 8, max = 1 << 24)
        int seqLen,
        @Doc("tokens in the train split; 0: the largest budget the epoch caps allow") @Default("0") @Range(min = 0)
        long totalTokens,
        @Doc("share of tokens from long documents (report: 30%)") @Default("0.3") @Range(min = 0, max = 1)
        double longShare,
        @Doc("a document of at least this many tokens is long (report: 8K)") @Default("8192") @Range(min = 1)
        int longMinTokens,
        @Doc("long documents of at least this many tokens are upweighted (report: 16K+)") @Default("16384")
        @Range(min = 1) int upweightAboveTokens,
        @Doc("how many times more often an upweighted document is repeated; the report gives no number")
        @Default("2.0") @Range(min = 1, max = 100) double upweight,
        @Doc("synthetic documents of at least this many tokens count as long too (report: 4K); 0: none")
        @Default("4096") @Range(min = 0) int syntheticMinTokens,
        @Doc("most epochs of the long documents (upweighted ones: this × upweight)") @Default("16")
        @Range(min = 0.01, max = 1e6) double longMaxEpochs,
        @Doc("shares of the remaining (recall) tokens per group: the pretraining distribution") GroupShares shares,
        @Doc("most epochs per group of the recall tokens") EpochCaps maxEpochs,
        @Doc("share of documents held out for the validation split") @Default("0.01") @Range(min = 0, max = 0.5)
        double validationFraction,
        @Doc("a new shard file after this many tokens") @Default("134217728") @Range(min = 1024) long maxTokensPerShard,
        @Doc("train shards at least") @Default("4") @Range(min = 1, max = 100000) int minShards,
        @Doc("write sequences/: the ids of the documents in every row") @Default("true") boolean sequenceIndex)
        implements MixtureSetConfig {

    public MidtrainSetConfig {
        PretrainSetConfig.requireName(name);
        if (upweightAboveTokens < longMinTokens) {
            throw new InvalidConfigValue("upweight_above_tokens", "upweight_above_tokens (" + upweightAboveTokens
                    + ") is below long_min_tokens (" + longMinTokens + ")");
        }
        if (maxTokensPerShard < seqLen + 1L) {
            throw new InvalidConfigValue("max_tokens_per_shard", "max_tokens_per_shard (" + maxTokensPerShard
                    + ") must hold one row of seq_len + 1 = " + (seqLen + 1L) + " tokens");
        }
    }

    @Override
    public boolean readsDocuments() {
        return true;
    }
}

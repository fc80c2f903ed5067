package dev.phi4j.pipeline.mixture;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.InvalidConfigValue;
import dev.phi4j.core.config.Range;
import dev.phi4j.core.config.Variant;

import java.util.List;

/**
 * The DPO set: each preference pair becomes row i of split {@code chosen} and row i of split {@code rejected}
 * (prompt + continuation, padded), with a loss mask over the continuation only.
 */
@Variant("dpo")
public record DpoSetConfig(
        @Doc("folder of the set under the mixtures folder") @Default("dpo") String name,
        @Doc("tokens per sequence: the model's context_length") @Default("4096") @Range(min = 8, max = 1 << 24)
        int seqLen,
        @Doc("pair files or folders: JSONL {\"prompt\": [messages], \"chosen\", \"rejected\", \"kind\"} or "
                + "PreferencePair Parquet") List<String> paths,
        @Doc("auto (by file name), jsonl or parquet") @Default("auto") PostTrainingInput format,
        @Doc("share of pairs held out for the validation splits") @Default("0.02") @Range(min = 0, max = 0.5)
        double validationFraction,
        @Doc("a new shard file after this many tokens") @Default("134217728") @Range(min = 1024) long maxTokensPerShard,
        @Doc("train shards at least") @Default("1") @Range(min = 1, max = 100000) int minShards)
        implements MixtureSetConfig {

    public DpoSetConfig {
        PretrainSetConfig.requireName(name);
        if (paths.isEmpty()) {
            throw new InvalidConfigValue("paths", "a dpo set needs at least one file of preference pairs");
        }
        if (maxTokensPerShard < seqLen + 1L) {
            throw new InvalidConfigValue("max_tokens_per_shard", "max_tokens_per_shard (" + maxTokensPerShard
                    + ") must hold one row of seq_len + 1 = " + (seqLen + 1L) + " tokens");
        }
    }
}

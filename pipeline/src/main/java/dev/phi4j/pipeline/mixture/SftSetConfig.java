package dev.phi4j.pipeline.mixture;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.InvalidConfigValue;
import dev.phi4j.core.config.Range;
import dev.phi4j.core.config.Variant;

import java.util.List;

/**
 * The SFT set: conversations in Phi-4's ChatML, with a loss mask that trains on assistant turns only (their content
 * and the {@code <|im_end|>} closing them).
 */
@Variant("sft")
public record SftSetConfig(
        @Doc("folder of the set under the mixtures folder") @Default("sft") String name,
        @Doc("tokens per sequence: the model's context_length") @Default("4096") @Range(min = 8, max = 1 << 24)
        int seqLen,
        @Doc("conversation files or folders: JSONL {\"messages\": [{\"role\", \"content\"}]} or Conversation Parquet")
        List<String> paths,
        @Doc("auto (by file name), jsonl or parquet") @Default("auto") PostTrainingInput format,
        @Doc("packed: several conversations per row, each its own document; padded: one conversation per row")
        @Default("packed") Packing packing,
        @Doc("share of conversations held out for the validation split") @Default("0.02") @Range(min = 0, max = 0.5)
        double validationFraction,
        @Doc("a new shard file after this many tokens") @Default("134217728") @Range(min = 1024) long maxTokensPerShard,
        @Doc("train shards at least") @Default("1") @Range(min = 1, max = 100000) int minShards)
        implements MixtureSetConfig {

    public enum Packing { PACKED, PADDED }

    public SftSetConfig {
        PretrainSetConfig.requireName(name);
        if (paths.isEmpty()) {
            throw new InvalidConfigValue("paths", "an sft set needs at least one file of conversations");
        }
        if (maxTokensPerShard < seqLen + 1L) {
            throw new InvalidConfigValue("max_tokens_per_shard", "max_tokens_per_shard (" + maxTokensPerShard
                    + ") must hold one row of seq_len + 1 = " + (seqLen + 1L) + " tokens");
        }
    }
}

package dev.phi4j.pipeline.mixture;

import dev.phi4j.core.config.Variants;

/**
 * One token shard set a mixture build writes; {@code kind:} names which:
 * <pre>
 * sets:
 *   - kind: pretrain          # the pipeline's documents, mixed by group shares, packed at seq_len
 *   - kind: midtrain          # 30% long documents + 70% the pretraining distribution, at the long context
 *   - kind: sft               # ChatML conversations with assistant-only loss masks
 *   - kind: dpo               # chosen / rejected rows of preference pairs
 * </pre>
 */
@Variants(key = "kind", value = {PretrainSetConfig.class, MidtrainSetConfig.class, SftSetConfig.class,
        DpoSetConfig.class})
public interface MixtureSetConfig {

    /** The set's folder under the mixtures folder. */
    String name();

    /** Tokens per training sequence (rows hold one more: the last input's target). */
    int seqLen();

    long maxTokensPerShard();

    /** Whether the set is made from the pipeline's documents (pretrain, midtrain) rather than its own files. */
    default boolean readsDocuments() {
        return false;
    }
}

package dev.phi4j.trainer.model;

import dev.phi4j.core.model.ModelConfig;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.function.IntUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Grouped-query attention is multi-head attention whose query heads share key/value heads: a GQA model must compute
 * exactly what an MHA model computes when the MHA's k and v weights repeat each GQA kv head for its query heads.
 */
class GroupedQueryAttentionTest {

    private static final ModelConfig GQA = TinyModels.GQA;
    private static final ModelConfig MHA = new ModelConfig(GQA.vocabSize(), GQA.dModel(), GQA.nLayers(),
            GQA.nHeads(), GQA.nHeads(), GQA.ffnHidden(), GQA.contextLength(), GQA.ropeTheta(), GQA.normEps());

    @Test
    void gqaEqualsMhaWhoseKeyAndValueWeightsAreDuplicatedPerGroup() {
        int group = GQA.nHeads() / GQA.nKvHeads();
        ComputationGraph gqa = TinyModels.inDouble(GQA, PhiDecoder.Masking.CAUSAL, 3);
        ComputationGraph mha = withGqaWeights(gqa, head -> head / group);
        INDArray tokens = TinyModels.randomTokens(2, GQA.contextLength(), GQA.vocabSize(), 5);

        assertEquals(0.0, TinyModels.maxAbsDifference(PhiDecoder.logits(gqa, tokens), PhiDecoder.logits(mha, tokens)),
                1e-12);
    }

    @Test
    void sharingKvHeadsInAnotherOrderIsADifferentModel() {
        ComputationGraph gqa = TinyModels.inDouble(GQA, PhiDecoder.Masking.CAUSAL, 3);
        ComputationGraph interleaved = withGqaWeights(gqa, head -> head % GQA.nKvHeads());
        INDArray tokens = TinyModels.randomTokens(2, GQA.contextLength(), GQA.vocabSize(), 5);

        assertTrue(TinyModels.maxAbsDifference(PhiDecoder.logits(gqa, tokens),
                PhiDecoder.logits(interleaved, tokens)) > 1e-6);
    }

    /** An MHA network with gqa's weights, query head h reading k and v of GQA kv head kvHeadOf(h). */
    private static ComputationGraph withGqaWeights(ComputationGraph gqa, IntUnaryOperator kvHeadOf) {
        ComputationGraph mha = TinyModels.inDouble(MHA, PhiDecoder.Masking.CAUSAL, 4);
        mha.paramTable().forEach((name, weights) -> {
            INDArray source = gqa.paramTable().get(name);
            boolean keyOrValue = name.endsWith("_" + DecoderBlock.WK) || name.endsWith("_" + DecoderBlock.WV);
            weights.assign(keyOrValue ? repeatKvHeads(source, kvHeadOf) : source);
        });
        return mha;
    }

    /** (d_model, nKvHeads·head_dim) → (d_model, nHeads·head_dim), head h's columns from kv head kvHeadOf(h). */
    private static INDArray repeatKvHeads(INDArray kv, IntUnaryOperator kvHeadOf) {
        int headDim = GQA.headDim();
        INDArray repeated = Nd4j.zeros(kv.dataType(), kv.size(0), (long) GQA.nHeads() * headDim);
        for (int head = 0; head < GQA.nHeads(); head++) {
            int kvHead = kvHeadOf.applyAsInt(head);
            repeated.get(NDArrayIndex.all(), NDArrayIndex.interval(head * headDim, (head + 1) * headDim))
                    .assign(kv.get(NDArrayIndex.all(), NDArrayIndex.interval(kvHead * headDim, (kvHead + 1) * headDim)));
        }
        return repeated;
    }
}

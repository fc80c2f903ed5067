package dev.phi4j.trainer.model;

import dev.phi4j.core.model.ModelConfig;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDVertexParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;
import java.util.Objects;

/**
 * One transformer block as a DL4J graph vertex; the math is {@link PhiDecoder#block}. A vertex rather than a
 * {@code SameDiffLayer} because with document masking it takes a second input, the segment ids.
 *
 * <p>The no-argument constructor and the getters and setters let DL4J rebuild the block from its JSON config.
 */
public class DecoderBlock extends SameDiffVertex {

    static final String INPUT = "x";
    static final String SEGMENT_IDS = "segmentIds";

    static final String ATTENTION_NORM = "attentionNorm";
    static final String WQ = "wq";
    static final String WK = "wk";
    static final String WV = "wv";
    static final String WO = "wo";
    static final String MLP_NORM = "mlpNorm";
    static final String W_GATE = "wGate";
    static final String W_UP = "wUp";
    static final String W_DOWN = "wDown";

    private ModelConfig model;
    private PhiDecoder.Masking masking;

    public DecoderBlock() {}

    public DecoderBlock(ModelConfig model, PhiDecoder.Masking masking) {
        this.model = model;
        this.masking = masking;
    }

    @Override
    public void defineParametersAndInputs(SDVertexParams params) {
        if (masking == PhiDecoder.Masking.DOCUMENTS) {
            params.defineInputs(INPUT, SEGMENT_IDS);
        } else {
            params.defineInputs(INPUT);
        }
        int d = model.dModel();
        // RMSNorm gains are registered as DL4J "bias" parameters: they then take the bias settings, so a trainer's
        // weightDecay(...) does not decay them, as for PyTorch's usual no-decay group.
        params.addBiasParam(ATTENTION_NORM, d);
        params.addWeightParam(WQ, d, (long) model.nHeads() * model.headDim());
        params.addWeightParam(WK, d, model.kvDim());
        params.addWeightParam(WV, d, model.kvDim());
        params.addWeightParam(WO, (long) model.nHeads() * model.headDim(), d);
        params.addBiasParam(MLP_NORM, d);
        params.addWeightParam(W_GATE, d, model.ffnHidden());
        params.addWeightParam(W_UP, d, model.ffnHidden());
        params.addWeightParam(W_DOWN, model.ffnHidden(), d);
    }

    @Override
    public SDVariable defineVertex(SameDiff sd, Map<String, SDVariable> inputs, Map<String, SDVariable> params,
                                   Map<String, SDVariable> masks) {
        SDVariable x = inputs.get(INPUT);
        PhiDecoder.BlockWeights weights = PhiDecoder.BlockWeights.of(params);
        if (masking == PhiDecoder.Masking.CAUSAL) {
            return PhiDecoder.block(x, PhiDecoder.causal(sd, x.dataType(), model), weights, model);
        }
        SDVariable segmentIds = inputs.get(SEGMENT_IDS);
        SDVariable out = PhiDecoder.block(x, PhiDecoder.documents(segmentIds, model), weights, model);
        // DL4J takes a gradient for every vertex input and fails on a missing one; segment ids only feed
        // comparisons, so a term that adds nothing gives them an explicit zero gradient.
        return out.add(segmentIds.mul(0.0).reshape(-1, 1, model.contextLength()));
    }

    /** normal(0, 0.02); wo and wDown, which add into the residual stream, scaled by 1/sqrt(2·nLayers); gains 1. */
    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        double residualStd = PhiDecoder.INIT_STD / Math.sqrt(2.0 * model.nLayers());
        params.forEach((name, array) -> {
            switch (name) {
                case ATTENTION_NORM, MLP_NORM -> array.assign(1.0);
                case WO, W_DOWN -> array.assign(Nd4j.randn(array.dataType(), array.shape()).muli(residualStd));
                default -> array.assign(Nd4j.randn(array.dataType(), array.shape()).muli(PhiDecoder.INIT_STD));
            }
        });
    }

    /** DL4J's own {@code instantiate}, with the runtime that backpropagates exact gradients. */
    @Override
    public GraphVertex instantiate(ComputationGraph graph, String name, int vertexIndex, INDArray paramsView,
                                   boolean initializeParams, DataType dataType) {
        setName(name);
        return new SameDiffFixes.Vertex(this, graph, name, vertexIndex, paramsView, initializeParams, dataType);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... inputTypes) {
        return InputType.recurrent(model.dModel(), model.contextLength());
    }

    /** Used when DL4J copies a configuration (transfer learning, parallel and Spark training). */
    @Override
    public DecoderBlock clone() {
        DecoderBlock copy = new DecoderBlock(model, masking);
        copy.setUpdater(updater == null ? null : updater.clone());
        copy.setBiasUpdater(biasUpdater == null ? null : biasUpdater.clone());
        copy.setRegularization(regularization);
        copy.setRegularizationBias(regularizationBias);
        copy.setGradientNormalization(gradientNormalization);
        copy.setGradientNormalizationThreshold(gradientNormalizationThreshold);
        copy.setDataType(dataType);
        return copy;
    }

    public ModelConfig getModel() {
        return model;
    }

    public void setModel(ModelConfig model) {
        this.model = model;
    }

    public PhiDecoder.Masking getMasking() {
        return masking;
    }

    public void setMasking(PhiDecoder.Masking masking) {
        this.masking = masking;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DecoderBlock other && super.equals(o)
                && Objects.equals(model, other.model) && masking == other.masking;
    }

    @Override
    protected boolean canEqual(Object other) {
        return other instanceof DecoderBlock;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), model, masking);
    }
}

package dev.phi4j.trainer.model;

import dev.phi4j.core.model.ModelConfig;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One transformer block as a DL4J graph vertex: its parameters, initialisation and JSON configuration. The math is
 * {@link TransformerBlock}; {@link DecoderBlockRuntime} runs it inside the graph. A vertex rather than a layer because with document masking it takes a second input,
 * the segment ids.
 *
 * <p>Parameters, in their order in the network's parameter vector (matrices 'f' order, shapes (in, out) so that a
 * projection is {@code x · W}): {@code wq} (d_model, nHeads·head_dim), {@code wk} and {@code wv}
 * (d_model, nKvHeads·head_dim), {@code wo} (nHeads·head_dim, d_model), {@code wGate} and {@code wUp}
 * (d_model, ffn_hidden), {@code wDown} (ffn_hidden, d_model), then the RMSNorm gains {@code attentionNorm} and
 * {@code mlpNorm} (d_model). Stored so, wq|wk|wv and wGate|wUp are each one matrix: one GEMM apiece.
 */
public class DecoderBlock extends ParameterizedVertex {

    static final String WQ = "wq";
    static final String WK = "wk";
    static final String WV = "wv";
    static final String WO = "wo";
    static final String W_GATE = "wGate";
    static final String W_UP = "wUp";
    static final String W_DOWN = "wDown";
    static final String ATTENTION_NORM = "attentionNorm";
    static final String MLP_NORM = "mlpNorm";

    private ModelConfig model;
    private PhiDecoder.Masking masking;

    public DecoderBlock() {}

    public DecoderBlock(ModelConfig model, PhiDecoder.Masking masking) {
        this.model = model;
        this.masking = masking;
    }

    @Override
    List<Parameter> parameters() {
        int d = model.dModel();
        long attentionWidth = (long) model.nHeads() * model.headDim();
        return List.of(
                Parameter.matrix(WQ, d, attentionWidth),
                Parameter.matrix(WK, d, model.kvDim()),
                Parameter.matrix(WV, d, model.kvDim()),
                Parameter.matrix(WO, attentionWidth, d),
                Parameter.matrix(W_GATE, d, model.ffnHidden()),
                Parameter.matrix(W_UP, d, model.ffnHidden()),
                Parameter.matrix(W_DOWN, model.ffnHidden(), d),
                Parameter.gain(ATTENTION_NORM, d),
                Parameter.gain(MLP_NORM, d));
    }

    /** normal(0, 0.02); wo and wDown, which add into the residual stream, scaled by 1/sqrt(2·nLayers); gains 1. */
    @Override
    void initializeParameters(Map<String, INDArray> params) {
        double residualStd = PhiDecoder.INIT_STD / Math.sqrt(2.0 * model.nLayers());
        params.forEach((name, array) -> {
            switch (name) {
                case ATTENTION_NORM, MLP_NORM -> array.assign(1.0);
                case WO, W_DOWN -> array.assign(Nd4j.randn(array.dataType(), array.shape()).muli(residualStd));
                default -> array.assign(Nd4j.randn(array.dataType(), array.shape()).muli(PhiDecoder.INIT_STD));
            }
        });
    }

    @Override
    public GraphVertex instantiate(ComputationGraph graph, String name, int vertexIndex, INDArray paramsView,
                                   boolean initializeParams, DataType dataType) {
        setName(name);
        return new DecoderBlockRuntime(this, graph, name, vertexIndex, paramsView, initializeParams, dataType);
    }

    @Override
    public int minVertexInputs() {
        return masking == PhiDecoder.Masking.DOCUMENTS ? 2 : 1;
    }

    @Override
    public int maxVertexInputs() {
        return minVertexInputs();
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... inputTypes) {
        return InputType.recurrent(model.dModel(), model.contextLength());
    }

    /** Used when DL4J copies a configuration (transfer learning, parallel and Spark training). */
    @Override
    public DecoderBlock clone() {
        return withTrainingSettingsOf(new DecoderBlock(model, masking));
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
    public int hashCode() {
        return Objects.hash(super.hashCode(), model, masking);
    }
}

package dev.phi4j.trainer.model;

import dev.phi4j.core.model.ModelConfig;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The RMSNorm after the last block, on (B, d_model, T); a gain, no bias. Its output is the decoder's final hidden
 * state, which the LM head (or a custom loss such as DPO's, in its place) reads.
 */
public class FinalRmsNorm extends ParameterizedVertex {

    static final String GAIN = "gain";

    private ModelConfig model;

    public FinalRmsNorm() {}

    public FinalRmsNorm(ModelConfig model) {
        this.model = model;
    }

    @Override
    List<Parameter> parameters() {
        return List.of(Parameter.gain(GAIN, model.dModel()));
    }

    @Override
    void initializeParameters(Map<String, INDArray> params) {
        params.get(GAIN).assign(1.0);
    }

    @Override
    public GraphVertex instantiate(ComputationGraph graph, String name, int vertexIndex, INDArray paramsView,
                                   boolean initializeParams, DataType dataType) {
        setName(name);
        return new Runtime(this, graph, name, vertexIndex, paramsView, initializeParams, dataType);
    }

    @Override
    public int minVertexInputs() {
        return 1;
    }

    @Override
    public int maxVertexInputs() {
        return 1;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... inputTypes) {
        return InputType.recurrent(model.dModel(), model.contextLength());
    }

    @Override
    public FinalRmsNorm clone() {
        return withTrainingSettingsOf(new FinalRmsNorm(model));
    }

    public ModelConfig getModel() {
        return model;
    }

    public void setModel(ModelConfig model) {
        this.model = model;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FinalRmsNorm other && super.equals(o) && Objects.equals(model, other.model);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), model);
    }

    private static final class Runtime extends ParameterizedVertexRuntime {

        private final double eps;
        private INDArray invRms;                          // (N, 1), kept for backprop
        private INDArray normed;                          // (N, d)

        Runtime(FinalRmsNorm config, ComputationGraph graph, String name, int vertexIndex, INDArray paramsView,
                boolean initializeParams, DataType dataType) {
            super(config, graph, name, vertexIndex, paramsView, initializeParams, dataType);
            this.eps = config.getModel().normEps();
        }

        @Override
        public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
            INDArray x = rows(inputs[0]);                                                    // (N, d)
            long[] shape = x.shape();
            ArrayType keep = training ? ArrayType.ACTIVATIONS : ArrayType.FF_WORKING_MEM;
            INDArray inv = workspaceMgr.createUninitialized(keep, x.dataType(), new long[] {shape[0], 1}, 'c');
            INDArray xHat = workspaceMgr.createUninitialized(keep, x.dataType(), shape, 'c');
            INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), shape, 'c');
            TransformerBlock.rmsNorm(x, param(GAIN), eps, inv, xHat, out);
            invRms = training ? inv : null;
            normed = training ? xHat : null;
            return channelsFirst(out, inputs[0].size(0));                                    // (B, d, T)
        }

        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
            if (normed == null) {
                throw new IllegalStateException(getVertexName() + ": backprop without a training forward pass");
            }
            INDArray dOut = rows(epsilon);                                                   // (N, d)
            INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dOut.dataType(), dOut.shape(),
                    'c');
            TransformerBlock.rmsNormBackward(dOut, normed, invRms, param(GAIN), gradient(GAIN), dx);
            invRms = null;
            normed = null;
            Gradient gradient = new DefaultGradient();
            gradient.setGradientFor(GAIN, gradient(GAIN));
            return new Pair<>(gradient, new INDArray[] {channelsFirst(dx, epsilon.size(0))});
        }

        @Override
        public void clear() {
            super.clear();
            invRms = null;
            normed = null;
        }
    }
}

package dev.phi4j.trainer.model;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.api.TrainingConfig;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

import java.util.Map;

/**
 * The runtime of a {@link ParameterizedVertex}: its parameters and gradients as views of the network's flattened
 * arrays, which DL4J's updater, serializer and Spark training read and write directly.
 *
 * <p>Activations pass between vertices in DL4J's channels-first sequence layout (B, C, T), but the memory underneath
 * is row-major (B, T, C): a vertex's output is a permuted view of its (B·T, C) rows, so the next vertex reads its
 * input as rows without a copy.
 */
@SuppressWarnings("overrides") // DL4J's BaseGraphVertex drops the varargs of GraphVertex.setInputs
abstract class ParameterizedVertexRuntime extends BaseGraphVertex {

    private final ParameterizedVertex config;
    private final INDArray params;
    private final Map<String, INDArray> paramTable;
    private INDArray gradients;
    private Map<String, INDArray> gradientTable;

    ParameterizedVertexRuntime(ParameterizedVertex config, ComputationGraph graph, String name, int vertexIndex,
                               INDArray paramsView, boolean initializeParams, DataType dataType) {
        super(graph, name, vertexIndex, null, null, dataType);
        this.config = config;
        this.params = paramsView;
        this.paramTable = config.views(paramsView);
        if (initializeParams) {
            config.initializeParameters(paramTable);
        }
    }

    /** The parameter's view in the network's parameters. */
    INDArray param(String name) {
        return paramTable.get(name);
    }

    /** The parameter's view in the network's gradients. */
    INDArray gradient(String name) {
        return gradientTable.get(name);
    }

    /** Called by {@link ComputationGraph#init()} once the flattened gradients exist. */
    @Override
    public void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
        gradients = backpropGradientsViewArray;
        gradientTable = config.views(backpropGradientsViewArray);
        onGradientsView(backpropGradientsViewArray);
    }

    /** For vertices that keep joined views of their gradients. */
    void onGradientsView(INDArray flatGradients) {}

    /** (B, C, T) → its (B·T, C) rows, a view where the memory is row-major (B, T, C), else a copy. */
    static INDArray rows(INDArray channelsFirst) {
        INDArray timeMajor = channelsFirst.permute(0, 2, 1);                                // (B, T, C)
        if (timeMajor.ordering() != 'c' || !Shape.hasDefaultStridesForShape(timeMajor)) {
            timeMajor = timeMajor.dup('c');
        }
        return timeMajor.reshape(timeMajor.size(0) * timeMajor.size(1), timeMajor.size(2));
    }

    /** (B·T, C) rows → the (B, C, T) view DL4J passes between vertices. */
    static INDArray channelsFirst(INDArray rows, long batch) {
        return rows.reshape(batch, rows.size(0) / batch, rows.size(1)).permute(0, 2, 1);
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState,
                                                           int minibatchSize) {
        if (maskArrays != null) {
            for (INDArray mask : maskArrays) {
                if (mask != null) {
                    throw new UnsupportedOperationException(getVertexName() + ": feature masks are not supported; "
                            + "pad rows to the context length and mask the padding out of the loss with a label mask");
                }
            }
        }
        return new Pair<>(null, currentMaskState);
    }

    @Override
    public boolean hasLayer() {
        return false;
    }

    @Override
    public Layer getLayer() {
        return null;
    }

    @Override
    public Map<String, INDArray> paramTable(boolean backpropOnly) {
        return paramTable;
    }

    @Override
    public TrainingConfig getConfig() {
        return config;
    }

    @Override
    public INDArray params() {
        return params;
    }

    @Override
    public INDArray getGradientsViewArray() {
        return gradients;
    }

    @Override
    public void clearVertex() {
        clear();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + getVertexName() + ")";
    }
}

package dev.phi4j.trainer.model;

import dev.phi4j.core.model.ModelConfig;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.function.Function;

/**
 * A {@link TransformerBlock} as a DL4J graph vertex: DL4J's (B, d_model, T) activations in and out as rows, the
 * parameters and gradients as views of the network's, and where each array lives (DL4J's workspaces). The math is
 * {@link TransformerBlock}'s; attention is {@link SelfAttention}, causal or document-masked.
 */
final class DecoderBlockRuntime extends ParameterizedVertexRuntime {

    private final ModelConfig c;
    private final PhiDecoder.Masking masking;
    private final TransformerBlock block;
    private final TransformerBlock.RopeTable rope;
    private final TransformerBlock.Weights weights;
    private TransformerBlock.Weights gradients;
    private Saved saved;

    /** What backprop needs from the training forward pass. */
    private record Saved(TransformerBlock.Activations activations, SelfAttention attention) {}

    DecoderBlockRuntime(DecoderBlock config, ComputationGraph graph, String name, int vertexIndex, INDArray paramsView,
                        boolean initializeParams, DataType dataType) {
        super(config, graph, name, vertexIndex, paramsView, initializeParams, dataType);
        this.c = config.getModel();
        this.masking = config.getMasking();
        this.block = new TransformerBlock(c);
        this.rope = TransformerBlock.RopeTable.of(c, dataType);
        this.weights = blockViews(config, paramsView, this::param);
    }

    @Override
    void onGradientsView(INDArray flatGradients) {
        gradients = blockViews((DecoderBlock) getConfig(), flatGradients, this::gradient);
    }

    private static TransformerBlock.Weights blockViews(DecoderBlock config, INDArray flat,
                                                       Function<String, INDArray> view) {
        return new TransformerBlock.Weights(
                config.joinedColumns(flat, DecoderBlock.WQ, DecoderBlock.WV), view.apply(DecoderBlock.WO),
                config.joinedColumns(flat, DecoderBlock.W_GATE, DecoderBlock.W_UP), view.apply(DecoderBlock.W_DOWN),
                view.apply(DecoderBlock.ATTENTION_NORM), view.apply(DecoderBlock.MLP_NORM));
    }

    TransformerBlock.Weights weights() {
        return weights;
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray input = inputs[0];                                                          // (B, d_model, T)
        long batch = input.size(0);
        int t = (int) input.size(2);
        if (t != c.contextLength()) {
            throw new IllegalArgumentException(getVertexName() + ": sequences must be contextLength ("
                    + c.contextLength() + ") long, got " + t + "; pad them and mask the padding out of the loss");
        }
        TransformerBlock.Allocator activations =
                (type, shape) -> workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, type, shape, 'c');
        TransformerBlock.Memory memory = new TransformerBlock.Memory(
                training ? activations : TransformerBlock.Allocator.SCRATCH, activations);
        SelfAttention attention = masking == PhiDecoder.Masking.CAUSAL
                ? SelfAttention.causal(c, rope, t, TransformerBlock.QUERY_BLOCK)
                : SelfAttention.documents(c, rope, inputs[1], TransformerBlock.QUERY_BLOCK, memory);
        TransformerBlock.Activations forward =
                block.forward(rows(input), batch, weights, attention.angles(), attention, memory);
        saved = training ? new Saved(forward, attention) : null;
        return channelsFirst(forward.out(), batch);                                          // (B, d_model, T)
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        Saved s = saved;
        if (s == null) {
            throw new IllegalStateException(getVertexName() + ": backprop without a training forward pass");
        }
        saved = null;
        INDArray dx = block.backward(s.activations(), s.attention(), rows(epsilon), weights, gradients,
                (type, shape) -> workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, type, shape, 'c'));

        Gradient gradient = new DefaultGradient();
        for (String name : paramTable(false).keySet()) {
            INDArray view = gradient(name);
            gradient.setGradientFor(name, view, view.rank() == 2 ? 'f' : 'c');
        }
        long batch = s.activations().batch();
        // Segment ids only feed comparisons: no gradient (DL4J accepts null for an input vertex).
        INDArray[] inputGradients = masking == PhiDecoder.Masking.DOCUMENTS
                ? new INDArray[] {channelsFirst(dx, batch), null} : new INDArray[] {channelsFirst(dx, batch)};
        return new Pair<>(gradient, inputGradients);
    }

    @Override
    public void clear() {
        super.clear();
        saved = null;
    }
}

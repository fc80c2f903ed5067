package dev.phi4j.trainer.model;

import dev.phi4j.core.model.ModelConfig;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossSparseMCXENT;

import java.util.Collection;

/**
 * The untied LM head: logits = hidden · W (no bias), softmax over the vocabulary, cross-entropy against next-token
 * ids (B, 1, T) with an optional label mask (B, T). The configuration is DL4J's {@code RnnOutputLayer} (softmax,
 * sparse MCXENT), so parameters, updater, weight decay and JSON are DL4J's; the runtime is fused: one logits GEMM
 * and one softmax serve the loss, its gradient (softmax − one-hot) and the score, where DL4J's layer builds a
 * one-hot (B·T, vocab) array and computes the logits twice. The loss is summed over a row's unmasked positions and
 * averaged over rows; the gradients are of the minibatch sum (DL4J's updater divides by B).
 */
public class LmHead extends RnnOutputLayer {

    public LmHead() {}

    public LmHead(ModelConfig model, IWeightInit weightInit) {
        setNIn(model.dModel());
        setNOut(model.vocabSize());
        setHasBias(false);
        setActivationFn(Activation.SOFTMAX.getActivationFunction());
        setLossFn(new LossSparseMCXENT());
        setWeightInitFn(weightInit);
        setRnnDataFormat(RNNFormat.NCW);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray paramsView, boolean initializeParams, DataType dataType) {
        LayerValidation.assertNInNOutSet("LmHead", getLayerName(), layerIndex, getNIn(), getNOut());
        Fused layer = new Fused(conf, dataType);
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(paramsView);
        layer.setParamTable(initializer().init(conf, paramsView, initializeParams));
        layer.setConf(conf);
        return layer;
    }

    /** Row-major logits of the (B, d_model, T) hidden states: (B·T, vocab), rows in (b, t) order. */
    static INDArray logitsOf(INDArray hidden, INDArray weights, INDArray destination) {
        Nd4j.gemm(ParameterizedVertexRuntime.rows(hidden), weights, destination, false, false, 1.0, 0.0);
        return destination;
    }

    /**
     * Softmax over the last axis of (N, vocab), in place. Through a rank-3 view: oneDNN builds of ND4J run rank-3
     * softmax about 8× faster than rank 2 (measured at 2048 × 8192).
     */
    static void softmaxInPlace(INDArray rows) {
        INDArray view = rows.reshape(1, rows.size(0), rows.size(1));
        Nd4j.exec(new SoftMax(view, view, 2));
    }

    static final class Fused extends org.deeplearning4j.nn.layers.recurrent.RnnOutputLayer {

        /** Below this probability a target's loss is recomputed from its logits in double. */
        private static final double UNDERFLOW = 1e-30;

        private INDArray labelMask;                       // as given: (B, T)
        private INDArray scoredInput;                     // what the last backprop scored, to reuse its loss
        private INDArray scoredLabels;
        private INDArray scoredMask;
        private double scoredLoss;

        Fused(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        @Override
        public void setMaskArray(INDArray maskArray) {
            labelMask = maskArray;
            super.setMaskArray(maskArray);
        }

        /** Softmax of the logits, (B, vocab, T). Feature masks are not supported (the decoder takes none). */
        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(false);
            long batch = input.size(0), length = input.size(2);
            INDArray probabilities = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(),
                    new long[] {batch * length, getParam("W").size(1)}, 'c');
            softmaxInPlace(logitsOf(input, getParam("W"), probabilities));
            return probabilities.reshape(batch, length, probabilities.size(1)).permute(0, 2, 1);
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(true);
            INDArray weights = getParam("W");                                                // (d, vocab)
            int[] targets = targets();
            INDArray mask = rowMask();
            INDArray dLogits = Nd4j.createUninitialized(input.dataType(), targets.length, weights.size(1));
            softmaxInPlace(logitsOf(input, weights, dLogits));
            scoredLoss = sumOfLosses(dLogits, targets, mask, weights);
            scoredInput = input;
            scoredLabels = labels;
            scoredMask = labelMask;

            for (int row = 0; row < targets.length; row++) {                                 // softmax − one-hot
                dLogits.putScalar(row, targets[row], dLogits.getDouble(row, targets[row]) - 1.0);
            }
            if (mask != null) {
                dLogits.muliColumnVector(mask);
            }
            INDArray rows = ParameterizedVertexRuntime.rows(input);                          // (N, d)
            Nd4j.gemm(rows, dLogits, gradientViews.get("W"), true, false, 1.0, 0.0);
            INDArray dRows = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(),
                    rows.shape(), 'c');
            Nd4j.gemm(dLogits, weights, dRows, false, true, 1.0, 0.0);                       // (N, d)
            Gradient gradient = new DefaultGradient();
            gradient.gradientForVariable().put("W", gradientViews.get("W"));
            return new Pair<>(gradient, ParameterizedVertexRuntime.channelsFirst(dRows, input.size(0)));
        }

        @Override
        public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(false);
            double loss = input == scoredInput && labels == scoredLabels && labelMask == scoredMask
                    ? scoredLoss : freshLosses().sumNumber().doubleValue();
            scoredInput = null;
            score = loss / input.size(0) + fullNetRegTerm;
            return score;
        }

        /** The loss summed over each row's unmasked positions, (B, 1). */
        @Override
        public INDArray computeScoreForExamples(double fullNetRegTerm, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(false);
            // Outside DL4J's workspaces: the caller detaches the result after the layer's workspace has closed.
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                INDArray perRow = freshLosses().reshape(input.size(0), input.size(2)).sum(true, 1);
                return fullNetRegTerm == 0 ? perRow : perRow.addi(fullNetRegTerm);
            }
        }

        /** Per-position losses, masked positions 0, as (B·T) in (b, t) order. */
        private INDArray freshLosses() {
            INDArray weights = getParam("W");
            int[] targets = targets();
            INDArray probabilities = Nd4j.createUninitialized(input.dataType(), targets.length, weights.size(1));
            softmaxInPlace(logitsOf(input, weights, probabilities));
            double[] losses = new double[targets.length];
            INDArray mask = rowMask();
            for (int row = 0; row < targets.length; row++) {
                losses[row] = mask != null && mask.getDouble(row) == 0 ? 0
                        : loss(probabilities, row, targets[row], weights);
            }
            return Nd4j.createFromArray(losses);
        }

        private double sumOfLosses(INDArray probabilities, int[] targets, INDArray mask, INDArray weights) {
            double sum = 0;
            for (int row = 0; row < targets.length; row++) {
                if (mask == null || mask.getDouble(row) != 0) {
                    double weight = mask == null ? 1.0 : mask.getDouble(row);
                    sum += weight * loss(probabilities, row, targets[row], weights);
                }
            }
            return sum;
        }

        /** −log p(target); from the logits in double when p underflows, so a confident mistake is not infinite. */
        private double loss(INDArray probabilities, int row, int target, INDArray weights) {
            double p = probabilities.getDouble(row, target);
            if (p > UNDERFLOW) {
                return -Math.log(p);
            }
            INDArray hidden = ParameterizedVertexRuntime.rows(input).getRow(row, true);
            double[] logits = hidden.mmul(weights).toDoubleVector();
            double max = Double.NEGATIVE_INFINITY;
            for (double z : logits) {
                max = Math.max(max, z);
            }
            double sum = 0;
            for (double z : logits) {
                sum += Math.exp(z - max);
            }
            return max + Math.log(sum) - logits[target];
        }

        /** Target ids (B, 1, T) in (b, t) order, checked against the vocabulary. */
        private int[] targets() {
            if (labels == null) {
                throw new IllegalStateException(layerId() + ": no labels");
            }
            long batch = labels.size(0), length = labels.size(2);
            if (labels.rank() != 3 || labels.size(1) != 1 || batch != input.size(0) || length != input.size(2)) {
                throw new IllegalArgumentException(layerId() + ": labels must be next-token ids (B, 1, T) = ("
                        + input.size(0) + ", 1, " + input.size(2) + "), got " + java.util.Arrays.toString(labels.shape()));
            }
            double[][] ids = labels.reshape(batch, length).toDoubleMatrix();
            long vocab = getParam("W").size(1);
            int[] targets = new int[(int) (batch * length)];
            for (int b = 0; b < batch; b++) {
                for (int t = 0; t < length; t++) {
                    double id = ids[b][t];
                    if (id < 0 || id >= vocab || id != Math.rint(id)) {
                        throw new IllegalArgumentException(layerId() + ": label " + id + " at row " + b + ", position "
                                + t + " is not a token id of the vocabulary (0.." + (vocab - 1) + ")");
                    }
                    targets[(int) (b * length + t)] = (int) id;
                }
            }
            return targets;
        }

        /** The label mask as a (B·T, 1) column in (b, t) order, or null. */
        private INDArray rowMask() {
            if (labelMask == null) {
                return null;
            }
            return labelMask.castTo(input.dataType()).dup('c').reshape(labelMask.length(), 1);
        }
    }
}

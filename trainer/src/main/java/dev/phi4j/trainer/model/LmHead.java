package dev.phi4j.trainer.model;

import dev.phi4j.core.model.ModelConfig;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.util.TimeSeriesUtils;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.impl.LossSparseMCXENT;

import java.util.Collection;

/**
 * The untied LM head: DL4J's {@code RnnOutputLayer} without a bias, softmax over the vocabulary, sparse cross-entropy
 * against next-token ids (B, 1, T). M2.1's RnnOutputLayer trains without a bias but fails in {@code output()}: its
 * {@code activate} adds the bias unconditionally. This head's runtime activates through {@code preOutput2d}, which
 * honours {@code hasBias(false)}.
 *
 * <p>Measured alternative: a bias-free {@code DenseLayer} followed by an {@code RnnLossLayer} works unmodified but
 * costs about 0.45 s more per step on shape A (two more 3-D/2-D copies of the (B·T, vocab) logits).
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

    /** DL4J's own {@code instantiate}, with the runtime whose {@code output()} works without a bias. */
    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray paramsView, boolean initializeParams, DataType dataType) {
        LayerValidation.assertNInNOutSet("LmHead", getLayerName(), layerIndex, getNIn(), getNOut());
        BiasFree layer = new BiasFree(conf, dataType);
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(paramsView);
        layer.setParamTable(initializer().init(conf, paramsView, initializeParams));
        layer.setConf(conf);
        return layer;
    }

    static final class BiasFree extends org.deeplearning4j.nn.layers.recurrent.RnnOutputLayer {

        BiasFree(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        /** Softmax of the bias-free logits; feature masks are not supported (the decoder takes none). */
        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
            INDArray logits = preOutput2d(training, workspaceMgr);                            // (T*B, vocab)
            INDArray probabilities = layerConf().getActivationFn().getActivation(logits, training);
            return TimeSeriesUtils.reshape2dTo3d(probabilities, input.size(0), workspaceMgr,
                    ArrayType.ACTIVATIONS);                                                   // (B, vocab, T)
        }
    }
}

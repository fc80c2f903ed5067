package dev.phi4j.trainer.model;

import dev.phi4j.core.model.ModelConfig;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;
import java.util.Map;
import java.util.Objects;

/** The RMSNorm after the last block, on (B, d_model, T); a gain, no bias. The math is {@link PhiDecoder#rmsNorm}. */
public class FinalRmsNorm extends SameDiffLayer {

    static final String GAIN = "gain";

    private ModelConfig model;

    public FinalRmsNorm() {}

    public FinalRmsNorm(ModelConfig model) {
        this.model = model;
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        // A DL4J "bias" parameter so that weight decay leaves it alone, like the blocks' norm gains.
        params.addBiasParam(GAIN, model.dModel());
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        params.get(GAIN).assign(1.0);
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable x, Map<String, SDVariable> params, SDVariable mask) {
        int d = model.dModel();
        SDVariable rows = x.permute(0, 2, 1).reshape(-1, d);                              // (B*T, d_model)
        SDVariable normed = PhiDecoder.rmsNorm(rows, params.get(GAIN), model.normEps());  // (B*T, d_model)
        return normed.reshape(-1, model.contextLength(), d).permute(0, 2, 1);             // (B, d_model, T)
    }

    /** DL4J's own {@code instantiate}, with the runtime that backpropagates exact gradients. */
    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray paramsView, boolean initializeParams, DataType dataType) {
        SameDiffFixes.Layer layer = new SameDiffFixes.Layer(conf, dataType);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(paramsView);
        layer.setParamTable(initializer().init(conf, paramsView, initializeParams));
        layer.setConf(conf);
        return layer;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return InputType.recurrent(model.dModel(), model.contextLength());
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
    protected boolean canEqual(Object other) {
        return other instanceof FinalRmsNorm;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), model);
    }
}

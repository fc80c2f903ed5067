package dev.phi4j.trainer.train;

import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.api.TrainingConfig;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;

import java.util.List;
import java.util.Map;

/**
 * Which entries of the flattened parameter vector take weight decay, read from the network's own configuration: the
 * model marks every matrix with a {@link WeightDecay} and leaves the embedding and the norm gains unmarked. It is what
 * {@link AdamW} is built with: {@code new AdamW(optimizerConfig, DecayMask.of(net))}.
 */
public final class DecayMask {

    private DecayMask() {}

    /** 1 where decay applies, 0 elsewhere, laid out like {@code net.params()}. */
    public static INDArray of(ComputationGraph net) {
        INDArray params = net.params();
        INDArray saved = params.dup();
        // The parameter table holds views into params(): writing through them lays the mask out exactly as the
        // flattened vector, whatever order DL4J flattens the vertices in.
        params.assign(0);
        for (Map.Entry<String, INDArray> param : net.paramTable().entrySet()) {
            if (decays(net, param.getKey())) {
                param.getValue().assign(1);
            }
        }
        INDArray mask = params.dup();
        params.assign(saved);
        return mask;
    }

    private static boolean decays(ComputationGraph net, String key) {
        int cut = key.lastIndexOf('_');
        String vertexName = key.substring(0, cut);
        String param = key.substring(cut + 1);
        GraphVertex vertex = net.getConfiguration().getVertices().get(vertexName);
        List<Regularization> regularization;
        if (vertex instanceof LayerVertex layer) {
            regularization = layer.getLayerConf().getLayer().getRegularizationByParam(param);
        } else if (vertex instanceof TrainingConfig trainable) {     // the decoder's blocks and final norm
            regularization = trainable.getRegularizationByParam(param);
        } else {
            throw new IllegalStateException("parameter " + key + " belongs to an unexpected vertex " + vertex);
        }
        return regularization != null && regularization.stream().anyMatch(r -> r instanceof WeightDecay);
    }
}

package dev.phi4j.trainer.generate;

import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.trainer.model.PhiDecoder;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The no-cache baseline: every forward re-runs {@link PhiDecoder#logits} over the whole prefix of every sequence.
 * The graph takes rows of exactly {@code contextLength} tokens, so prefixes are padded on the right; causal attention
 * keeps the padding from reaching the real positions. A step costs a full-context forward however short the prefix.
 */
public final class FullRecomputeModel implements LanguageModel {

    private final ComputationGraph net;
    private final ModelConfig config;
    private final boolean takesSegmentIds;

    public FullRecomputeModel(ComputationGraph net, ModelConfig config) {
        this.net = net;
        this.config = config;
        this.takesSegmentIds = net.getConfiguration().getNetworkInputs().size() == 2;
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public State newSequence() {
        return new History();
    }

    @Override
    public List<INDArray> forward(List<Feed> feeds) {
        LanguageModel.checkFits(config, feeds);
        int t = config.contextLength();
        double[][] tokens = new double[feeds.size()][t];
        for (int row = 0; row < feeds.size(); row++) {
            History history = (History) feeds.get(row).state();
            history.append(feeds.get(row).tokens());
            for (int position = 0; position < history.length; position++) {
                tokens[row][position] = history.tokens[position];
            }
        }
        DataType dataType = net.params().dataType();
        INDArray input = Nd4j.createFromArray(tokens).castTo(dataType);                       // (B, T)
        INDArray logits = takesSegmentIds
                ? PhiDecoder.logits(net, input, Nd4j.zeros(dataType, feeds.size(), t))        // one document per row
                : PhiDecoder.logits(net, input);                                              // (B, T, vocab)
        List<INDArray> out = new ArrayList<>(feeds.size());
        for (int row = 0; row < feeds.size(); row++) {
            Feed feed = feeds.get(row);
            int end = feed.state().length();
            int start = feed.allPositions() ? end - feed.tokens().length : end - 1;
            out.add(logits.get(NDArrayIndex.point(row), NDArrayIndex.interval(start, end), NDArrayIndex.all())
                    .dup('c'));                                                               // (n, vocab)
        }
        return out;
    }

    private static final class History implements State {
        private int[] tokens = new int[16];
        private int length;

        void append(int[] more) {
            if (length + more.length > tokens.length) {
                tokens = Arrays.copyOf(tokens, Math.max(2 * tokens.length, length + more.length));
            }
            System.arraycopy(more, 0, tokens, length, more.length);
            length += more.length;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public void close() {
        }
    }
}

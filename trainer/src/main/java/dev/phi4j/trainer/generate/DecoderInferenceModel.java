package dev.phi4j.trainer.generate;

import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.trainer.model.DecoderInference;
import dev.phi4j.trainer.model.KvCache;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

/**
 * The model package's own cached forward ({@link DecoderInference}, one {@link KvCache} per sequence) behind the
 * {@link LanguageModel} interface. Its caches hold rows of one common length, so sequences at different positions
 * cannot share a call: each feed is its own forward. {@link KvCacheModel} batches them (continuous batching), which
 * is why generation and serving use it; this one is the second cached path {@code phi4j bench generate} measures,
 * and a cross-check of both against {@code PhiDecoder.logits}.
 */
public final class DecoderInferenceModel implements LanguageModel {

    private final DecoderInference decoder;
    private final ModelConfig config;

    public DecoderInferenceModel(ComputationGraph net) {
        this.decoder = DecoderInference.of(net);
        this.config = decoder.config();
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public State newSequence() {
        return new Sequence(decoder.newCache(1));
    }

    @Override
    public List<INDArray> forward(List<Feed> feeds) {
        LanguageModel.checkFits(config, feeds);
        List<INDArray> out = new ArrayList<>(feeds.size());
        for (Feed feed : feeds) {
            KvCache cache = ((Sequence) feed.state()).cache;
            float[][] ids = new float[1][feed.tokens().length];
            for (int j = 0; j < ids[0].length; j++) {
                ids[0][j] = feed.tokens()[j];
            }
            INDArray tokens = Nd4j.createFromArray(ids);                                        // (1, n)
            out.add(feed.allPositions()
                    ? decoder.logits(tokens, cache).reshape(ids[0].length, config.vocabSize())  // (n, vocab)
                    : decoder.lastLogits(tokens, cache));                                       // (1, vocab)
        }
        return out;
    }

    private record Sequence(KvCache cache) implements State {
        @Override
        public int length() {
            return cache.length();
        }

        @Override
        public void close() {
            cache.truncate(0);
        }
    }
}

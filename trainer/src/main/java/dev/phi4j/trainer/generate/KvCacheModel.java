package dev.phi4j.trainer.generate;

import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.trainer.model.DecoderInference;
import dev.phi4j.trainer.model.KvCache;
import dev.phi4j.trainer.model.PhiDecoder;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * The KV-cached forward behind the {@link LanguageModel} interface: {@code trainer.model}'s {@link DecoderInference}
 * (the training blocks' weights and math) with one {@link KvCache} whose slots are the sequences. A sequence is one
 * document, so a network trained with document masking computes the same here as on a row holding only that
 * document. All feeds of a {@link #forward} share one pass: one-token feeds one batched attention, whatever their
 * positions (continuous batching).
 */
public final class KvCacheModel implements LanguageModel {

    private final DecoderInference decoder;
    private final KvCache cache;

    /** @param net a network built by {@link PhiDecoder#build} (either masking); its weights are shared, not copied */
    public KvCacheModel(ComputationGraph net) {
        this(DecoderInference.of(net));
    }

    /** The network over {@code contextLength} tokens, more than it was trained at if need be (long-context evaluation). */
    public KvCacheModel(ComputationGraph net, int contextLength) {
        this(DecoderInference.of(net, contextLength));
    }

    private KvCacheModel(DecoderInference decoder) {
        this.decoder = decoder;
        this.cache = decoder.newCache();
    }

    @Override
    public ModelConfig config() {
        return decoder.config();
    }

    @Override
    public State newSequence() {
        return new Sequence(cache.open());
    }

    @Override
    public List<INDArray> forward(List<Feed> feeds) {
        LanguageModel.checkFits(config(), feeds);
        List<DecoderInference.Chunk> chunks = new ArrayList<>(feeds.size());
        for (Feed feed : feeds) {
            if (!(feed.state() instanceof Sequence sequence) || sequence.model() != this) {
                throw new IllegalArgumentException("a feed's sequence was not opened by this model");
            }
            chunks.add(new DecoderInference.Chunk(sequence.slot, feed.tokens(), feed.allPositions()));
        }
        return decoder.forward(cache, chunks);
    }

    /** A sequence: its slot in the cache. Closing frees the slot for the next sequence. */
    private final class Sequence implements State {
        private final int slot;
        private boolean closed;

        Sequence(int slot) {
            this.slot = slot;
        }

        KvCacheModel model() {
            return KvCacheModel.this;
        }

        @Override
        public int length() {
            if (closed) {
                throw new IllegalStateException("the sequence is closed");
            }
            return cache.length(slot);
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                cache.free(slot);
            }
        }
    }
}

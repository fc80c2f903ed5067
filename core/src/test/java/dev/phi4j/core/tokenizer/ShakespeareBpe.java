package dev.phi4j.core.tokenizer;

import dev.phi4j.core.SharedData;

import java.io.IOException;
import java.util.List;

/** One BPE tokenizer trained on tinyshakespeare, shared by the test classes of a run (training takes ~0.5 s). */
final class ShakespeareBpe {

    static final int VOCAB_SIZE = 2048;

    private static BpeTokenizer tokenizer;

    private ShakespeareBpe() {}

    static synchronized BpeTokenizer tokenizer() throws IOException {
        if (tokenizer == null) {
            tokenizer = new BpeTrainer(new BpeTrainer.Settings(VOCAB_SIZE, 2, 2))
                    .train(List.of(SharedData.tinyShakespeare()), merges -> {});
        }
        return tokenizer;
    }
}

package dev.phi4j.trainer.eval;

import dev.phi4j.core.tokenizer.Tokenizer;
import dev.phi4j.trainer.generate.LanguageModel;
import dev.phi4j.trainer.generate.LogProbs;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A {@link ScoringModel} over a loaded model: {@code sequencesPerForward} sequences share one batched forward, greedy
 * decoding runs the prompts together.
 */
public final class CheckpointScoring implements ScoringModel {

    private final LanguageModel model;
    private final Tokenizer tokenizer;
    private final String name;
    private final int sequencesPerForward;

    public CheckpointScoring(LanguageModel model, Tokenizer tokenizer, String name, int sequencesPerForward) {
        if (tokenizer.vocabSize() > model.config().vocabSize()) {
            throw new IllegalArgumentException("the tokenizer has " + tokenizer.vocabSize()
                    + " ids but the model's vocabulary is " + model.config().vocabSize());
        }
        if (sequencesPerForward < 1) {
            throw new IllegalArgumentException("sequences per forward must be >= 1");
        }
        this.model = model;
        this.tokenizer = tokenizer;
        this.name = name;
        this.sequencesPerForward = sequencesPerForward;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int maxLength() {
        return model.config().contextLength();
    }

    @Override
    public int[] encode(String text) {
        return tokenizer.encode(text);
    }

    @Override
    public String decode(int[] tokens) {
        return tokenizer.decode(tokens);
    }

    @Override
    public int endOfText() {
        return tokenizer.specialTokens().endOfText();
    }

    @Override
    public List<double[]> tokenLogProbs(List<int[]> sequences) {
        List<double[]> out = new ArrayList<>(sequences.size());
        for (int from = 0; from < sequences.size(); from += sequencesPerForward) {
            List<int[]> batch = sequences.subList(from, Math.min(sequences.size(), from + sequencesPerForward));
            List<LanguageModel.State> states = new ArrayList<>(batch.size());
            List<LanguageModel.Feed> feeds = new ArrayList<>(batch.size());
            try {
                for (int[] sequence : batch) {
                    if (sequence.length < 2) {
                        throw new IllegalArgumentException("a scored sequence needs two tokens at least, got "
                                + sequence.length);
                    }
                    LanguageModel.State state = model.newSequence();
                    states.add(state);
                    // The last token predicts nothing that is scored, so it is not fed.
                    feeds.add(new LanguageModel.Feed(state, Arrays.copyOf(sequence, sequence.length - 1), true));
                }
                List<INDArray> logits = model.forward(feeds);
                for (int s = 0; s < batch.size(); s++) {
                    int[] sequence = batch.get(s);
                    double[] logp = new double[sequence.length - 1];
                    for (int i = 0; i < logp.length; i++) {
                        logp[i] = LogProbs.logSoftmax(logits.get(s).getRow(i).toDoubleVector())[sequence[i + 1]];
                    }
                    out.add(logp);
                }
            } finally {
                states.forEach(LanguageModel.State::close);
            }
        }
        return out;
    }

    @Override
    public List<String> greedy(List<int[]> prompts, int maxNewTokens) {
        List<String> out = new ArrayList<>(prompts.size());
        for (int from = 0; from < prompts.size(); from += sequencesPerForward) {
            List<int[]> batch = prompts.subList(from, Math.min(prompts.size(), from + sequencesPerForward));
            List<LanguageModel.State> states = new ArrayList<>(batch.size());
            try {
                int[][] written = new int[batch.size()][maxNewTokens];
                List<int[]> feeds = new ArrayList<>(batch);
                for (int step = 0; step < maxNewTokens; step++) {
                    List<LanguageModel.Feed> forward = new ArrayList<>(batch.size());
                    for (int s = 0; s < batch.size(); s++) {
                        if (step == 0) {
                            states.add(model.newSequence());
                        }
                        forward.add(new LanguageModel.Feed(states.get(s), feeds.get(s), false));
                    }
                    List<INDArray> logits = model.forward(forward);
                    for (int s = 0; s < batch.size(); s++) {
                        written[s][step] = logits.get(s).argMax(1).getInt(0);
                        feeds.set(s, new int[] {written[s][step]});
                    }
                }
                for (int[] tokens : written) {
                    out.add(tokenizer.decode(tokens));
                }
            } finally {
                states.forEach(LanguageModel.State::close);
            }
        }
        return out;
    }
}

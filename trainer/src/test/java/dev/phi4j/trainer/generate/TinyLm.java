package dev.phi4j.trainer.generate;

import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.core.model.ModelPresets;
import dev.phi4j.core.tokenizer.BpeTokenizer;
import dev.phi4j.core.tokenizer.BpeTrainer;
import dev.phi4j.trainer.model.PhiDecoder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The tiny preset with random weights and a BPE trained on the bundled sample books: shared by these tests. */
public final class TinyLm {

    public static final ModelConfig CONFIG = ModelPresets.TINY;

    private static BpeTokenizer tokenizer;

    private TinyLm() {}

    public static ComputationGraph net(DataType dataType, PhiDecoder.Masking masking, long seed) {
        return PhiDecoder.build(CONFIG, masking, new NeuralNetConfiguration.Builder()
                .seed(seed).dataType(dataType).updater(new NoOp()));
    }

    public static synchronized BpeTokenizer tokenizer() {
        if (tokenizer == null) {
            Path books = root().resolve("datasets/sample/books");
            try (var files = Files.list(books)) {
                tokenizer = new BpeTrainer(new BpeTrainer.Settings(CONFIG.vocabSize(), 2, 2))
                        .train(files.sorted().toList(), merges -> {});
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return tokenizer;
    }

    public static Path root() {
        String root = System.getProperty("phi4j.root");
        return root != null ? Path.of(root) : Path.of("").toAbsolutePath().getParent();
    }

    /**
     * The reference: {@link PhiDecoder#logits} of the sequence, zero-padded on the right to the context, at
     * positions {@code from..tokens.length-1}: (n, vocab).
     */
    public static INDArray referenceLogits(ComputationGraph net, int[] tokens, int from) {
        int t = CONFIG.contextLength();
        double[][] padded = new double[1][t];
        for (int i = 0; i < tokens.length; i++) {
            padded[0][i] = tokens[i];
        }
        DataType dataType = net.params().dataType();
        INDArray input = Nd4j.createFromArray(padded).castTo(dataType);
        INDArray logits = net.getConfiguration().getNetworkInputs().size() == 2
                ? PhiDecoder.logits(net, input, Nd4j.zeros(dataType, 1, t))
                : PhiDecoder.logits(net, input);
        return logits.get(NDArrayIndex.point(0), NDArrayIndex.interval(from, tokens.length), NDArrayIndex.all());
    }

    /** log-softmax by ND4J's own softmax: independent of {@link LogProbs}. */
    public static double[] referenceLogSoftmax(INDArray logitsRow) {
        INDArray row = logitsRow.reshape(1, logitsRow.length()).castTo(DataType.DOUBLE);
        return org.nd4j.linalg.ops.transforms.Transforms.log(
                org.nd4j.linalg.ops.transforms.Transforms.softmax(row, true), false).toDoubleVector();
    }

    public static int[] concat(int[] a, int[] b) {
        int[] out = new int[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    public static List<String> sampleSentences() {
        return List.of("The lighthouse keeper counted the ships", "Notes on counting:", "one, two, three");
    }
}

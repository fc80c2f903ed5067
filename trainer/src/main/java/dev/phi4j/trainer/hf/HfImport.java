package dev.phi4j.trainer.hf;

import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.core.tokenizer.Tokenizer;
import dev.phi4j.core.tokenizer.TokenizerConfig;
import dev.phi4j.trainer.checkpoint.CheckpointFolders;
import dev.phi4j.trainer.checkpoint.ModelCheckpoint;
import dev.phi4j.trainer.model.PhiDecoder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Hugging Face {@code Phi3ForCausalLM} folder (config.json, safetensors) into a phi4j network, and from there into a
 * phi4j model checkpoint. Every tensor is checked against the config before any is read: a missing tensor, a shape
 * that does not match, a tensor phi4j's layout has no place for, a dtype other than F32, F16 and BF16 are errors
 * naming the tensor and its file. Weights are decoded from the mapped files a block of rows at a time straight into
 * the network's parameters.
 */
public final class HfImport {

    /** The name of the checkpoint folder an import writes under {@code OUT/checkpoints/}. */
    public static final String CHECKPOINT_NAME = "hf-import";

    /** Elements decoded per block: 4M floats (16 MB), whatever the tensor. */
    private static final int BLOCK_ELEMENTS = 1 << 22;

    private HfImport() {}

    /** A network read from a Hugging Face folder, with what the import changed (see {@link Phi3Config}). */
    public record Imported(ModelConfig model, ComputationGraph net, List<String> notes) {}

    /** Reads {@code dir}'s config and weights into a new network of {@code dataType} with {@code masking}. */
    public static Imported read(Path dir, DataType dataType, PhiDecoder.Masking masking) throws IOException {
        Phi3Config.Imported config = Phi3Config.read(dir);
        ModelConfig model = config.model();
        List<Phi3Layout.Tensor> layout = Phi3Layout.tensors(model);
        try (HfWeights weights = HfWeights.open(dir)) {
            check(layout, weights, dir);
            ComputationGraph net = PhiDecoder.build(model, masking,
                    new NeuralNetConfiguration.Builder().dataType(dataType).updater(new NoOp()));
            Map<String, INDArray> params = net.paramTable();
            for (Phi3Layout.Tensor tensor : layout) {
                copy(weights.find(tensor.name()), tensor, params);
            }
            return new Imported(model, net, config.notes());
        }
    }

    /**
     * Imports {@code dir} as the model checkpoint {@code out/checkpoints/hf-import} (LATEST names it, so
     * {@code --checkpoint out} finds it) with {@code tokenizer}, whose vocabulary must be the model's.
     */
    public static Imported toCheckpoint(Path dir, Path out, Tokenizer tokenizer, TokenizerConfig tokenizerConfig)
            throws IOException {
        ModelConfig model = Phi3Config.read(dir).model();        // checked before the (possibly huge) network is built
        if (tokenizer.vocabSize() != model.vocabSize()) {
            throw new IllegalArgumentException(dir.resolve(Phi3Config.FILE) + ": vocab_size " + model.vocabSize()
                    + " but the tokenizer '" + tokenizer.name() + "' has " + tokenizer.vocabSize() + " ids; phi4j's "
                    + "tokenizers are Phi-4's (100,352) and its own BPE files: name one with that vocabulary");
        }
        if (Files.exists(out.resolve(CheckpointFolders.DIRECTORY).resolve(CHECKPOINT_NAME))) {
            throw new IllegalArgumentException(out + ": already holds an imported checkpoint; choose another folder");
        }
        Imported imported = read(dir, DataType.FLOAT, PhiDecoder.Masking.CAUSAL);
        ModelCheckpoint.Contents contents = new ModelCheckpoint.Contents(imported.net(), imported.model(),
                PhiDecoder.Masking.CAUSAL, tokenizer, tokenizerConfig);
        CheckpointFolders.commit(out.resolve(CheckpointFolders.DIRECTORY), CHECKPOINT_NAME,
                folder -> ModelCheckpoint.write(folder, CHECKPOINT_NAME, 0, contents));
        return imported;
    }

    /** Every tensor the layout needs is there with its shape and a float type, and no other tensor is. */
    private static void check(List<Phi3Layout.Tensor> layout, HfWeights weights, Path dir) {
        Set<String> expected = new HashSet<>();
        for (Phi3Layout.Tensor tensor : layout) {
            expected.add(tensor.name());
            HfWeights.Located found = weights.find(tensor.name());
            if (found == null) {
                throw new IllegalArgumentException(dir + ": tensor " + tensor.name() + " is missing (from "
                        + weights.paths().stream().map(p -> p.getFileName().toString()).toList() + ")");
            }
            if (!Arrays.equals(found.tensor().shape(), tensor.shape())) {
                throw new IllegalArgumentException(found.file().path() + ": tensor " + tensor.name() + " has shape "
                        + found.tensor().shapeText() + " but " + Phi3Config.FILE + " implies " + tensor.shapeText());
            }
            if (!found.tensor().dtype().isFloatingWeight()) {
                throw new IllegalArgumentException(found.file().path() + ": tensor " + tensor.name() + " is "
                        + found.tensor().dtype() + "; phi4j reads weights stored as F32, F16 or BF16");
            }
        }
        for (String name : weights.names()) {
            if (!expected.contains(name) && !name.endsWith(Phi3Layout.ROTARY_BUFFER_SUFFIX)) {
                throw new IllegalArgumentException(weights.find(name).file().path() + ": tensor " + name
                        + " has no place in phi4j's Phi-3 layout (a bias, or separate q/k/v or gate/up projections?)");
            }
        }
    }

    /** Decodes {@code found} a block of rows at a time into the parameters {@code tensor} is made of. */
    private static void copy(HfWeights.Located found, Phi3Layout.Tensor tensor, Map<String, INDArray> params) {
        long columns = tensor.columns();
        long rowsPerBlock = Math.max(1, BLOCK_ELEMENTS / columns);
        for (Phi3Layout.Part part : tensor.parts()) {
            INDArray target = part.view(params, columns);                                  // (part rows, columns)
            for (long row = 0; row < part.rows(); row += rowsPerBlock) {
                long rows = Math.min(rowsPerBlock, part.rows() - row);
                float[] values = new float[Math.toIntExact(rows * columns)];
                found.read((part.firstRow() + row) * columns, values, values.length);
                INDArray block = Nd4j.create(values, new long[] {rows, columns}, 'c');
                target.get(NDArrayIndex.interval(row, row + rows), NDArrayIndex.all())
                        .assign(block.castTo(target.dataType()));
            }
        }
    }
}

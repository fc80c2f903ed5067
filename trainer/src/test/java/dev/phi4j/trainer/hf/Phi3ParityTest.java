package dev.phi4j.trainer.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.trainer.model.PhiDecoder;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Logits parity with an independent reference: a tiny random Phi-3 checkpoint and the logits PyTorch computes for it
 * with Phi-3's published forward (scripts/phi3_reference.py), imported by phi4j and run through its own decoder.
 * The reference is float64 from the stored weights; the criterion is the 1e-4 relative, measured as
 * max |phi4j − reference| / max |reference| over all logits.
 */
class Phi3ParityTest {

    static final double TOLERANCE = 1e-4;

    /** The generated fixture and the committed one (when torch made a fresh one) must both pass. */
    @Test
    void float32CheckpointGivesTheReferenceLogits() throws Exception {
        for (Path fixture : Phi3Fixture.all()) {
            Path variant = fixture.resolve("f32");
            double inDouble = relativeError(variant, DataType.DOUBLE);
            double inFloat = relativeError(variant, DataType.FLOAT);
            report(variant, inDouble, inFloat);
            assertTrue(inDouble < 1e-10, "double network: " + inDouble);  // the reference's own 12 printed digits
            assertTrue(inFloat < TOLERANCE, "float network: " + inFloat);
        }
    }

    @Test
    void shardedBfloat16CheckpointGivesTheReferenceLogits() throws Exception {
        for (Path fixture : Phi3Fixture.all()) {
            Path variant = fixture.resolve("bf16-sharded");
            assertTrue(Files.isRegularFile(variant.resolve(HfWeights.INDEX)));
            double inDouble = relativeError(variant, DataType.DOUBLE);
            double inFloat = relativeError(variant, DataType.FLOAT);
            report(variant, inDouble, inFloat);
            assertTrue(inDouble < 1e-10, "double network: " + inDouble);
            assertTrue(inFloat < TOLERANCE, "float network: " + inFloat);
        }
    }

    /**
     * The test catches the classic conversion bugs: q and k rows in the interleaved RoPE order (Meta's original
     * layout, pairs (2j, 2j+1)) instead of rotate-half's (j, j + head_dim/2), and a RoPE base left at its default.
     */
    @Test
    void interleavedRopeRowsOrAWrongRopeBaseMissTheReference(@TempDir Path dir) throws Exception {
        Path variant = Phi3Fixture.current().resolve("f32");
        HfImport.Imported imported = HfImport.read(variant, DataType.DOUBLE, PhiDecoder.Masking.CAUSAL);
        ModelConfig model = imported.model();
        for (int layer = 0; layer < model.nLayers(); layer++) {
            interleave(imported.net().paramTable().get(PhiDecoder.blockName(layer) + "_wq"), model.headDim());
            interleave(imported.net().paramTable().get(PhiDecoder.blockName(layer) + "_wk"), model.headDim());
        }
        double interleaved = relativeError(imported, Phi3Fixture.Expected.read(variant));

        Path otherBase = dir.resolve("theta-10000");
        Files.createDirectories(otherBase);
        try (Stream<Path> files = Files.list(variant)) {
            for (Path file : files.toList()) {
                Files.copy(file, otherBase.resolve(file.getFileName()));
            }
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(otherBase.resolve(Phi3Config.FILE).toFile());
        assertEquals(500.0, config.path("rope_theta").asDouble());
        config.remove("rope_theta");                                       // Phi-3's default, 10,000
        json.writeValue(otherBase.resolve(Phi3Config.FILE).toFile(), config);
        double wrongBase = relativeError(otherBase, DataType.DOUBLE);

        System.out.printf(Locale.ROOT, "Phi3ParityTest: interleaved q/k rows %.3g, rope_theta 10,000 for 500 %.3g%n",
                interleaved, wrongBase);
        assertTrue(interleaved > 100 * TOLERANCE, "interleaved RoPE rows went unnoticed: " + interleaved);
        assertTrue(wrongBase > 100 * TOLERANCE, "a wrong RoPE base went unnoticed: " + wrongBase);
    }

    /** Each head's columns (j, j + hd/2) moved to (2j, 2j + 1): what an import for the wrong convention would do. */
    private static void interleave(INDArray projection, int headDim) {
        INDArray original = projection.dup();
        int half = headDim / 2;
        for (long head = 0; head < projection.size(1) / headDim; head++) {
            for (int j = 0; j < half; j++) {
                long base = head * headDim;
                projection.getColumn(base + 2L * j).assign(original.getColumn(base + j));
                projection.getColumn(base + 2L * j + 1).assign(original.getColumn(base + j + half));
            }
        }
    }

    private static double relativeError(Path variant, DataType type) throws IOException {
        return relativeError(HfImport.read(variant, type, PhiDecoder.Masking.CAUSAL),
                Phi3Fixture.Expected.read(variant));
    }

    /** max |phi4j − reference| / max |reference| over every logit of every expected sequence. */
    static double relativeError(HfImport.Imported imported, Phi3Fixture.Expected expected) {
        INDArray logits = logits(imported.net(), imported.model(), expected.tokens());
        double maxDifference = 0, maxReference = 0;
        for (int b = 0; b < expected.tokens().length; b++) {
            for (int t = 0; t < expected.tokens()[b].length; t++) {
                for (int v = 0; v < expected.logits()[b][t].length; v++) {
                    double reference = expected.logits()[b][t][v];
                    maxDifference = Math.max(maxDifference, Math.abs(logits.getDouble(b, t, v) - reference));
                    maxReference = Math.max(maxReference, Math.abs(reference));
                }
            }
        }
        return maxDifference / maxReference;
    }

    /** Logits (B, T, vocab) of rows padded to the context with token 0; causal, so the padding changes nothing. */
    static INDArray logits(ComputationGraph net, ModelConfig model, int[][] tokens) {
        INDArray ids = Nd4j.zeros(net.getConfiguration().getDataType(), tokens.length, model.contextLength());
        for (int b = 0; b < tokens.length; b++) {
            for (int t = 0; t < tokens[b].length; t++) {
                ids.putScalar(b, t, tokens[b][t]);
            }
        }
        return PhiDecoder.logits(net, ids).get(NDArrayIndex.all(), NDArrayIndex.interval(0, tokens[0].length),
                NDArrayIndex.all());
    }

    private static void report(Path variant, double inDouble, double inFloat) {
        System.out.printf(Locale.ROOT, "Phi3ParityTest %s: max |phi4j − torch| / max |torch| = %.3g (double network), "
                + "%.3g (float network)%n", variant, inDouble, inFloat);
    }
}

package dev.phi4j.trainer.model;

import dev.phi4j.core.model.ModelConfig;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Blocked attention ({@link SelfAttention}: queries a block at a time, each against the keys up to its last position,
 * probabilities recomputed in backward) computes what full attention with a (T, T) mask computes, forward and
 * backward, in double precision, for block sizes that do and do not divide the length.
 */
class BlockedAttentionTest {

    private static final ModelConfig SHAPE = new ModelConfig(11, 32, 1, 4, 2, 12, 37, 10_000, 1e-5);
    private static final int BATCH = 2, T = SHAPE.contextLength(), HEADS = SHAPE.nHeads(), KV = SHAPE.nKvHeads();
    private static final int HD = SHAPE.headDim();
    private static final int[] BLOCKS = {1, 5, 16, 37, 128};

    @Test
    void causalBlocksEqualFullAttention() {
        Inputs in = Inputs.random(7);
        INDArray reference = fullAttention(in, null);
        for (int block : BLOCKS) {
            INDArray blocked = causal(block).attend(in.q(), in.k(), in.v(), TransformerBlock.Memory.SCRATCH);
            assertEquals(0.0, TinyModels.maxAbsDifference(reference, blocked), 1e-13, "query block " + block);
        }
    }

    @Test
    void documentMaskedBlocksEqualFullAttention() {
        Inputs in = Inputs.random(8);
        INDArray segmentIds = Nd4j.createFromArray(new double[][] {segments(3, 11, 30), segments(20, 21)});
        INDArray reference = fullAttention(in, segmentIds);
        for (int block : BLOCKS) {
            SelfAttention attention = SelfAttention.documents(SHAPE, rope(), segmentIds, block,
                    TransformerBlock.Memory.SCRATCH);
            INDArray blocked = attention.attend(in.q(), in.k(), in.v(), TransformerBlock.Memory.SCRATCH);
            assertEquals(0.0, TinyModels.maxAbsDifference(reference, blocked), 1e-13, "query block " + block);
        }
    }

    @Test
    void blockedBackwardMatchesFiniteDifferencesOfFullAttention() {
        Inputs in = Inputs.random(9);
        INDArray upstream = Nd4j.rand(DataType.DOUBLE, BATCH * T, (long) HEADS * HD).subi(0.5);  // L = Σ y ⊙ upstream
        Random random = new Random(3);
        for (int block : new int[] {5, 16, 37}) {
            SelfAttention attention = causal(block);
            INDArray y = attention.attend(in.q(), in.k(), in.v(), TransformerBlock.Memory.SCRATCH);
            SelfAttention.Gradients g = attention.backward(upstream, in.activations(y));
            List<String> mismatches = new ArrayList<>();
            for (int probe = 0; probe < 12; probe++) {
                long[] at = {random.nextInt(BATCH), random.nextInt(HEADS), random.nextInt(T), random.nextInt(HD)};
                long[] kvAt = {at[0], at[1] % KV, at[2], at[3]};
                check("dq", g.dq().getDouble(at), in.q(), at, in, upstream, mismatches);
                check("dk", g.dk().getDouble(kvAt), in.k(), kvAt, in, upstream, mismatches);
                check("dv", g.dv().getDouble(kvAt), in.v(), kvAt, in, upstream, mismatches);
            }
            assertTrue(mismatches.isEmpty(), "query block " + block + ": " + mismatches);
        }
    }

    @Test
    void theLastKeysOfEveryQueryAreMaskedAndEarlierOnesAreNot() {
        Inputs in = Inputs.random(10);
        INDArray v = in.v().dup();
        v.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(20, T), NDArrayIndex.all()).assign(1e6);
        INDArray before = causal(5).attend(in.q(), in.k(), in.v(), TransformerBlock.Memory.SCRATCH);
        INDArray after = causal(5).attend(in.q(), in.k(), v, TransformerBlock.Memory.SCRATCH);
        INDArray earlyRows = Nd4j.createFromArray(rowsBefore(20));
        assertEquals(0.0, TinyModels.maxAbsDifference(Nd4j.pullRows(before, 1, earlyRows.toIntVector()),
                Nd4j.pullRows(after, 1, earlyRows.toIntVector())), 0.0);       // positions < 20 never see them
        assertTrue(Transforms.abs(after.sub(before)).maxNumber().doubleValue() > 1e3);  // later positions do
    }

    private static void check(String name, double analytic, INDArray input, long[] at, Inputs in, INDArray upstream,
                              List<String> mismatches) {
        double step = 1e-6, original = input.getDouble(at);
        input.putScalar(at, original + step);
        double plus = loss(in, upstream);
        input.putScalar(at, original - step);
        double minus = loss(in, upstream);
        input.putScalar(at, original);
        double numeric = (plus - minus) / (2 * step);
        if (Math.abs(numeric - analytic) > 1e-7 + 1e-5 * Math.abs(numeric)) {
            mismatches.add(name + java.util.Arrays.toString(at) + " analytic " + analytic + " numeric " + numeric);
        }
    }

    private static double loss(Inputs in, INDArray upstream) {
        return fullAttention(in, null).mul(upstream).sumNumber().doubleValue();
    }

    /** softmax(q·kᵀ/√hd + mask)·v per query head with an explicit (T, T) mask, the textbook way. */
    private static INDArray fullAttention(Inputs in, INDArray segmentIds) {
        int group = HEADS / KV;
        INDArray y = Nd4j.zeros(DataType.DOUBLE, BATCH, T, HEADS, HD);
        for (int b = 0; b < BATCH; b++) {
            for (int h = 0; h < HEADS; h++) {
                INDArray q = in.q().get(NDArrayIndex.point(b), NDArrayIndex.point(h));               // (T, hd)
                INDArray k = in.k().get(NDArrayIndex.point(b), NDArrayIndex.point(h / group));
                INDArray v = in.v().dup('c').get(NDArrayIndex.point(b), NDArrayIndex.point(h / group));
                double[][] scores = q.mmul(k.transpose()).toDoubleMatrix();
                double[][] probabilities = new double[T][T];
                for (int i = 0; i < T; i++) {
                    double max = Double.NEGATIVE_INFINITY, sum = 0;
                    for (int j = 0; j < T; j++) {
                        boolean otherDocument = segmentIds != null
                                && segmentIds.getDouble(b, i) != segmentIds.getDouble(b, j);
                        scores[i][j] = j > i || otherDocument ? Double.NEGATIVE_INFINITY : scores[i][j] / Math.sqrt(HD);
                        max = Math.max(max, scores[i][j]);
                    }
                    for (int j = 0; j < T; j++) {
                        probabilities[i][j] = Math.exp(scores[i][j] - max);
                        sum += probabilities[i][j];
                    }
                    for (int j = 0; j < T; j++) {
                        probabilities[i][j] /= sum;
                    }
                }
                y.get(NDArrayIndex.point(b), NDArrayIndex.all(), NDArrayIndex.point(h)).assign(times(probabilities, v.toDoubleMatrix()));
            }
        }
        return y.reshape(BATCH * T, (long) HEADS * HD);
    }

    private static INDArray times(double[][] a, double[][] b) {
        double[][] product = new double[a.length][b[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b.length; j++) {
                for (int col = 0; col < b[0].length; col++) {
                    product[i][col] += a[i][j] * b[j][col];
                }
            }
        }
        return Nd4j.createFromArray(product);
    }

    private static SelfAttention causal(int block) {
        return SelfAttention.causal(SHAPE, rope(), T, block);
    }

    private static TransformerBlock.RopeTable rope() {
        return TransformerBlock.RopeTable.of(SHAPE, DataType.DOUBLE);
    }

    /** Segment ids of one row of T tokens: a new document starts at each of {@code starts}. */
    private static double[] segments(int... starts) {
        double[] ids = new double[T];
        for (int i = 0, document = 0; i < T; i++) {
            if (document < starts.length && i == starts[document]) {
                document++;
            }
            ids[i] = document;
        }
        return ids;
    }

    private static int[] rowsBefore(int position) {
        List<Integer> rows = new ArrayList<>();
        for (int b = 0; b < BATCH; b++) {
            for (int t = 0; t < position; t++) {
                rows.add(b * T + t);
            }
        }
        return rows.stream().mapToInt(Integer::intValue).toArray();
    }

    /** q (B, H, T, hd), k (B, kv, T, hd) contiguous, v a (B, kv, T, hd) view of the projected rows, as training has. */
    private record Inputs(INDArray qkv, INDArray q, INDArray k, INDArray v) {

        static Inputs random(long seed) {
            Nd4j.getRandom().setSeed(seed);
            INDArray qkv = Nd4j.randn(DataType.DOUBLE, BATCH * T, (long) (HEADS + 2 * KV) * HD);
            INDArray q = TransformerBlock.heads(qkv, 0, HEADS, BATCH, HD).permute(0, 2, 1, 3).dup('c');
            INDArray k = TransformerBlock.heads(qkv, HEADS, KV, BATCH, HD).permute(0, 2, 1, 3).dup('c');
            INDArray v = TransformerBlock.heads(qkv, HEADS + KV, KV, BATCH, HD).permute(0, 2, 1, 3);
            return new Inputs(qkv, q, k, v);
        }

        /** What backward reads from a forward: batch, length, q|k|v rows (for v), q, k and the output y. */
        TransformerBlock.Activations activations(INDArray y) {
            return new TransformerBlock.Activations(BATCH, T, null, null, null, null, qkv, q, k, y,
                    null, null, null, null, null, null, null, null);
        }
    }
}

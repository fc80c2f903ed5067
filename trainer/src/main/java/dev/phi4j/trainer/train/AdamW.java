package dev.phi4j.trainer.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * AdamW (Loshchilov &amp; Hutter, decoupled weight decay) on the network's flattened parameter vector, step for step
 * as PyTorch's {@code torch.optim.AdamW}:
 * <pre>
 *   p ← p · (1 − lr·λ·decay)          decay is 1 for matrices, 0 for the embedding and norm gains
 *   m ← β1·m + (1 − β1)·g
 *   v ← β2·v + (1 − β2)·g²
 *   p ← p − lr/(1 − β1^t) · m / (√v / √(1 − β2^t) + ε)
 * </pre>
 * Our own rather than DL4J's {@code Adam} + {@code WeightDecay}: DL4J's Adam puts ε inside the bias correction, its
 * updater works per layer so a global-norm clip and gradient accumulation would have to fight it, and keeping the
 * moments here makes them plain arrays a checkpoint can store. Every step works in place in one scratch vector:
 * fresh arrays of the parameter vector's size cost more than the arithmetic (on this VM touching new memory takes
 * ≈12 µs per 4 KiB page; five temporaries of a 7.4M-parameter model were a quarter of a training step).
 */
public final class AdamW {

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final INDArray decayMask;
    private final INDArray m;
    private final INDArray v;
    private final INDArray scratch;
    private long t;

    /** @param decayMask 1 where weight decay applies, 0 elsewhere; the shape of the parameter vector */
    public AdamW(TrainerConfig.OptimizerConfig config, INDArray decayMask) {
        this.beta1 = config.beta1();
        this.beta2 = config.beta2();
        this.eps = config.eps();
        this.weightDecay = config.weightDecay();
        this.decayMask = decayMask;
        this.m = Nd4j.zerosLike(decayMask);
        this.v = Nd4j.zerosLike(decayMask);
        this.scratch = Nd4j.zerosLike(decayMask);
    }

    /** Updates {@code params} in place from {@code gradient} (of the mean loss) at learning rate {@code lr}. */
    public void update(INDArray params, INDArray gradient, double lr) {
        t++;
        if (weightDecay > 0) {
            params.muli(scratch.assign(decayMask).muli(-lr * weightDecay).addi(1.0));
        }
        m.muli(beta1).addi(scratch.assign(gradient).muli(1 - beta1));
        v.muli(beta2).addi(scratch.assign(gradient).muli(gradient).muli(1 - beta2));
        double biasCorrection1 = 1 - Math.pow(beta1, t);
        double biasCorrection2 = 1 - Math.pow(beta2, t);
        INDArray denominator = Transforms.sqrt(scratch.assign(v), false).divi(Math.sqrt(biasCorrection2)).addi(eps);
        params.subi(denominator.rdivi(m).muli(lr / biasCorrection1));
    }

    /** Updates applied so far (skipped steps do not count). */
    public long updates() {
        return t;
    }

    public INDArray firstMoment() {
        return m;
    }

    public INDArray secondMoment() {
        return v;
    }

    /** The moments, exactly: ND4J's binary array format, m then v. The update count lives in the checkpoint JSON. */
    public void writeMoments(DataOutputStream out) throws IOException {
        Nd4j.write(m, out);
        Nd4j.write(v, out);
    }

    public void restore(DataInputStream in, long updates) throws IOException {
        INDArray savedM = Nd4j.read(in);
        INDArray savedV = Nd4j.read(in);
        if (savedM.length() != m.length() || savedV.length() != v.length()) {
            throw new IOException("optimizer state holds " + savedM.length() + " moments for " + m.length()
                    + " parameters");
        }
        restore(savedM, savedV, updates);
    }

    /** Sets the moments (copied, any shape of the parameter vector's length) and the update count. */
    public void restore(INDArray firstMoment, INDArray secondMoment, long updates) {
        m.assign(firstMoment.reshape(m.shape()));
        v.assign(secondMoment.reshape(v.shape()));
        t = updates;
    }
}

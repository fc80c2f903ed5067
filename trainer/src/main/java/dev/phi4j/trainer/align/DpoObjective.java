package dev.phi4j.trainer.align;

import dev.phi4j.trainer.train.Objective;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

/**
 * Direct Preference Optimization (Rafailov et al. 2023; Phi-4 report §4.2) on micro-batches of {@link DpoBatch}:
 * with h = (log π(chosen) − log π_ref(chosen)) − (log π(rejected) − log π_ref(rejected)) per pair, the loss is
 * <pre>
 *   sigmoid:  −(1 − ε)·log σ(β·h) − ε·log σ(−β·h)     (ε = label_smoothing: conservative DPO; 0 is plain DPO)
 *   ipo:      (h − 1/(2β))²
 * </pre>
 * summed over pairs; a step divides by the pair count, so the logged loss is the mean per pair.
 *
 * <p>The gradient needs no custom output layer. dL/dh is a number per pair once the policy's log-probabilities are
 * known, and ∇ log π(y) = −∇ NLL(y); so ∇L = Σ_pairs dL/dh · (∇NLL(rejected) − ∇NLL(chosen)): the LM head's
 * cross-entropy gradient with the continuation's mask weighted by −dL/dh on chosen rows and +dL/dh on rejected ones.
 * One forward pass scores the rows, a second computes that weighted gradient.
 */
public final class DpoObjective implements Objective {

    /** The DPO variant and its β. */
    public enum Loss { SIGMOID, IPO }

    /**
     * @param beta           strength of the pull towards the reference (β > 0)
     * @param labelSmoothing ε of conservative DPO, the assumed share of flipped labels, in [0, 0.5); sigmoid only
     */
    public record Config(Loss loss, double beta, double labelSmoothing) {
        public Config {
            if (!(beta > 0) || labelSmoothing < 0 || labelSmoothing >= 0.5) {
                throw new IllegalArgumentException("beta must be positive and label_smoothing in [0, 0.5), got beta "
                        + beta + ", label_smoothing " + labelSmoothing);
            }
            if (loss == Loss.IPO && labelSmoothing != 0) {
                throw new IllegalArgumentException("label_smoothing applies to the sigmoid loss, not to ipo");
            }
        }
    }

    /** Per-pair quantities of one micro-batch, as the reference trainers log them (means over pairs). */
    public record PairMetrics(double[] chosenLogps, double[] rejectedLogps, double[] chosenRewards,
                              double[] rejectedRewards, double[] losses) {

        public int pairs() {
            return losses.length;
        }

        public double accuracy() {
            int right = 0;
            for (int i = 0; i < pairs(); i++) {
                right += chosenRewards[i] > rejectedRewards[i] ? 1 : 0;
            }
            return (double) right / pairs();
        }
    }

    private final ComputationGraph net;
    private final Config config;

    public DpoObjective(ComputationGraph net, Config config) {
        this.net = net;
        this.config = config;
    }

    @Override
    public Sum accumulate(MultiDataSet microBatch, INDArray gradientSum) {
        DpoBatch batch = DpoBatch.of(microBatch);
        PairMetrics metrics = metrics(batch);
        int pairs = batch.pairs();
        INDArray weights = batch.mask().dup();                                              // (2K, T)
        for (int i = 0; i < pairs; i++) {
            double dLdh = derivative(h(batch, metrics, i));
            weights.getRow(i).muli(-dLdh);
            weights.getRow(pairs + i).muli(dLdh);
        }
        net.setInputs(batch.rows().getFeatures());
        net.setLabels(batch.rows().getLabels());
        net.setLayerMaskArrays(null, new INDArray[] {weights});
        net.computeGradientAndScore();
        gradientSum.addi(net.gradient().gradient());
        net.clearLayerMaskArrays();
        return new Sum(sum(metrics.losses()), pairs);
    }

    @Override
    public Sum evaluate(MultiDataSet microBatch) {
        DpoBatch batch = DpoBatch.of(microBatch);
        return new Sum(sum(metrics(batch).losses()), batch.pairs());
    }

    /** The policy's log-probabilities, rewards and losses of a micro-batch's pairs at the current weights. */
    public PairMetrics metrics(DpoBatch batch) {
        double[] logps = SequenceLogProbs.of(net, batch.rows());
        int pairs = batch.pairs();
        double[] chosen = new double[pairs], rejected = new double[pairs];
        double[] chosenRewards = new double[pairs], rejectedRewards = new double[pairs], losses = new double[pairs];
        for (int i = 0; i < pairs; i++) {
            chosen[i] = logps[i];
            rejected[i] = logps[pairs + i];
            chosenRewards[i] = config.beta() * (chosen[i] - batch.referenceLogps()[i]);
            rejectedRewards[i] = config.beta() * (rejected[i] - batch.referenceLogps()[pairs + i]);
        }
        PairMetrics metrics = new PairMetrics(chosen, rejected, chosenRewards, rejectedRewards, losses);
        for (int i = 0; i < pairs; i++) {
            losses[i] = loss(h(batch, metrics, i));
        }
        return metrics;
    }

    private double h(DpoBatch batch, PairMetrics metrics, int pair) {
        return (metrics.chosenRewards()[pair] - metrics.rejectedRewards()[pair]) / config.beta();
    }

    double loss(double h) {
        double beta = config.beta();
        return switch (config.loss()) {
            case SIGMOID -> (1 - config.labelSmoothing()) * softplus(-beta * h)
                    + config.labelSmoothing() * softplus(beta * h);
            case IPO -> Math.pow(h - 1 / (2 * beta), 2);
        };
    }

    double derivative(double h) {
        double beta = config.beta();
        return switch (config.loss()) {
            case SIGMOID -> -beta * (1 - config.labelSmoothing()) * sigmoid(-beta * h)
                    + beta * config.labelSmoothing() * sigmoid(beta * h);
            case IPO -> 2 * (h - 1 / (2 * beta));
        };
    }

    /** −log σ(−x) = log(1 + eˣ), without overflow. */
    private static double softplus(double x) {
        return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    }

    private static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }

    private static double sum(double[] values) {
        double total = 0;
        for (double value : values) {
            total += value;
        }
        return total;
    }
}

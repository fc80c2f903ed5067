package dev.phi4j.trainer.align;

import dev.phi4j.trainer.train.Objective;
import dev.phi4j.trainer.train.TrainerConfig.DpoConfig;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    /** Sums over pairs of the quantities the reference trainers log, averaged when reported. */
    private static final class Tally {
        private double pairs, chosenRewards, rejectedRewards, correct, chosenLogps, rejectedLogps;

        void add(PairMetrics metrics) {
            for (int i = 0; i < metrics.pairs(); i++) {
                pairs++;
                chosenRewards += metrics.chosenRewards()[i];
                rejectedRewards += metrics.rejectedRewards()[i];
                correct += metrics.chosenRewards()[i] > metrics.rejectedRewards()[i] ? 1 : 0;
                chosenLogps += metrics.chosenLogps()[i];
                rejectedLogps += metrics.rejectedLogps()[i];
            }
        }

        /** TRL's names: rewards/chosen, rewards/rejected, rewards/margins, rewards/accuracies, logps/…; none if empty. */
        Map<String, Double> means() {
            Map<String, Double> means = new LinkedHashMap<>();
            if (pairs > 0) {
                means.put("rewards/chosen", chosenRewards / pairs);
                means.put("rewards/rejected", rejectedRewards / pairs);
                means.put("rewards/margins", (chosenRewards - rejectedRewards) / pairs);
                means.put("rewards/accuracies", correct / pairs);
                means.put("logps/chosen", chosenLogps / pairs);
                means.put("logps/rejected", rejectedLogps / pairs);
            }
            return means;
        }
    }

    private final ComputationGraph net;
    private final DpoConfig config;
    private Tally sinceLastReport = new Tally();

    public DpoObjective(ComputationGraph net, DpoConfig config) {
        this.net = net;
        this.config = config;
    }

    @Override
    public Sum accumulate(MultiDataSet microBatch, INDArray gradientSum) {
        DpoBatch batch = DpoBatch.of(microBatch);
        PairMetrics metrics = metrics(batch);
        sinceLastReport.add(metrics);
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

    @Override
    public Map<String, Double> trainingMetrics() {
        Map<String, Double> means = sinceLastReport.means();
        sinceLastReport = new Tally();
        return means;
    }

    @Override
    public Map<String, Double> validationMetrics(List<MultiDataSet> microBatches) {
        Tally tally = new Tally();
        microBatches.forEach(batch -> tally.add(metrics(DpoBatch.of(batch))));
        return tally.means();
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

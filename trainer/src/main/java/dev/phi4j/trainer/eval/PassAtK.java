package dev.phi4j.trainer.eval;

/**
 * The unbiased pass@k estimator of Chen et al. (2021), "Evaluating Large Language Models Trained on Code": with n
 * samples of which c pass, the chance that k drawn without replacement include a passing one,
 * 1 − C(n−c, k) / C(n, k).
 */
public final class PassAtK {

    private PassAtK() {}

    /**
     * pass@k for one problem. Computed as 1 − Π_{i=n−c+1..n} (1 − k/i), the paper's form: the binomials overflow a
     * double for n in the hundreds, the product stays within [0, 1] term by term.
     */
    public static double estimate(int n, int c, int k) {
        if (n < 1) {
            throw new IllegalArgumentException("n = " + n + ": pass@k needs at least one sample");
        }
        if (c < 0 || c > n) {
            throw new IllegalArgumentException("c = " + c + ": the passing samples must number 0 to n = " + n);
        }
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("k = " + k + ": must be 1 to n = " + n
                    + " (pass@k needs at least k samples per problem)");
        }
        if (n - c < k) {
            return 1.0;
        }
        double allFail = 1.0;
        for (int i = n - c + 1; i <= n; i++) {
            allFail *= 1.0 - (double) k / i;
        }
        return 1.0 - allFail;
    }
}

package dev.phi4j.pipeline.mixture;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How many tokens each bucket (a mixture group, or a long-document bucket of the midtraining set) contributes, and
 * which documents repeat how often: epochs = allocated ÷ unique tokens, capped per bucket, realised as
 * {@code full_copies} copies of every document plus one more copy of the documents whose hash bin is below
 * {@code extra_bins}. Computed on the driver from per-bin token counts, so the selection of the fractional epoch is
 * exact to one bin (1/{@value #BINS} of the bucket's tokens) without sorting the corpus.
 *
 * <p>Tokens here are stream tokens: a document's tokens plus the {@code <|endoftext|>} that opens it, the unit the
 * packer fills rows with, so planned and realised shares compare like with like.
 */
public record MixturePlan(long budget, boolean autoBudget, List<Bucket> buckets, long validationTokens,
                          long shortfall, List<String> notes) implements Serializable {

    /** Hash bins of the fractional-epoch and validation selections. */
    public static final int BINS = 4096;

    /**
     * What the planner knows about a bucket before planning: its target and its documents' tokens per hash bin. A
     * missing bucket's share goes to the present buckets of its {@code family} (midtraining: the recall groups, or
     * the long buckets), and only when a whole family is missing to the other families.
     */
    public record Input(String name, String group, String family, double share, double maxEpochs, long[] trainBins,
                        long[] heldOutBins) {

        public Input {
            if (trainBins.length != BINS || heldOutBins.length != BINS) {
                throw new IllegalArgumentException("bucket " + name + ": expected " + BINS + " bins");
            }
        }

        long uniqueTokens() {
            return Arrays.stream(trainBins).sum();
        }

        long heldOutTokens() {
            return Arrays.stream(heldOutBins).sum();
        }
    }

    /**
     * @param targetShare     the configured share
     * @param effectiveShare  after spreading the shares of missing buckets over the present ones
     * @param extraBins       documents whose extra-copy hash bin is below this get {@code fullCopies + 1} copies
     * @param plannedTokens   {@code fullCopies × unique + tokens in the extra bins}: what the packer should write
     * @param validationBins  held-out documents whose validation hash bin is below this form the validation split
     */
    public record Bucket(String name, String group, double targetShare, double effectiveShare, double maxEpochs,
                         long uniqueTokens, long allocatedTokens, double epochs, int fullCopies, int extraBins,
                         long plannedTokens, boolean capped, long heldOutTokens, int validationBins,
                         long validationTokens) implements Serializable {

        public boolean present() {
            return uniqueTokens > 0;
        }
    }

    /**
     * Plans the buckets. {@code budget} 0 asks for the largest budget at which every present bucket gets its share
     * within its epoch cap.
     */
    public static MixturePlan plan(List<Input> inputs, long budget) {
        List<String> notes = new ArrayList<>();
        Map<String, double[]> families = new LinkedHashMap<>();           // family → {configured, present}
        for (Input input : inputs) {
            double[] family = families.computeIfAbsent(input.family(), f -> new double[2]);
            family[0] += input.share();
            family[1] += input.uniqueTokens() > 0 ? input.share() : 0;
        }
        for (Input input : inputs) {
            if (input.share() > 0 && input.uniqueTokens() == 0) {
                boolean familyPresent = families.get(input.family())[1] > 0;
                notes.add(String.format(Locale.ROOT, "no %s documents in the input: its %.1f%% share is spread over "
                        + "the present %s in proportion to their shares", input.name(), 100 * input.share(),
                        familyPresent && families.size() > 1 ? input.family() + " buckets" : "groups"));
            }
        }
        double keptTotal = 0;
        for (double[] family : families.values()) {
            keptTotal += family[1] > 0 ? family[0] : 0;
        }
        if (keptTotal <= 0) {
            throw new IllegalArgumentException("no documents in any bucket with a share above 0 ("
                    + inputs.stream().map(Input::name).toList() + "): nothing to mix");
        }
        double[] share = new double[inputs.size()];
        for (int i = 0; i < inputs.size(); i++) {
            Input input = inputs.get(i);
            double[] family = families.get(input.family());
            share[i] = input.uniqueTokens() > 0 ? input.share() * (family[0] / family[1]) / keptTotal : 0;
        }
        boolean auto = budget == 0;
        double exact = auto ? autoBudget(inputs, share) : budget;
        long total = Math.round(exact);
        double[] allocated = new double[inputs.size()];
        boolean[] capped = new boolean[inputs.size()];
        double remaining = exact;
        boolean changed = true;
        while (changed) {
            changed = false;
            double activeShare = 0;
            for (int i = 0; i < inputs.size(); i++) {
                activeShare += capped[i] ? 0 : share[i];
            }
            if (activeShare <= 0) {
                break;
            }
            for (int i = 0; i < inputs.size(); i++) {
                if (capped[i] || share[i] <= 0) {
                    continue;
                }
                double limit = inputs.get(i).maxEpochs() * inputs.get(i).uniqueTokens();
                double wanted = remaining * share[i] / activeShare;
                if (wanted > limit * (1 + 1e-12) && !auto) {
                    capped[i] = true;
                    allocated[i] = limit;
                    remaining -= limit;
                    changed = true;
                    notes.add(String.format(Locale.ROOT, "%s is capped at %s epochs: it gets %,.0f tokens instead of "
                            + "its share's %,.0f; the others share the rest", inputs.get(i).name(),
                            trim(inputs.get(i).maxEpochs()), limit, wanted));
                    break;
                }
            }
            if (!changed) {
                for (int i = 0; i < inputs.size(); i++) {
                    if (!capped[i] && share[i] > 0) {
                        allocated[i] = remaining * share[i] / activeShare;
                    }
                }
            }
        }
        double given = Arrays.stream(allocated).sum();
        long shortfall = Math.max(0, Math.round(exact - given));
        if (shortfall > 0) {
            notes.add(String.format(Locale.ROOT, "every group is at its epoch cap: %,d of the %,d budgeted tokens "
                    + "cannot be filled", shortfall, total));
        }

        List<Bucket> buckets = new ArrayList<>();
        long validation = validationTarget(inputs, share);
        double validationShareSum = 0;
        for (int i = 0; i < inputs.size(); i++) {
            validationShareSum += inputs.get(i).heldOutTokens() > 0 ? share[i] : 0;
        }
        for (int i = 0; i < inputs.size(); i++) {
            Input input = inputs.get(i);
            long unique = input.uniqueTokens();
            double epochs = unique == 0 ? 0 : allocated[i] / unique;
            int full = (int) Math.floor(epochs + 1e-9);
            double fraction = Math.max(0, epochs - full);
            int extraBins = closestPrefix(input.trainBins(), fraction * unique);
            long planned = (long) full * unique + prefix(input.trainBins(), extraBins);
            int validationBins = 0;
            long validationTokens = 0;
            if (validation > 0 && input.heldOutTokens() > 0 && share[i] > 0) {
                validationBins = closestPrefix(input.heldOutBins(), validation * share[i] / validationShareSum);
                validationTokens = prefix(input.heldOutBins(), validationBins);
            }
            buckets.add(new Bucket(input.name(), input.group(), input.share(), share[i], input.maxEpochs(), unique,
                    Math.round(allocated[i]), epochs, full, extraBins, planned, capped[i], input.heldOutTokens(),
                    validationBins, validationTokens));
        }
        long plannedValidation = buckets.stream().mapToLong(Bucket::validationTokens).sum();
        for (int i = 0; i < inputs.size(); i++) {
            if (share[i] > 0 && inputs.get(i).heldOutTokens() == 0 && validation > 0) {
                notes.add(inputs.get(i).name() + " has no held-out documents: the validation split lacks it");
            }
        }
        return new MixturePlan(total, auto, List.copyOf(buckets), plannedValidation, shortfall, List.copyOf(notes));
    }

    /** The largest budget with every present bucket at its effective share and within its cap. */
    private static double autoBudget(List<Input> inputs, double[] share) {
        double budget = Double.POSITIVE_INFINITY;
        for (int i = 0; i < inputs.size(); i++) {
            if (share[i] > 0) {
                budget = Math.min(budget, inputs.get(i).maxEpochs() * inputs.get(i).uniqueTokens() / share[i]);
            }
        }
        return budget;
    }

    /**
     * The validation split follows the mixture's shares without repeating a document: the largest size for which
     * every bucket's held-out tokens cover its share.
     */
    private static long validationTarget(List<Input> inputs, double[] share) {
        double size = Double.POSITIVE_INFINITY;
        double covered = 0;
        for (int i = 0; i < inputs.size(); i++) {
            if (share[i] > 0 && inputs.get(i).heldOutTokens() > 0) {
                covered += share[i];
            }
        }
        for (int i = 0; i < inputs.size(); i++) {
            if (share[i] > 0 && inputs.get(i).heldOutTokens() > 0) {
                size = Math.min(size, inputs.get(i).heldOutTokens() / (share[i] / covered));
            }
        }
        return Double.isInfinite(size) ? 0 : (long) Math.floor(size);
    }

    /** The number of leading bins whose token sum is closest to {@code target}. */
    static int closestPrefix(long[] bins, double target) {
        long sum = 0;
        int best = 0;
        double bestError = Math.abs(target);
        for (int b = 0; b < bins.length; b++) {
            sum += bins[b];
            double error = Math.abs(sum - target);
            if (error < bestError) {
                best = b + 1;
                bestError = error;
            }
        }
        return best;
    }

    static long prefix(long[] bins, int count) {
        long sum = 0;
        for (int b = 0; b < count; b++) {
            sum += bins[b];
        }
        return sum;
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    public long plannedTokens() {
        return buckets.stream().mapToLong(Bucket::plannedTokens).sum();
    }
}

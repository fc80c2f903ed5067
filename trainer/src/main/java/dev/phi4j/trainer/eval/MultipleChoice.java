package dev.phi4j.trainer.eval;


import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Multiple choice by log-likelihood, as lm-evaluation-harness scores it: each choice is the continuation
 * {@code " " + choice} after the context; {@code acc} picks the choice of highest total log-probability,
 * {@code acc_norm} the highest total divided by the choice's length in characters (without the space), which stops
 * long choices losing merely for having more tokens to pay for. Ties go to the first choice, as numpy's argmax does.
 */
public final class MultipleChoice {

    /** A question, its choices, the index of the right one, and where it was read ({@code FILE:LINE}). */
    public record Item(String context, List<String> choices, int gold, String location) {
        public Item {
            choices = List.copyOf(choices);
            if (choices.size() < 2) {
                throw new IllegalArgumentException(location + ": " + choices.size() + " choice(s); at least 2 needed");
            }
            if (gold < 0 || gold >= choices.size()) {
                throw new IllegalArgumentException(location + ": gold index " + gold + " is outside 0.."
                        + (choices.size() - 1));
            }
        }
    }

    /** A context and the continuation whose log-likelihood is wanted. */
    public record Request(String context, String continuation) {}

    /**
     * Sum of log p(continuation | context), natural log, per request in order: the model ({@link #model}), or a
     * script in tests.
     */
    @FunctionalInterface
    public interface LogLikelihood {
        double[] score(List<Request> requests);
    }

    /**
     * One item's outcome.
     *
     * @param logLikelihoods per choice, nats
     * @param predicted      argmax of {@code logLikelihoods} ({@code acc})
     * @param predictedNorm  argmax of {@code logLikelihoods[i] / characters(choice i)} ({@code acc_norm})
     */
    public record Scored(Item item, double[] logLikelihoods, int predicted, int predictedNorm) {

        public boolean correct() {
            return predicted == item.gold();
        }

        public boolean correctNorm() {
            return predictedNorm == item.gold();
        }
    }

    public record Result(List<Scored> items, double seconds) {

        public double acc() {
            return items.isEmpty() ? Double.NaN
                    : (double) items.stream().filter(Scored::correct).count() / items.size();
        }

        public double accNorm() {
            return items.isEmpty() ? Double.NaN
                    : (double) items.stream().filter(Scored::correctNorm).count() / items.size();
        }

        public double itemsPerSecond() {
            return items.size() / seconds;
        }

        /**
         * As a task result: per item the context, choices, log-likelihoods and both predictions, scored {@code acc}
         * and {@code acc_norm}; items are numbered by their position in the file, as decontamination numbers them.
         */
        public TaskResult report(String model, Optional<Contamination.Benchmark> contamination) {
            List<TaskResult.ScoredItem> scored = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                Scored item = items.get(i);
                Map<String, Object> record = new LinkedHashMap<>();
                record.put("item", i + 1);
                record.put("location", item.item().location());
                record.put("prompt", item.item().context());
                record.put("choices", item.item().choices());
                record.put("gold", item.item().gold());
                record.put("log_likelihoods", item.logLikelihoods());
                record.put("predicted", item.predicted());
                record.put("predicted_norm", item.predictedNorm());
                Map<String, Double> scores = new LinkedHashMap<>();
                scores.put("acc", item.correct() ? 1.0 : 0.0);
                scores.put("acc_norm", item.correctNorm() ? 1.0 : 0.0);
                int position = i;
                scored.add(new TaskResult.ScoredItem(scores, record,
                        contamination.map(benchmark -> benchmark.status(position, Optional.empty()))));
            }
            return TaskResult.ofItems("mc", model, scored, seconds, Map.of());
        }
    }

    private MultipleChoice() {}

    /** Every choice of every item scored in one list, so the scorer can fill its batches across items. */
    public static Result run(LogLikelihood logLikelihood, List<Item> items) {
        long start = System.nanoTime();
        List<Request> requests = new ArrayList<>();
        for (Item item : items) {
            for (String choice : item.choices()) {
                requests.add(new Request(item.context(), " " + choice));
            }
        }
        double[] scores = logLikelihood.score(requests);
        if (scores.length != requests.size()) {
            throw new IllegalStateException("the scorer returned " + scores.length + " scores for " + requests.size()
                    + " requests");
        }
        List<Scored> out = new ArrayList<>(items.size());
        int next = 0;
        for (Item item : items) {
            int n = item.choices().size();
            double[] lls = Arrays.copyOfRange(scores, next, next + n);
            next += n;
            double[] normalised = new double[n];
            for (int i = 0; i < n; i++) {
                String choice = item.choices().get(i);
                // Python's len counts code points; an empty choice is divided by 1 so it cannot win by infinity.
                normalised[i] = lls[i] / Math.max(1, choice.codePointCount(0, choice.length()));
            }
            out.add(new Scored(item, lls, argmax(lls), argmax(normalised)));
        }
        return new Result(out, (System.nanoTime() - start) / 1e9);
    }

    /**
     * The model's log-likelihoods. Trailing whitespace of the context moves to the front of the continuation
     * (lm-eval's {@code _encode_pair}), because a BPE attaches a space to the word after it; an empty context becomes
     * {@code <|endoftext|>}, the first token needing something to be predicted from. A pair longer than the model
     * reads loses context tokens from the left.
     */
    public static LogLikelihood model(ScoringModel model) {
        int limit = model.maxLength() + 1;
        return requests -> {
            List<int[]> sequences = new ArrayList<>(requests.size());
            int[] continuationLengths = new int[requests.size()];
            for (int r = 0; r < requests.size(); r++) {
                Request request = requests.get(r);
                String context = request.context().stripTrailing();
                String continuation = request.context().substring(context.length()) + request.continuation();
                int[] contextTokens = context.isEmpty() ? new int[] {model.endOfText()} : model.encode(context);
                int[] continuationTokens = model.encode(continuation);
                if (continuationTokens.length >= limit) {
                    throw new IllegalArgumentException("the continuation '" + request.continuation() + "' is "
                            + continuationTokens.length + " tokens; " + model.name() + " reads " + model.maxLength());
                }
                int keep = Math.min(contextTokens.length, limit - continuationTokens.length);
                int[] sequence = new int[keep + continuationTokens.length];
                System.arraycopy(contextTokens, contextTokens.length - keep, sequence, 0, keep);
                System.arraycopy(continuationTokens, 0, sequence, keep, continuationTokens.length);
                sequences.add(sequence);
                continuationLengths[r] = continuationTokens.length;
            }
            List<double[]> logProbs = model.tokenLogProbs(sequences);
            double[] sums = new double[requests.size()];
            for (int r = 0; r < sums.length; r++) {
                double[] perToken = logProbs.get(r);
                for (int i = perToken.length - continuationLengths[r]; i < perToken.length; i++) {
                    sums[r] += perToken[i];
                }
            }
            return sums;
        };
    }

    private static int argmax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}

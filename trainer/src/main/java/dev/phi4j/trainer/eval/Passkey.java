package dev.phi4j.trainer.eval;

import dev.phi4j.core.tokenizer.Tokenizer;
import dev.phi4j.trainer.generate.LanguageModel;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Passkey retrieval in its standard form (Mohtashami &amp; Jaggi 2023, used by the long-context literature since): a
 * fixed preamble, the filler repeated to the target length, the needle "The pass key is N. Remember it. N is the pass
 * key." at a depth, and the question; the model continues greedily and is right when the first number it writes is N.
 */
public final class Passkey {

    static final String PREAMBLE = "There is an important info hidden inside a lot of irrelevant text. Find it and "
            + "memorize them. I will quiz you about the important information there.\n";
    static final String FILLER = "The grass is green. The sky is blue. The sun is yellow. Here we go. There and back "
            + "again.\n";
    static final String QUESTION = "What is the pass key? The pass key is";
    /** Tokens the model may write after the question: enough for a five-digit number and its spacing. */
    static final int ANSWER_TOKENS = 8;
    private static final Pattern NUMBER = Pattern.compile("\\d+");

    /** One length and depth: how many of its trials the model answered exactly. */
    public record Result(int length, double depth, int trials, int correct) {
        public double accuracy() {
            return (double) correct / trials;
        }
    }

    private Passkey() {}

    static String needle(int key) {
        return "The pass key is " + key + ". Remember it. " + key + " is the pass key.\n";
    }

    /**
     * The prompt of at most {@code length − ANSWER_TOKENS} tokens: as many filler lines as fit, the needle after
     * {@code depth} of them.
     */
    static int[] prompt(Tokenizer tokenizer, int length, double depth, int key) {
        int budget = length - ANSWER_TOKENS;
        int fixed = tokenizer.encode(PREAMBLE + needle(key) + QUESTION).length;
        int perFiller = tokenizer.encode(FILLER).length;
        int fillers = Math.max(0, (budget - fixed) / perFiller);
        int[] tokens;
        do {
            int before = (int) Math.round(depth * fillers);
            String text = PREAMBLE + FILLER.repeat(before) + needle(key) + FILLER.repeat(fillers - before) + QUESTION;
            tokens = tokenizer.encode(text);
            fillers--;
        } while (tokens.length > budget && fillers >= 0);
        if (tokens.length > budget) {
            throw new IllegalArgumentException("a passkey prompt needs more than " + length + " tokens with this "
                    + "tokenizer");
        }
        return tokens;
    }

    /** The shortest length that holds a prompt (preamble, needle, question, no filler) and the answer. */
    public static int minimumLength(Tokenizer tokenizer) {
        return tokenizer.encode(PREAMBLE + needle(99_999) + QUESTION).length + ANSWER_TOKENS;
    }

    /** Whether the first number in {@code answer} is {@code key}. */
    static boolean correct(String answer, int key) {
        Matcher number = NUMBER.matcher(answer);
        return number.find() && number.group().equals(Integer.toString(key));
    }

    /** Every length × depth, {@code trials} five-digit keys each from {@code seed}, greedy. */
    public static List<Result> run(LanguageModel model, Tokenizer tokenizer, List<Integer> lengths, List<Double> depths,
                                   int trials, long seed) {
        List<Result> results = new ArrayList<>();
        for (int length : lengths) {
            for (double depth : depths) {
                Random keys = new Random(seed ^ (length * 31L + Math.round(depth * 1000)));
                int correct = 0;
                for (int trial = 0; trial < trials; trial++) {
                    int key = 10_000 + keys.nextInt(90_000);
                    String answer = tokenizer.decode(greedy(model, prompt(tokenizer, length, depth, key)));
                    correct += correct(answer, key) ? 1 : 0;
                }
                results.add(new Result(length, depth, trials, correct));
            }
        }
        return results;
    }

    private static int[] greedy(LanguageModel model, int[] prompt) {
        int[] written = new int[ANSWER_TOKENS];
        try (LanguageModel.State sequence = model.newSequence()) {
            int[] feed = prompt;
            for (int i = 0; i < ANSWER_TOKENS; i++) {
                INDArray logits = model.forward(List.of(new LanguageModel.Feed(sequence, feed, false))).get(0);
                written[i] = logits.argMax(1).getInt(0);
                feed = new int[] {written[i]};
            }
        }
        return written;
    }
}

package dev.phi4j.trainer.eval;


import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
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
    static int[] prompt(Function<String, int[]> encode, int length, double depth, int key) {
        int budget = length - ANSWER_TOKENS;
        int fixed = encode.apply(PREAMBLE + needle(key) + QUESTION).length;
        int perFiller = encode.apply(FILLER).length;
        int fillers = Math.max(0, (budget - fixed) / perFiller);
        int[] tokens;
        do {
            int before = (int) Math.round(depth * fillers);
            String text = PREAMBLE + FILLER.repeat(before) + needle(key) + FILLER.repeat(fillers - before) + QUESTION;
            tokens = encode.apply(text);
            fillers--;
        } while (tokens.length > budget && fillers >= 0);
        if (tokens.length > budget) {
            throw new IllegalArgumentException("a passkey prompt needs more than " + length + " tokens with this "
                    + "tokenizer");
        }
        return tokens;
    }

    /** The shortest length that holds a prompt (preamble, needle, question, no filler) and the answer. */
    public static int minimumLength(Function<String, int[]> encode) {
        return encode.apply(PREAMBLE + needle(99_999) + QUESTION).length + ANSWER_TOKENS;
    }

    /** Whether the first number in {@code answer} is {@code key}. */
    static boolean correct(String answer, int key) {
        Matcher number = NUMBER.matcher(answer);
        return number.find() && number.group().equals(Integer.toString(key));
    }

    /**
     * Every length × depth, {@code trials} five-digit keys each from {@code seed}, greedy; the trials of one cell are
     * decoded together.
     *
     * @throws IllegalArgumentException when a length is more than the model reads
     */
    public static List<Result> run(ScoringModel model, List<Integer> lengths, List<Double> depths, int trials,
                                   long seed) {
        List<Result> results = new ArrayList<>();
        for (int length : lengths) {
            if (length - 1 > model.maxLength()) {
                throw new IllegalArgumentException("passkey prompts of " + length + " tokens; " + model.name()
                        + " reads " + model.maxLength() + " at most");
            }
            for (double depth : depths) {
                Random keys = new Random(seed ^ (length * 31L + Math.round(depth * 1000)));
                List<Integer> cell = new ArrayList<>(trials);
                List<int[]> prompts = new ArrayList<>(trials);
                for (int trial = 0; trial < trials; trial++) {
                    int key = 10_000 + keys.nextInt(90_000);
                    cell.add(key);
                    prompts.add(prompt(model::encode, length, depth, key));
                }
                List<String> answers = model.greedy(prompts, ANSWER_TOKENS);
                int correct = 0;
                for (int trial = 0; trial < trials; trial++) {
                    correct += correct(answers.get(trial), cell.get(trial)) ? 1 : 0;
                }
                results.add(new Result(length, depth, trials, correct));
            }
        }
        return results;
    }
}

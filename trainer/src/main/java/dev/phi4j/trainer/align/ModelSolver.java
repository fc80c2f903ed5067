package dev.phi4j.trainer.align;

import dev.phi4j.core.chat.ChatFormat;
import dev.phi4j.core.schema.Message;
import dev.phi4j.core.tokenizer.Tokenizer;
import dev.phi4j.trainer.eval.MathAnswers;
import dev.phi4j.trainer.generate.Completion;
import dev.phi4j.trainer.generate.DecodeLoop;
import dev.phi4j.trainer.generate.Generator;
import dev.phi4j.trainer.generate.InferenceModel;
import dev.phi4j.trainer.generate.LogProbs;
import dev.phi4j.trainer.generate.SamplingParams;
import dev.phi4j.trainer.generate.TokenLogprob;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Solver} backed by a checkpoint: solutions and rollouts are sampled through the batched inference engine
 * (all M rollouts of every prefix asked for at once share its forward passes), and a rollout succeeds when the
 * final answer of prefix + rollout, read with the configured extraction, equals the question's reference. Every
 * sample is seeded from the run seed and its index among the prompt's samples, so estimates are the same in any run
 * and order.
 */
public final class ModelSolver implements Solver {

    /** Rollouts run, tokens they generated, and the seconds spent generating. */
    public record Work(long rollouts, long tokens, double seconds) {

        public double tokensPerSecond() {
            return seconds == 0 ? 0 : tokens / seconds;
        }
    }

    private final Generator generator;
    private final ChatFormat chat;
    private final PtsConfig config;
    private long rollouts;
    private long tokens;
    private long nanos;

    public ModelSolver(InferenceModel model, PtsConfig config) {
        this.generator = new Generator(model.model(), model.tokenizer(),
                new DecodeLoop.Limits(config.batchRows(), 4096));
        this.chat = new ChatFormat(model.tokenizer());
        this.config = config;
    }

    @Override
    public List<List<Solution>> sample(List<Question> questions, int n) {
        SamplingParams params = params().toBuilder().topLogprobs(config.alternatives() + 1).build();
        List<int[]> prompts = questions.stream().map(this::prompt).toList();
        List<List<Completion>> sampled = generate(prompts, params, n);
        List<List<Solution>> solutions = new ArrayList<>(questions.size());
        for (int q = 0; q < questions.size(); q++) {
            List<Solution> ofQuestion = new ArrayList<>(n);
            for (Completion completion : sampled.get(q)) {
                ofQuestion.add(solution(questions.get(q), completion));
            }
            solutions.add(ofQuestion);
        }
        return solutions;
    }

    private Solution solution(Question question, Completion completion) {
        List<TokenLogprob> logprobs = completion.logprobs();
        int[] solutionTokens = new int[logprobs.size()];
        double[] logProbs = new double[logprobs.size()];
        int[][] alternatives = new int[logprobs.size()][];
        for (int i = 0; i < logprobs.size(); i++) {
            solutionTokens[i] = logprobs.get(i).token();
            logProbs[i] = logprobs.get(i).logprob();
            alternatives[i] = logprobs.get(i).top().stream().mapToInt(LogProbs.Alternative::token).toArray();
        }
        return new Solution(solutionTokens, logProbs, alternatives, correct(question, completion.text()));
    }

    @Override
    public double[] successGiven(Question question, List<int[]> prefixes) {
        int[] prompt = prompt(question);
        List<int[]> prompts = new ArrayList<>(prefixes.size());
        for (int[] prefix : prefixes) {
            int[] full = java.util.Arrays.copyOf(prompt, prompt.length + prefix.length);
            System.arraycopy(prefix, 0, full, prompt.length, prefix.length);
            prompts.add(full);
        }
        List<List<Completion>> rolled = generate(prompts, params(), config.rollouts());
        double[] p = new double[prefixes.size()];
        for (int i = 0; i < prefixes.size(); i++) {
            String start = text(prefixes.get(i));
            long right = rolled.get(i).stream().filter(c -> correct(question, start + c.text())).count();
            p[i] = right / (double) rolled.get(i).size();
        }
        return p;
    }

    @Override
    public String text(int[] solutionTokens) {
        return generator.tokenizer().decode(solutionTokens);
    }

    public Work work() {
        return new Work(rollouts, tokens, nanos / 1e9);
    }

    public Tokenizer tokenizer() {
        return generator.tokenizer();
    }

    private List<List<Completion>> generate(List<int[]> prompts, SamplingParams params, int n) {
        long start = System.nanoTime();
        List<List<Completion>> completions = generator.generate(prompts, params, n);
        nanos += System.nanoTime() - start;
        for (List<Completion> samples : completions) {
            rollouts += samples.size();
            samples.forEach(c -> tokens += c.tokens().length);
        }
        return completions;
    }

    private int[] prompt(Question question) {
        return chat.generationPrompt(List.of(Message.user(question.text())));
    }

    /**
     * Sample j of any prompt uses the same seed, so a prompt's rollouts do not depend on what else shares the batch,
     * and the estimates of one question's prefixes use common random numbers, which keeps their difference, the
     * quantity the search reads, less noisy.
     */
    private SamplingParams params() {
        return SamplingParams.builder().temperature(config.temperature()).maxNewTokens(config.maxNewTokens())
                .seed(config.seed()).build();
    }

    private boolean correct(Question question, String solution) {
        return MathAnswers.matches(config.extraction().extract(solution), question.reference());
    }
}

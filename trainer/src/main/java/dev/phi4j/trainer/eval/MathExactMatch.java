package dev.phi4j.trainer.eval;

import dev.phi4j.core.chat.ChatFormat;
import dev.phi4j.core.schema.Message;
import dev.phi4j.trainer.generate.Completion;
import dev.phi4j.trainer.generate.Generator;
import dev.phi4j.trainer.generate.SamplingParams;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Generative math exact match: each problem asked as a ChatML user turn, answered greedily through the batched
 * inference engine, the final answer read with the chosen extraction and compared with the reference.
 */
public final class MathExactMatch {

    /** One problem's prompt, the model's answer, what was read from it, and whether it is the reference. */
    public record Item(MathProblems.Problem problem, String output, Optional<String> extracted, boolean correct) {}

    public record Result(List<Item> items, double seconds) {

        public long correct() {
            return items.stream().filter(Item::correct).count();
        }

        public double accuracy() {
            return items.isEmpty() ? Double.NaN : (double) correct() / items.size();
        }

        public double itemsPerSecond() {
            return items.size() / seconds;
        }
    }

    private MathExactMatch() {}

    public static Result run(Generator generator, List<MathProblems.Problem> problems,
                             MathAnswers.Extraction extraction, int maxNewTokens) {
        long start = System.nanoTime();
        ChatFormat chat = new ChatFormat(generator.tokenizer());
        List<int[]> prompts = new ArrayList<>(problems.size());
        for (MathProblems.Problem problem : problems) {
            prompts.add(chat.generationPrompt(List.of(Message.user(problem.question()))));
        }
        List<List<Completion>> answers = generator.generate(prompts, SamplingParams.greedy(maxNewTokens), 1);
        List<Item> items = new ArrayList<>(problems.size());
        for (int i = 0; i < problems.size(); i++) {
            String output = answers.get(i).get(0).text();
            Optional<String> extracted = extraction.extract(output);
            items.add(new Item(problems.get(i), output, extracted,
                    MathAnswers.matches(extracted, problems.get(i).reference())));
        }
        return new Result(items, (System.nanoTime() - start) / 1e9);
    }
}

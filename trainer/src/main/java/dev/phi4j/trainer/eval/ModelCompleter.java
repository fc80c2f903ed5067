package dev.phi4j.trainer.eval;

import dev.phi4j.core.chat.ChatFormat;
import dev.phi4j.core.schema.Message;
import dev.phi4j.trainer.generate.Completion;
import dev.phi4j.trainer.generate.Generator;
import dev.phi4j.trainer.generate.SamplingParams;

import java.util.ArrayList;
import java.util.List;

/** A {@link Completer} over a checkpoint: every conversation and sample decoded together by the batched engine. */
public final class ModelCompleter implements Completer {

    private final Generator generator;
    private final ChatFormat chat;
    private final String name;

    public ModelCompleter(Generator generator, String name) {
        this.generator = generator;
        this.chat = new ChatFormat(generator.tokenizer());
        this.name = name;
    }

    @Override
    public List<Answers> complete(List<List<Message>> conversations, Request request) {
        int context = generator.model().config().contextLength();
        List<int[]> prompts = new ArrayList<>(conversations.size());
        List<Integer> fitting = new ArrayList<>(conversations.size());
        Answers[] answers = new Answers[conversations.size()];
        for (int i = 0; i < conversations.size(); i++) {
            int[] prompt = chat.generationPrompt(conversations.get(i));
            if (prompt.length >= context) {
                answers[i] = Answers.refused("the prompt is " + prompt.length + " tokens; the model's context is "
                        + context, request.n());
            } else {
                prompts.add(prompt);
                fitting.add(i);
            }
        }
        SamplingParams params = request.temperature() == 0 ? SamplingParams.greedy(request.maxTokens())
                : SamplingParams.builder().temperature(request.temperature()).maxNewTokens(request.maxTokens())
                        .seed(request.seed()).build();
        List<List<Completion>> samples = prompts.isEmpty() ? List.of() : generator.generate(prompts, params, request.n());
        for (int j = 0; j < fitting.size(); j++) {
            answers[fitting.get(j)] = Answers.of(samples.get(j).stream().map(Completion::text).toList());
        }
        return List.of(answers);
    }

    @Override
    public String name() {
        return name;
    }
}

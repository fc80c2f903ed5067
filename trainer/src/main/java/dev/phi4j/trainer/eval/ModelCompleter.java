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
    public List<List<String>> complete(List<List<Message>> conversations, Request request) {
        List<int[]> prompts = new ArrayList<>(conversations.size());
        conversations.forEach(conversation -> prompts.add(chat.generationPrompt(conversation)));
        SamplingParams params = request.temperature() == 0 ? SamplingParams.greedy(request.maxTokens())
                : SamplingParams.builder().temperature(request.temperature()).maxNewTokens(request.maxTokens())
                        .seed(request.seed()).build();
        List<List<String>> texts = new ArrayList<>(conversations.size());
        for (List<Completion> samples : generator.generate(prompts, params, request.n())) {
            texts.add(samples.stream().map(Completion::text).toList());
        }
        return texts;
    }

    @Override
    public String name() {
        return name;
    }
}

package dev.phi4j.cli;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.Range;
import dev.phi4j.core.config.Variant;
import dev.phi4j.core.tokenizer.Tokenizer;
import dev.phi4j.trainer.generate.Completion;
import dev.phi4j.trainer.generate.DecodeLoop;
import dev.phi4j.trainer.generate.Generator;
import dev.phi4j.trainer.generate.InferenceModel;
import dev.phi4j.trainer.generate.SamplingParams;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static dev.phi4j.cli.RecipeRun.DETAIL;

/** A continuation of a prompt from the trained model, printed with the commands that sample more. */
@Variant("sample")
public record SampleStep(
        @Doc("prompt the sample continues") @Default("The lighthouse keeper") String prompt,
        @Doc("tokens generated at most") @Default("48") @Range(min = 1) int maxTokens,
        @Doc("sampling temperature; 0 is greedy (the seed is run.seed)") @Default("0.8") @Range(min = 0)
        double temperature) implements RecipeStep {

    @Override
    public List<Class<? extends Record>> needs() {
        return List.of(PretrainStep.TrainedModel.class);
    }

    @Override
    public Optional<Record> run(RecipeRun recipe) {
        Path checkpoint = recipe.made(PretrainStep.TrainedModel.class).checkpoint();
        long seed = recipe.config().run().seed();
        InferenceModel loaded = InferenceModel.load(checkpoint, true);
        Tokenizer tokenizer = loaded.tokenizer();
        SamplingParams params = SamplingParams.builder().maxNewTokens(maxTokens).temperature(temperature).seed(seed)
                .build();
        Generator generator = new Generator(loaded.model(), tokenizer, new DecodeLoop.Limits(1, 4096));
        long start = System.nanoTime();
        Completion completion = generator.generate(tokenizer.encode(prompt), params);
        recipe.headline(String.format(Locale.ROOT, "%d tokens in %.2f s from %s (temperature %s, seed %d):",
                completion.tokens().length, (System.nanoTime() - start) / 1e9, checkpoint, temperature, seed));
        System.out.println((prompt + completion.text()).indent(DETAIL.length()).stripTrailing());
        System.out.println(DETAIL + "more: bin/phi4j generate --checkpoint " + checkpoint + " --prompt '...'"
                + "   serve: bin/phi4j serve --checkpoint " + checkpoint);
        return Optional.empty();
    }
}

package dev.phi4j.bench.inference;

import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "generate", mixinStandardHelpOptions = true, description = {
        "Decode speed with the KV cache vs the no-cache baseline (full forward per token) at several contexts.",
        "Random weights of a preset's shape; contexts beyond the preset's use its shape at that context.",
        "Example: phi4j bench generate --preset small --contexts 128,512,2048"})
public final class GenerateBenchCommand implements Callable<Integer> {
    @Option(names = "--preset", defaultValue = "small", description = "model shape (default: ${DEFAULT-VALUE})")
    String preset;

    @Option(names = "--contexts", defaultValue = "128,512,2048", split = ",",
            description = "context lengths (default: ${DEFAULT-VALUE})")
    List<Integer> contexts;

    @Option(names = "--new-tokens", defaultValue = "33", description = "tokens the KV cache generates (default: ${DEFAULT-VALUE})")
    int newTokens;

    @Option(names = "--no-cache-tokens", defaultValue = "3",
            description = "tokens the baseline generates, each a full forward (default: ${DEFAULT-VALUE})")
    int noCacheTokens;

    @Option(names = "--seed", defaultValue = "1", description = "weights and prompt (default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() {
        GenerateBench.Result result = GenerateBench.run(new GenerateBench.Settings(PresetShapes.find(preset), contexts,
                newTokens, noCacheTokens, seed), line -> System.err.println("  " + line));
        System.out.print(result.render());
        return ExitCode.OK;
    }
}

package dev.phi4j.cli;

import dev.phi4j.core.config.ConfigLoader;
import dev.phi4j.trainer.align.ModelSolver;
import dev.phi4j.trainer.align.PtsConfig;
import dev.phi4j.trainer.align.PtsJob;
import dev.phi4j.trainer.align.ReferenceLogProbs;
import dev.phi4j.trainer.align.Solver;
import dev.phi4j.trainer.checkpoint.ModelCheckpoint;
import dev.phi4j.trainer.generate.InferenceModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "pts", mixinStandardHelpOptions = true, description = {
        "Pivotal Token Search pairs (Phi-4 report §4.3, DPO round 1): for each question with a checkable answer, M "
                + "rollouts estimate p(success); questions within [min_success, max_success] get a sampled solution "
                + "split recursively until the single tokens where p jumps by p_gap or more; each such token is paired "
                + "with an alternative verified (by its own rollouts) to move p the other way.",
        "Writes OUTPUT/pairs.jsonl (list it under a mixture's `kind: dpo` set), questions.jsonl (every question's "
                + "search, appended as it finishes: a stopped run resumes), summary.json and report.html (pivotal "
                + "tokens in context).",
        "Example: phi4j pts configs/pts/tiny-arith.yaml --set max_questions=20"})
final class PtsCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CONFIG", description = "pts YAML, e.g. configs/pts/tiny-arith.yaml")
    Path file;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "override one key, e.g. --set rollouts=32 (repeatable)")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        PtsConfig config = ConfigLoader.load(file, overrides, PtsConfig.class).config();
        long start = System.nanoTime();
        InferenceModel model = InferenceModel.load(config.checkpoint(), true);
        List<Solver.Question> questions = PtsJob.questions(config);
        System.out.printf(Locale.ROOT, "phi4j pts: %,d question(s) from %s; model %s (step %d); %d rollouts per "
                        + "estimate, p_gap %s, kept at %s ≤ p ≤ %s%n", questions.size(), config.questions(),
                model.checkpoint().directory(), model.checkpoint().step(), config.rollouts(), config.pGap(),
                config.minSuccess(), config.maxSuccess());
        ModelSolver solver = new ModelSolver(model, config);
        String modelHash = ReferenceLogProbs.hashOf(model.checkpoint().directory().resolve(ModelCheckpoint.WEIGHTS));
        PtsJob.Summary summary = PtsJob.run(config, modelHash, questions, solver, line -> {
            ModelSolver.Work work = solver.work();
            System.out.printf(Locale.ROOT, "      %s  (%,d rollouts, %,.0f tokens/s)%n", line, work.rollouts(),
                    work.tokensPerSecond());
        });
        ModelSolver.Work work = solver.work();
        PtsJob.writeSummary(config, summary, work);
        System.out.printf(Locale.ROOT, "phi4j pts: %,d question(s)%s: %s; %,d pivotal token(s), %,d pair(s); "
                        + "%,d rollouts, %,d tokens at %,.0f tokens/s; %.1f s%n", summary.questions(),
                summary.resumed() == 0 ? "" : String.format(Locale.ROOT, " (%,d done before)", summary.resumed()),
                summary.byStatus().entrySet().stream().map(e -> e.getValue() + " "
                        + e.getKey().name().toLowerCase(Locale.ROOT)).toList(), summary.pivotalTokens(),
                summary.pairs(), work.rollouts(), work.tokens(), work.tokensPerSecond(),
                (System.nanoTime() - start) / 1e9);
        Path out = config.output();
        System.out.printf("      pairs   %s%n      report  %s%n      summary %s%n", summary.pairsFile(),
                out.resolve(PtsJob.REPORT), out.resolve(PtsJob.SUMMARY));
        return ExitCodes.OK;
    }
}

package dev.phi4j.cli;

import dev.phi4j.trainer.report.TrainingReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code phi4j report run RUN [RUN…]}: the training run report over the phases of a recipe. */
@Command(name = "run", mixinStandardHelpOptions = true, description = {
        "Write the training run report: one self-contained HTML file (no script, opens",
        "offline) with a summary per phase (model, context, RoPE θ, steps, tokens, wall",
        "time, final losses), the loss curves, the data mixture each phase trained on,",
        "the long-context and task evaluations per phase (phi4j eval's RUN/eval/), the",
        "report.md notes and a link to the dataset inspection report. Whatever is",
        "missing reads 'not available (why)' and is listed here.",
        "One RUN: it and the runs before it along trainer.init_from. Several: exactly",
        "those, in the order given.",
        "Example: phi4j report run runs/tiny-arith-dpo",
        "         (tiny → tiny-midtrain → tiny-arith-sft → tiny-arith-dpo;",
        "         writes runs/tiny-arith-dpo/run-report.html)"})
final class RunReportCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "RUN",
            description = "a training run directory: the last phase, or each phase to show")
    List<Path> runs;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "the HTML file (default: the last run's " + TrainingReport.FILE + ")")
    Path output;

    @Override
    public Integer call() throws IOException {
        TrainingReport.Written written = TrainingReport.write(runs, Optional.ofNullable(output));
        System.out.printf("phi4j report run: %d phase(s): %s%n", written.phases().size(),
                String.join(" → ", written.phases()));
        System.out.printf("      html  %s%n", written.html());
        written.notAvailable().forEach(line -> System.out.printf("      not available: %s%n", line));
        return ExitCodes.OK;
    }
}

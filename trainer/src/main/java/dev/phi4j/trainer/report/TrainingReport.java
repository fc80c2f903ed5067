package dev.phi4j.trainer.report;

import dev.phi4j.core.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code phi4j report run}: the training run report, one self-contained HTML page over the phases of a recipe
 * (pretraining → midtraining → SFT → DPO): a summary per phase, its loss curves, the data mixture it trained on, the
 * long-context and the task evaluations side by side, and a link to the dataset inspection report. Read from the run
 * directories only (config, metrics, checkpoints' state, {@code eval/}, {@code report.md}, the mixture manifests);
 * whatever is missing is shown as "not available (why)".
 */
public final class TrainingReport {

    public static final String FILE = "run-report.html";

    /** What was written: the page, the phases in order, and every piece that was not available, with why. */
    public record Written(Path html, List<String> phases, List<String> notAvailable) {}

    /** The phases in recipe order, and what stopped the walk back along init_from, if anything did. */
    record Chain(List<Phase> phases, List<String> notes) {}

    private TrainingReport() {}

    /**
     * Writes the report of {@code runs} to {@code output} (default: the last run's {@value #FILE}). One run: it and
     * the runs it started from, following {@code trainer.init_from} back to a run that started from nothing. Several:
     * exactly those, in the order given.
     */
    public static Written write(List<Path> runs, Optional<Path> output) throws IOException {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no run directory given");
        }
        Chain chain = runs.size() == 1 ? follow(runs.get(0)) : new Chain(runs.stream().map(Phase::read).toList(),
                List.of());
        Path html = output.orElse(chain.phases().get(chain.phases().size() - 1).dir().resolve(FILE))
                .toAbsolutePath().normalize();
        TrainingReportHtml.Page page = TrainingReportHtml.render(chain, html, Instant.now());
        Files.createDirectories(html.getParent());
        AtomicFiles.writeString(html, page.html());
        return new Written(html, chain.phases().stream().map(Phase::name).toList(), page.notAvailable());
    }

    /** {@code last} and the runs before it along {@code trainer.init_from}, first phase first. */
    static Chain follow(Path last) {
        List<Phase> backwards = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Set<Path> seen = new HashSet<>();
        Phase phase = Phase.read(last);
        while (true) {
            backwards.add(0, phase);
            seen.add(phase.dir());
            Optional<Path> from = phase.initFromRun();
            if (from.isEmpty()) {
                break;
            }
            if (seen.contains(from.get())) {
                notes.add(phase.name() + " started from " + phase.initFrom().orElseThrow() + ", a run already in this "
                        + "chain: stopped there");
                break;
            }
            try {
                phase = Phase.read(from.get());
            } catch (IllegalArgumentException e) {
                notes.add("the run " + phase.name() + " started from (trainer.init_from: " + phase.initFrom()
                        .orElseThrow() + ") is not available (" + e.getMessage() + ")");
                break;
            }
        }
        return new Chain(backwards, notes);
    }
}

package dev.phi4j.cli;

import dev.phi4j.trainer.train.TrainingProgress;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The console side of a training run: a progress bar with loss, learning rate, throughput, MFU and ETA, redrawn in
 * place on a terminal; on a pipe or log file, a plain line every few seconds instead. Evaluations, checkpoints and
 * warnings get lines of their own.
 */
final class TrainProgressBar implements TrainingProgress {

    private static final int WIDTH = 24;
    private static final long REDRAW_NANOS = 200_000_000L;
    private static final long LOG_NANOS = 5_000_000_000L;

    private final PrintStream out;
    private final boolean terminal;
    private long lastDraw;
    private boolean barShown;

    TrainProgressBar(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public void started(Start start) {
        line(String.format(Locale.ROOT, "steps %,d..%,d of %,d: %,d tokens per step (%d micro-batch%s), %s "
                        + "parameters", start.firstStep(), start.lastStep(), start.maxSteps(), start.tokensPerStep(),
                start.accumulationSteps(), start.accumulationSteps() == 1 ? "" : "es", Sizes.count(start.parameters())));
        line("MFU against " + String.format(Locale.ROOT, "%.1f GFLOP/s", start.peakFlops() / 1e9) + ", "
                + start.peakSource());
        if (start.resumedFrom() != null) {
            line("resumed from " + start.resumedFrom());
        }
    }

    @Override
    public void step(Step step) {
        long now = System.nanoTime();
        boolean last = step.step() == step.lastStep();
        if (!last && now - lastDraw < (terminal ? REDRAW_NANOS : LOG_NANOS)) {
            return;
        }
        lastDraw = now;
        String status = String.format(Locale.ROOT, "step %,d/%,d %s loss %.4f  lr %.2e  |g| %.3f%s  %,.0f tok/s  "
                        + "MFU %.1f%%  ETA %s", step.step(), step.lastStep(), bar(step.step(), step.lastStep()),
                step.loss(), step.lr(), step.gradNorm(), step.clipped() ? " (clipped)" : "", step.tokensPerSecond(),
                100 * step.mfu(), duration(step.etaSeconds()));
        if (terminal) {
            out.print("\r\033[K      " + status);
            barShown = true;
            if (last) {
                endBar();
            }
        } else {
            out.println("      " + status);
        }
    }

    @Override
    public void evaluated(long step, double validationLoss) {
        line(String.format(Locale.ROOT, "step %,d: validation loss %.4f", step, validationLoss));
    }

    @Override
    public void checkpointed(long step, Path directory) {
        line(String.format(Locale.ROOT, "step %,d: checkpoint %s", step, directory));
    }

    @Override
    public void preparing(String message) {
        line(message);
    }

    @Override
    public void note(String message) {
        line("warning: " + message);
    }

    private void line(String text) {
        endBar();
        out.println("      " + text);
    }

    private void endBar() {
        if (barShown) {
            out.print("\r\033[K");
            barShown = false;
            lastDraw = 0;
        }
    }

    static String bar(long done, long total) {
        int filled = (int) Math.round((double) WIDTH * done / Math.max(total, 1));
        return "[" + "=".repeat(filled) + " ".repeat(WIDTH - filled) + "]";
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}

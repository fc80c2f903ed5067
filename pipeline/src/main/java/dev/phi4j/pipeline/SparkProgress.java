package dev.phi4j.pipeline;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

import java.io.PrintStream;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A progress line for the running stage: Spark tasks finished of those submitted, with an estimate of the time
 * left. Redrawn in place on a terminal; on a log (CI, spark-submit to a file) a line every 15 seconds at most.
 */
final class SparkProgress extends SparkListener {

    private final PrintStream out;
    private final boolean terminal = System.console() != null;
    private final ConcurrentHashMap<Integer, Integer> stageTasks = new ConcurrentHashMap<>();
    private final AtomicInteger finished = new AtomicInteger();
    private volatile long start = System.nanoTime();
    private volatile String label = "";
    private volatile long lastDraw;

    SparkProgress(PrintStream out) {
        this.out = out;
    }

    void label(String label) {
        this.label = label;
        stageTasks.clear();
        finished.set(0);
        start = System.nanoTime();
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted submitted) {
        stageTasks.put(submitted.stageInfo().stageId(), submitted.stageInfo().numTasks());
    }

    @Override
    public void onStageCompleted(SparkListenerStageCompleted completed) {
        draw();
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
        finished.incrementAndGet();
        draw();
    }

    private void draw() {
        long now = System.nanoTime();
        long interval = terminal ? 250_000_000L : 15_000_000_000L;
        if (now - lastDraw < interval) {
            return;
        }
        lastDraw = now;
        int total = stageTasks.values().stream().mapToInt(Integer::intValue).sum();
        int done = finished.get();
        double elapsed = (now - start) / 1e9;
        String eta = done > 0 && total > done ? String.format(", ~%.0f s left in submitted work",
                elapsed * (total - done) / done) : "";
        String line = String.format("      %s: %,d/%,d Spark tasks%s", label, done, total, eta);
        if (terminal) {
            out.print("\r\033[K" + line);
        } else {
            out.println(line);
        }
        out.flush();
    }

    void clear() {
        if (terminal) {
            out.print("\r\033[K");
            out.flush();
        }
    }
}

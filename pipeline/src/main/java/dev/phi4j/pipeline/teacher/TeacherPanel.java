package dev.phi4j.pipeline.teacher;

import dev.phi4j.pipeline.io.ShippedConfig;
import dev.phi4j.pipeline.stage.StageContext;
import org.apache.hadoop.conf.Configuration;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * The teachers of a stage as an executor sees them: opened once per JVM (shared connections, concurrency bound and
 * rate limit, see {@link Teachers}), the job-wide rate shared out between {@code executors}. Work on a partition runs
 * on as many threads as the panel allows requests in flight, and comes back in input order. Configs travel as
 * {@link ShippedConfig}s, so a stage's closure can carry the panel to its tasks.
 */
public record TeacherPanel(List<ShippedConfig<TeacherConfig>> shipped, String cacheDir, int executors)
        implements Serializable {

    /** The panel of {@code teachers} caching in {@code cacheDir}, the rate shared by the executors of this job. */
    public static TeacherPanel of(List<TeacherConfig> teachers, String cacheDir, StageContext context) {
        return new TeacherPanel(teachers.stream().map(ShippedConfig::of).toList(), cacheDir, executors(context));
    }

    /** Executors sharing a job-wide rate limit: the non-driver block managers, or 1 in local mode. */
    private static int executors(StageContext context) {
        int blockManagers = context.spark().sparkContext().getExecutorMemoryStatus().size();
        return Math.max(1, blockManagers - 1);
    }

    public List<TeacherConfig> teachers() {
        return shipped.stream().map(ShippedConfig::get).toList();
    }

    /** The panel's clients, each counting what it is asked into {@code usage}. */
    public List<Teacher> open(UsageAccumulator usage) {
        List<Teacher> opened = new ArrayList<>(shipped.size());
        for (TeacherConfig teacher : teachers()) {
            opened.add(new CountedTeacher(Teachers.client(teacher, cacheDir, teacher.requestsPerSecond() / executors,
                    new Configuration()), teacher, usage));
        }
        return opened;
    }

    public int threads() {
        return Math.max(1, teachers().stream().mapToInt(TeacherConfig::maxConcurrency).sum());
    }

    /** {@code work} applied to every item on {@link #threads()} threads, results in input order. */
    public <I, O> List<O> map(List<I> items, Function<I, O> work) {
        if (items.size() <= 1 || threads() == 1) {
            return items.stream().map(work).toList();
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads(), items.size()));
        try {
            List<Future<O>> futures = new ArrayList<>(items.size());
            for (I item : items) {
                futures.add(pool.submit(() -> work.apply(item)));
            }
            List<O> results = new ArrayList<>(items.size());
            for (Future<O> future : futures) {
                results.add(future.get());
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for teacher calls", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime
                    : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * {@code work} applied to consecutive batches of {@code size} items, lazily: one batch in memory at a time, so a
     * stage calling teachers on a partition keeps its threads busy without holding the partition.
     */
    public static <I, O> Iterator<O> inBatches(Iterator<I> items, int size, Function<List<I>, List<O>> work) {
        return new Iterator<>() {
            private Iterator<O> current = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && items.hasNext()) {
                    List<I> batch = new ArrayList<>(size);
                    while (batch.size() < size && items.hasNext()) {
                        batch.add(items.next());
                    }
                    current = work.apply(batch).iterator();
                }
                return current.hasNext();
            }

            @Override
            public O next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
    }
}

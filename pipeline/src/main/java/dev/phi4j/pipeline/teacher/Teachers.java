package dev.phi4j.pipeline.teacher;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The teacher clients of this JVM, one per (config, cache folder): every task of an executor that calls the same
 * teacher shares one client, so {@code max_concurrency}, the rate limit and the HTTP connections hold per executor
 * rather than per task. Spark ships only the serialisable {@link TeacherConfig} and strings; the client is made on
 * first use in each executor.
 */
public final class Teachers {

    private record Key(TeacherConfig config, String cacheDir) {}

    private static final Map<Key, TeacherClient> CLIENTS = new ConcurrentHashMap<>();

    private Teachers() {}

    /**
     * The shared client for {@code config} caching in {@code cacheDir}. {@code requestsPerSecondShare} is this JVM's
     * part of the job's {@code requests_per_second} (the job's rate over the number of executors; 0: unlimited); the
     * first caller's share sets it for the life of the JVM.
     */
    public static TeacherClient client(TeacherConfig config, String cacheDir, double requestsPerSecondShare,
                                       Configuration conf) {
        return CLIENTS.computeIfAbsent(new Key(config, cacheDir), key -> TeacherClient.builder(config)
                .requestsPerSecond(requestsPerSecondShare)
                .cache(new ResponseCache(new Path(cacheDir), conf))
                .build());
    }
}

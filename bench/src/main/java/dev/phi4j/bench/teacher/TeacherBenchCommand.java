package dev.phi4j.bench.teacher;

import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "teacher", mixinStandardHelpOptions = true, description = {
        "Teacher client overhead: phi4j's client (no cache, cold cache, warm cache) vs the JDK HttpClient posting the "
                + "same requests to a local endpoint that answers at once.",
        "Example: bin/phi4j bench teacher --requests 2000 --concurrency 8"})
public final class TeacherBenchCommand implements Callable<Integer> {

    @Option(names = "--requests", defaultValue = "2000", description = "requests per client (default: ${DEFAULT-VALUE})")
    int requests;
    @Option(names = "--concurrency", defaultValue = "8", description = "requests in flight (default: ${DEFAULT-VALUE})")
    int concurrency;

    @Override
    public Integer call() throws Exception {
        Path cache = Files.createTempDirectory("phi4j-teacher-bench");
        try {
            System.out.print(TeacherBench.run(new TeacherBench.Settings(requests, concurrency), cache).render());
        } finally {
            try (Stream<Path> paths = Files.walk(cache)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
        return ExitCode.OK;
    }
}

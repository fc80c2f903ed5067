package dev.phi4j.core.sandbox;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.Range;

import java.io.Serializable;
import java.nio.file.Path;

/**
 * Limits for running one generated program in a {@link Sandbox}. Every limit ends the run with its own outcome
 * ({@code cpu_limit}, {@code timeout}, …), so a stage can count its drops by the limit that tripped. No Optional
 * components: Spark ships this record to executors with Java serialization, which Optional does not support.
 */
public record SandboxConfig(
        @Doc("CPU seconds each process may use (RLIMIT_CPU; javac and java get this much each); more ends the run "
                + "as cpu_limit") @Default("5") @Range(min = 1, max = 3600) int cpuSeconds,
        @Doc("wall-clock seconds for the whole run, a Java compile included; then the process tree is killed "
                + "(timeout)") @Default("10") @Range(min = 0.1, max = 3600) double wallSeconds,
        @Doc("address space in MiB (RLIMIT_AS); for Java the heap (-Xmx), the JVM's own reservations come on top")
        @Default("512") @Range(min = 64, max = 1048576) int memoryMb,
        @Doc("processes and threads the program may have at once (RLIMIT_NPROC); Java's own threads come on top")
        @Default("16") @Range(min = 1, max = 4096) int maxProcesses,
        @Doc("bytes of stdout kept; more ends the run (output_limit). stderr keeps its last this-many bytes")
        @Default("65536") @Range(min = 1024, max = 1073741824) int maxOutputBytes,
        @Doc("MiB of the program's private scratch filesystem, and the largest file it may write (RLIMIT_FSIZE)")
        @Default("64") @Range(min = 1, max = 65536) int diskMb,
        @Doc("Python interpreter: a name looked up on PATH=/usr/bin:/bin (what the program sees) or an absolute path")
        @Default("python3") String python,
        @Doc("JDK whose bin/javac and bin/java compile and run Java programs; empty: the JDK running the pipeline")
        @Default("''") String javaHome,
        @Doc("let the program use the network; false runs it in a network namespace with only a downed loopback")
        @Default("false") boolean network) implements Serializable {

    public SandboxConfig {
        if (python.isBlank()) {
            throw new IllegalArgumentException("python is empty: name an interpreter such as python3");
        }
    }

    /** The JDK used for Java programs: {@link #javaHome()}, else the one this JVM runs on. */
    public Path jdk() {
        return Path.of(javaHome.isEmpty() ? System.getProperty("java.home") : javaHome);
    }
}

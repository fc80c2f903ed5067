package dev.phi4j.core.sandbox;

import java.io.Serializable;

/**
 * How one {@link Program} run ended. {@code stdout} is the head of standard output (at most the configured cap),
 * {@code stderr} the tail of standard error (the traceback is at the end). {@code exitCode} is the program's exit
 * status, 128 + n when signal n ended it, -1 when no process ran.
 *
 * @param seconds         wall-clock time from start to end, a Java compile included
 * @param networkIsolated whether the program ran without network access (an empty network namespace); false when
 *                        the configuration allowed the network or the machine could not take it away
 */
public record ExecutionResult(Outcome outcome, int exitCode, String stdout, String stderr, double seconds,
                              boolean networkIsolated, Isolation isolation) implements Serializable {

    /** How a run ended; {@link #reason()} is the snake_case drop reason a stage counts. */
    public enum Outcome {
        PASSED("passed"),
        /** exited non-zero: a failed assertion, an uncaught exception */
        FAILED("test_failed"),
        /** javac rejected the source, or Python could not parse it */
        COMPILE_ERROR("compile_error"),
        /** the wall-clock limit passed and the process tree was killed */
        TIMED_OUT("timeout"),
        /** SIGXCPU: the CPU-time limit */
        CPU_LIMIT("cpu_limit"),
        /** an allocation failed against the address-space limit (MemoryError, OutOfMemoryError) */
        MEMORY_LIMIT("memory_limit"),
        /** a fork or thread start failed against the process limit */
        PROCESS_LIMIT("process_limit"),
        /** more standard output than the cap: the process tree was killed */
        OUTPUT_LIMIT("output_limit"),
        /** a file larger than the limit (SIGXFSZ) or the scratch filesystem full */
        DISK_LIMIT("disk_limit"),
        /** ended by another signal */
        KILLED("killed"),
        /** the sandbox itself failed (could not start or set up the process); says nothing about the program */
        SANDBOX_ERROR("sandbox_error");

        private final String reason;

        Outcome(String reason) {
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    public boolean passed() {
        return outcome == Outcome.PASSED;
    }

    /** The snake_case drop reason: {@code timeout}, {@code cpu_limit}, {@code test_failed}, {@code passed}, … */
    public String reason() {
        return outcome.reason();
    }
}

package dev.phi4j.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the phi4j command in this JVM, as a user would from the shell, and keeps what it printed. */
final class CliRun {

    record Result(int exitCode, String out, String err) {}

    private CliRun() {}

    static Result run(String... args) {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        ByteArrayOutputStream printedErr = new ByteArrayOutputStream();
        PrintStream console = System.out;
        PrintStream consoleErr = System.err;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(printedErr, true, StandardCharsets.UTF_8));
        try {
            int code = Phi4j.commandLine().execute(args);
            System.err.flush();
            return new Result(code, printed.toString(StandardCharsets.UTF_8), printedErr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(console);
            System.setErr(consoleErr);
        }
    }
}

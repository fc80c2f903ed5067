package dev.phi4j.pipeline.sandbox;

import java.io.Serializable;
import java.util.Optional;

/**
 * One program to run: Python source (run as {@code main.py}) or one Java source file whose public class is compiled
 * and run. {@code stdin} is what the program reads on standard input; without it standard input is empty.
 */
public record Program(Language language, String source, Optional<String> stdin) implements Serializable {

    public enum Language { PYTHON, JAVA }

    public static Program python(String source) {
        return new Program(Language.PYTHON, source, Optional.empty());
    }

    public static Program java(String source) {
        return new Program(Language.JAVA, source, Optional.empty());
    }

    public Program withStdin(String input) {
        return new Program(language, source, Optional.of(input));
    }
}

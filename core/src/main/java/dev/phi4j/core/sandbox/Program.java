package dev.phi4j.core.sandbox;

import java.io.Serializable;

/**
 * One program to run: Python source (run as {@code main.py}) or one Java source file whose public class is compiled
 * and run. {@code stdin} is what the program reads on standard input, often empty.
 */
public record Program(Language language, String source, String stdin) implements Serializable {

    public enum Language { PYTHON, JAVA }

    public static Program python(String source) {
        return new Program(Language.PYTHON, source, "");
    }

    public static Program java(String source) {
        return new Program(Language.JAVA, source, "");
    }

    public Program withStdin(String input) {
        return new Program(language, source, input);
    }
}

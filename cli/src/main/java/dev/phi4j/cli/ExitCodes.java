package dev.phi4j.cli;

/** Exit statuses of {@code phi4j}; scripts and CI can tell a bad config from a failed run. */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    private ExitCodes() {}
}

package dev.phi4j.trainer.report;

/**
 * A part of the run report read from a run's files, or why it is not available: the page shows "not available (why)"
 * in its place, so one missing file never stops the report.
 */
record Piece<T>(T value, String missing) {

    static <T> Piece<T> of(T value) {
        return new Piece<>(value, null);
    }

    static <T> Piece<T> missing(String why) {
        return new Piece<>(null, why);
    }

    boolean present() {
        return value != null;
    }
}

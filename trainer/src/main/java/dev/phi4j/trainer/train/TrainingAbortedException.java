package dev.phi4j.trainer.train;

/** The run cannot go on: {@code trainer.nan_tolerance} steps in a row had a NaN or infinite loss or gradient. */
public final class TrainingAbortedException extends RuntimeException {

    private final long step;

    TrainingAbortedException(long step, String message) {
        super("step " + step + ": " + message);
        this.step = step;
    }

    public long step() {
        return step;
    }
}

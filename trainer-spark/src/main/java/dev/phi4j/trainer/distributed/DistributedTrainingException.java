package dev.phi4j.trainer.distributed;

/**
 * A step's (or an averaging round's) Spark job failed after Spark's own retries, or ran past
 * {@code trainer.distributed.job_timeout_s}: the run stops, nothing of the job applied, its last checkpoint intact.
 */
public final class DistributedTrainingException extends RuntimeException {

    DistributedTrainingException(String steps, String what, Throwable cause) {
        super(steps + ": the Spark job " + what + " failed (" + rootMessage(cause) + "); nothing of " + steps
                + " was applied. Check the workers, then continue from the last checkpoint with --resume", cause);
    }

    private static String rootMessage(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}

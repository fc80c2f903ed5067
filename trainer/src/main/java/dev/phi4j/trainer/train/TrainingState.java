package dev.phi4j.trainer.train;

/**
 * Where a run stands after a step: everything besides weights and optimizer moments that resuming needs. Stored in
 * {@code checkpoint.json} under {@code state}.
 *
 * @param step              optimizer steps done, skipped ones included
 * @param sequencesConsumed the data position: training sequences drawn so far in the run's data order
 * @param tokensSeen        input tokens trained on (micro-batches × micro-batch size × context length)
 * @param skippedSteps      steps skipped for a NaN or infinite loss or gradient norm
 * @param consecutiveSkipped skipped steps in a row just before this one
 * @param optimizerUpdates  AdamW updates applied (its bias-correction t)
 * @param trainSeconds      wall-clock seconds spent in steps so far
 * @param dataFingerprint   the shard set trained on (SHA-256 of its manifest); a resume on other data is refused
 * @param seed              the run seed: initialisation, data order and the per-step ND4J random seed derive from it
 */
public record TrainingState(long step, long sequencesConsumed, long tokensSeen, long skippedSteps,
                            int consecutiveSkipped, long optimizerUpdates, double trainSeconds, String dataFingerprint,
                            long seed) {

    public static TrainingState initial(String dataFingerprint, long seed) {
        return new TrainingState(0, 0, 0, 0, 0, 0, 0, dataFingerprint, seed);
    }
}

package dev.phi4j.trainer.train;

/**
 * Learning rate at optimizer step s = 1 … S: linear warmup from 0 to the peak over W steps, then down to the floor
 * (peak × min_lr_ratio) at step S, linearly (the Phi-4 report's schedule) or along a half cosine.
 * <pre>
 *   s ≤ W:  peak · s / W
 *   s > W:  p = (s − W) / (S − W);  linear: peak − (peak − floor)·p;  cosine: floor + (peak − floor)·(1 + cos πp)/2
 * </pre>
 */
public record LearningRateSchedule(TrainerConfig.ScheduleConfig.Decay decay, double peak, double floor,
                                   long warmupSteps, long maxSteps) {

    public static LearningRateSchedule of(TrainerConfig config) {
        double peak = config.optimizer().lr();
        return new LearningRateSchedule(config.schedule().decay(), peak, peak * config.schedule().minLrRatio(),
                config.schedule().warmupSteps(), config.maxSteps());
    }

    public double at(long step) {
        if (step < 1 || step > maxSteps) {
            throw new IllegalArgumentException("step " + step + " is outside 1.." + maxSteps);
        }
        if (step <= warmupSteps) {
            return peak * step / warmupSteps;
        }
        double progress = (double) (step - warmupSteps) / (maxSteps - warmupSteps);
        return switch (decay) {
            case LINEAR -> peak - (peak - floor) * progress;
            case COSINE -> floor + (peak - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
        };
    }
}

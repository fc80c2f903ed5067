package dev.phi4j.trainer.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Reference values worked out by hand: peak 1e-3, floor 1e-4 (min_lr_ratio 0.1), 10 warmup steps of 110. */
class LearningRateScheduleTest {

    private static final double TOLERANCE = 1e-15;

    @Test
    void linearWarmupThenLinearDecayToTheFloor() {
        LearningRateSchedule linear = schedule("linear");
        assertEquals(1e-4, linear.at(1), TOLERANCE);           // 1e-3 · 1/10
        assertEquals(5e-4, linear.at(5), TOLERANCE);
        assertEquals(1e-3, linear.at(10), TOLERANCE);          // the peak at the end of warmup
        assertEquals(7.75e-4, linear.at(35), TOLERANCE);       // a quarter of the decay: 1e-3 − 0.9e-3 · 0.25
        assertEquals(5.5e-4, linear.at(60), TOLERANCE);        // half way
        assertEquals(1e-4, linear.at(110), TOLERANCE);         // the floor at the last step
    }

    @Test
    void cosineDecayFollowsHalfACosineToTheSameFloor() {
        LearningRateSchedule cosine = schedule("cosine");
        assertEquals(1e-4, cosine.at(1), TOLERANCE);
        assertEquals(1e-3, cosine.at(10), TOLERANCE);
        assertEquals(1e-4 + 0.45e-3 * (1 + Math.sqrt(0.5)), cosine.at(35), TOLERANCE);   // 8.682e-4
        assertEquals(5.5e-4, cosine.at(60), TOLERANCE);
        assertEquals(1e-4 + 0.45e-3 * (1 - Math.sqrt(0.5)), cosine.at(85), TOLERANCE);   // 2.318e-4
        assertEquals(1e-4, cosine.at(110), TOLERANCE);
    }

    @Test
    void withoutWarmupTheFirstStepIsAlreadyDecaying() {
        LearningRateSchedule schedule = LearningRateSchedule.of(TrainFixtures.trainer(
                "{max_steps: 4, optimizer: {lr: 1e-3}, schedule: {warmup_steps: 0, min_lr_ratio: 0}}"));
        assertEquals(7.5e-4, schedule.at(1), TOLERANCE);
        assertEquals(0.0, schedule.at(4), TOLERANCE);
        assertThrows(IllegalArgumentException.class, () -> schedule.at(5));
        assertThrows(IllegalArgumentException.class, () -> schedule.at(0));
    }

    private static LearningRateSchedule schedule(String decay) {
        return LearningRateSchedule.of(TrainFixtures.trainer("{max_steps: 110, optimizer: {lr: 1e-3}, "
                + "schedule: {decay: '" + decay + "', warmup_steps: 10, min_lr_ratio: 0.1}}"));
    }
}

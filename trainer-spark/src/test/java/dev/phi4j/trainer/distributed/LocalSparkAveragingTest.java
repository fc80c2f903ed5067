package dev.phi4j.trainer.distributed;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phi4j.core.shard.ShardSet;
import dev.phi4j.trainer.train.TrainFixtures;
import dev.phi4j.trainer.train.Trainer;
import dev.phi4j.trainer.train.TrainerConfig;
import dev.phi4j.trainer.train.TrainingProgress;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.phi4j.trainer.distributed.LocalSparkTrainingTest.TOLERANCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parameter averaging on {@code local[2]} against the single-process trainer on the same data, config and token
 * budget. One replica is the single-process run, so its losses must agree within {@value LocalSparkTrainingTest#TOLERANCE}
 * (this checks the round plumbing: data order, learning rates, moments and update counts carried between rounds and
 * through checkpoints). Two replicas train a different run; the first step of every round is computed at the averaged
 * weights on the whole step's batch, so its loss is what a single process computes from the same weights, and the run
 * must end within {@value #AVERAGING_TOLERANCE} nats of the single-process validation loss.
 */
class LocalSparkAveragingTest {

    /** Largest |Δ| allowed between the validation loss after averaging two replicas and the single process's. */
    static final double AVERAGING_TOLERANCE = 0.05;

    private static final String TRAINER = "{max_steps: 8, micro_batch_size: 2, global_batch_tokens: 128, "
            + "schedule: {warmup_steps: 2}, eval: {interval: 4, batches: 2}, checkpoint: {interval: 4, keep_last: 5}, "
            + "distributed: {master: 'local[2]', mode: 'averaging', average_every: %d, workers: %d}}";

    private static JavaSparkContext spark;

    @BeforeAll
    static void startSpark() {
        spark = SparkTraining.context("local[2]", "phi4j-trainer-spark-averaging-test");
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    private static TrainerConfig config(int averageEvery, int workers) {
        return TrainFixtures.trainer(String.format(TRAINER, averageEvery, workers));
    }

    private static Trainer averaging(Trainer trainer, Trainer.Run run, ShardSet data) {
        trainer.distribute(new SparkAveraging(spark, run, data.directory(), run.config().distributed().workers()));
        return trainer;
    }

    @Test
    void oneReplicaIsTheSingleProcessRunAcrossRoundsAndCheckpoints(@TempDir Path dir) throws IOException {
        ShardSet data = TrainFixtures.packedBooks(dir.resolve("data"));
        TrainerConfig config = config(3, 1);
        Path single = dir.resolve("single");
        Trainer.start(TrainFixtures.run(single, config), data, TrainingProgress.SILENT).train();

        // rounds 1–3, 4 (evaluation and checkpoint at 4), 5–7, 8
        Path replica = dir.resolve("replica");
        Trainer.Run run = TrainFixtures.run(replica, config);
        averaging(Trainer.start(run, data, TrainingProgress.SILENT), run, data).train();
        TrainFixtures.assertSameLosses(single, replica, 8, TOLERANCE);
        List<Integer> rounds = TrainFixtures.events(replica, "step").stream().map(s -> s.get("round_steps").asInt())
                .toList();
        assertEquals(List.of(3, 3, 3, 1, 3, 3, 3, 1), rounds);

        // a single process to step 4, then one replica resumes its checkpoint: moments and update count carry over
        Path handedOver = dir.resolve("single-then-replica");
        Trainer.start(TrainFixtures.run(handedOver, config), data, TrainingProgress.SILENT).train(4);
        Trainer.Run second = TrainFixtures.run(handedOver, config);
        Trainer continued = averaging(Trainer.resume(second, data, TrainingProgress.SILENT), second, data);
        assertEquals(4, continued.state().step());
        continued.train();
        TrainFixtures.assertSameLosses(single, handedOver, 8, TOLERANCE);
    }

    @Test
    void twoReplicasTrainCloseToTheSingleProcessRunAndTheirCheckpointsResumeInIt(@TempDir Path dir)
            throws IOException {
        ShardSet data = TrainFixtures.packedBooks(dir.resolve("data"));
        TrainerConfig config = config(2, 2);
        Path single = dir.resolve("single");
        Trainer.Summary one = Trainer.start(TrainFixtures.run(single, config), data, TrainingProgress.SILENT).train();

        Path averaged = dir.resolve("averaged");
        Trainer.Run run = TrainFixtures.run(averaged, config);
        Trainer.Summary two = averaging(Trainer.start(run, data, TrainingProgress.SILENT), run, data).train();
        List<JsonNode> steps = TrainFixtures.events(averaged, "step");
        assertEquals(8, steps.size());
        for (JsonNode step : steps) {
            assertEquals(2, step.get("workers").asInt(), step.toString());
            assertEquals(2, step.get("round_steps").asInt(), step.toString());
            assertTrue(step.get("compute_s").asDouble() > 0 && step.get("exchange_s").asDouble() >= 0,
                    step.toString());
        }
        List<JsonNode> alone = TrainFixtures.events(single, "step");
        assertEquals(alone.get(0).get("loss").asDouble(), steps.get(0).get("loss").asDouble(), TOLERANCE,
                "step 1: both start from the same weights on the same batch");
        double apart = Math.abs(alone.get(1).get("loss").asDouble() - steps.get(1).get("loss").asDouble());
        assertTrue(apart > 1e-4, "step 2: each replica took its own step on half the batch, so the loss is not the "
                + "single process's (|Δ| " + apart + ")");
        List<JsonNode> evals = TrainFixtures.events(averaged, "eval");
        double firstEval = TrainFixtures.events(single, "eval").get(0).get("val_loss").asDouble();
        assertTrue(two.validationLoss() < firstEval, "averaging learns: " + two.validationLoss() + " after "
                + evals.get(0).get("val_loss").asDouble());
        assertEquals(one.validationLoss(), two.validationLoss(), AVERAGING_TOLERANCE,
                "validation loss after 8 steps, averaging vs one process");
        System.out.printf("averaging 2 replicas every 2 steps: validation loss %.4f vs one process %.4f (Δ %.4f)%n",
                two.validationLoss(), one.validationLoss(), two.validationLoss() - one.validationLoss());

        // averaged to step 4, then a single process resumes: its step 5 starts from the averaged weights, as the
        // averaging run's round 5–6 does, so the two step-5 losses are the same
        Path handedBack = dir.resolve("averaged-then-single");
        Trainer.Run first = TrainFixtures.run(handedBack, config);
        averaging(Trainer.start(first, data, TrainingProgress.SILENT), first, data).train(4);
        Trainer resumed = Trainer.resume(TrainFixtures.run(handedBack, config), data, TrainingProgress.SILENT);
        assertEquals(4, resumed.state().step());
        resumed.train(5);
        double averagedStep5 = steps.get(4).get("loss").asDouble();
        double singleStep5 = TrainFixtures.events(handedBack, "step").get(4).get("loss").asDouble();
        assertEquals(averagedStep5, singleStep5, TOLERANCE, "step 5's loss from the averaged step-4 checkpoint");
        assertTrue(Files.isDirectory(handedBack.resolve("checkpoints/step-00000005")));
    }

    @Test
    void aRoundPastTheJobTimeoutIsCancelledAndStopsTheRunSayingWhy(@TempDir Path dir) throws IOException {
        ShardSet data = TrainFixtures.packedBooks(dir.resolve("data"));
        TrainerConfig config = TrainFixtures.trainer(String.format(TRAINER, 2, 2).replace("workers: 2}",
                "workers: 2, job_timeout_s: 0.001}"));
        Trainer.Run run = TrainFixtures.run(dir.resolve("run"), config);
        Trainer trainer = averaging(Trainer.start(run, data, TrainingProgress.SILENT), run, data);
        DistributedTrainingException e = assertThrows(DistributedTrainingException.class, trainer::train);
        assertTrue(e.getMessage().startsWith("steps 1–2: the Spark job training the replicas failed (no result after "
                + "0.001 s (trainer.distributed.job_timeout_s)"), e.getMessage());
        assertTrue(e.getMessage().contains("continue from the last checkpoint with --resume"), e.getMessage());
        assertEquals(0, trainer.state().step(), "nothing applied");
    }
}

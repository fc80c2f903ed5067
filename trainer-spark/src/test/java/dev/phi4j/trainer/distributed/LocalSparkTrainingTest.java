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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gradient sharing on {@code local[2]} against the single-process trainer on the same data, config and token budget.
 * Each step's 4 micro-batches are split 2 + 2 over the workers and their gradient sums added on the driver, so the
 * only difference is float summation order: every step's loss and gradient norm must agree within
 * {@value #TOLERANCE}, and checkpoints written by either resume in the other.
 */
class LocalSparkTrainingTest {

    /** Largest |Δ| allowed between a distributed and a single-process step's loss (and gradient norm). */
    static final double TOLERANCE = 1e-6;

    static final TrainerConfig CONFIG = TrainFixtures.trainer("{max_steps: 6, micro_batch_size: 2, "
            + "global_batch_tokens: 128, schedule: {warmup_steps: 2}, eval: {interval: 3, batches: 2}, "
            + "checkpoint: {interval: 3, keep_last: 5}, distributed: {master: 'local[2]', workers: 2}}");

    private static JavaSparkContext spark;

    @BeforeAll
    static void startSpark() {
        spark = SparkTraining.context("local[2]", "phi4j-trainer-spark-test");
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    private static Trainer distributed(Trainer trainer, Trainer.Run run, ShardSet data) {
        trainer.distribute(new SparkGradients(spark, run, data.directory(), 2));
        return trainer;
    }

    @Test
    void gradientSharingOnLocal2GivesTheSingleProcessLossesAndCheckpointsInteroperate(@TempDir Path dir)
            throws IOException {
        ShardSet data = TrainFixtures.packedBooks(dir.resolve("data"));

        Path single = dir.resolve("single");
        Trainer.start(TrainFixtures.run(single, CONFIG), data, TrainingProgress.SILENT).train();

        Path shared = dir.resolve("shared");
        Trainer.Run sharedRun = TrainFixtures.run(shared, CONFIG);
        distributed(Trainer.start(sharedRun, data, TrainingProgress.SILENT), sharedRun, data).train();
        TrainFixtures.assertSameLosses(single, shared, 6, TOLERANCE);
        assertTrue(Files.isDirectory(shared.resolve("checkpoints/step-00000006")));
        List<JsonNode> steps = TrainFixtures.events(shared, "step");
        for (JsonNode step : steps) {
            assertEquals(2, step.get("workers").asInt(), step.toString());
            assertTrue(step.get("exchange_s").asDouble() >= 0 && step.get("compute_s").asDouble() > 0,
                    step.toString());
        }

        // distributed to step 3, then a single process resumes its checkpoint
        Path handedBack = dir.resolve("distributed-then-single");
        Trainer.Run first = TrainFixtures.run(handedBack, CONFIG);
        distributed(Trainer.start(first, data, TrainingProgress.SILENT), first, data).train(3);
        Trainer resumed = Trainer.resume(TrainFixtures.run(handedBack, CONFIG), data, TrainingProgress.SILENT);
        assertEquals(3, resumed.state().step());
        resumed.train();
        TrainFixtures.assertSameLosses(single, handedBack, 6, TOLERANCE);

        // a single process to step 3, then the distributed run resumes its checkpoint
        Path handedOver = dir.resolve("single-then-distributed");
        Trainer.start(TrainFixtures.run(handedOver, CONFIG), data, TrainingProgress.SILENT).train(3);
        Trainer.Run second = TrainFixtures.run(handedOver, CONFIG);
        Trainer continued = distributed(Trainer.resume(second, data, TrainingProgress.SILENT), second, data);
        assertEquals(3, continued.state().step());
        continued.train();
        TrainFixtures.assertSameLosses(single, handedOver, 6, TOLERANCE);
    }

    @Test
    void aWorkerThatCannotReadTheShardsStopsTheRunSayingWhyAndHowToGoOn(@TempDir Path dir) throws IOException {
        ShardSet data = TrainFixtures.packedBooks(dir.resolve("data"));
        Trainer.Run run = TrainFixtures.run(dir.resolve("run"), CONFIG);
        Trainer trainer = Trainer.start(run, data, TrainingProgress.SILENT);
        trainer.distribute(new SparkGradients(spark, run, data.directory(), 2,
                dir.resolve("not-mounted").toString()));
        DistributedTrainingException e = assertThrows(
                DistributedTrainingException.class, trainer::train);
        assertTrue(e.getMessage().startsWith("step 1: the Spark job computing its gradients failed"), e.getMessage());
        assertTrue(e.getMessage().contains("the shard directory " + dir.resolve("not-mounted") + " is not there"),
                e.getMessage());
        assertTrue(e.getMessage().contains("continue from the last checkpoint with --resume"), e.getMessage());
        assertEquals(0, trainer.state().step(), "nothing applied");
    }

    @Test
    void workersReadACopyOfTheShardsThroughHadoopAndRefuseAnotherSet(@TempDir Path dir) throws IOException {
        ShardSet data = TrainFixtures.packedBooks(dir.resolve("data"));
        Path copy = dir.resolve("elsewhere");
        try (var files = Files.walk(data.directory())) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(data.directory().relativize(file).toString()));
            }
        }
        Path single = dir.resolve("single");
        Trainer.start(TrainFixtures.run(single, CONFIG), data, TrainingProgress.SILENT).train(2);
        Path hadoop = dir.resolve("hadoop");
        Trainer.Run run = TrainFixtures.run(hadoop, CONFIG);
        Trainer trainer = Trainer.start(run, data, TrainingProgress.SILENT);
        trainer.distribute(new SparkGradients(spark, run, data.directory(), 2, copy.toUri().toString()));
        trainer.train(2);
        TrainFixtures.assertSameLosses(single, hadoop, 2, TOLERANCE);

        ShardSet other = dev.phi4j.trainer.train.TextPacker.pack(List.of(TrainFixtures.BOOKS.get(0)),
                TrainerConfig.DataConfig.DocumentSplit.BLANK_LINES, 0.1, TrainFixtures.tokenizer(),
                TrainFixtures.MODEL.contextLength(), dir.resolve("other")).shards();
        Trainer.Run wrongRun = TrainFixtures.run(dir.resolve("wrong"), CONFIG);
        Trainer wrong = Trainer.start(wrongRun, data, TrainingProgress.SILENT);
        wrong.distribute(new SparkGradients(spark, wrongRun, data.directory(), 2,
                other.directory().toUri().toString()));
        DistributedTrainingException e = assertThrows(
                DistributedTrainingException.class, wrong::train);
        assertTrue(e.getMessage().contains("are not the driver's"), e.getMessage());
    }
}

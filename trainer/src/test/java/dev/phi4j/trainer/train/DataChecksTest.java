package dev.phi4j.trainer.train;

import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.core.shard.ShardException;
import dev.phi4j.core.shard.ShardSet;
import dev.phi4j.core.tokenizer.BpeTokenizer;
import dev.phi4j.core.tokenizer.BpeTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Data that does not fit the model stops the run before its first step, naming the file; so does a corrupt shard. */
class DataChecksTest {

    private static final TrainerConfig CONFIG = TrainFixtures.trainer("{max_steps: 2, micro_batch_size: 2, "
            + "global_batch_tokens: 32, schedule: {warmup_steps: 1}}");

    @Test
    void shardsOfAnotherVocabularyAreRefusedBeforeTraining(@TempDir Path dir) throws IOException {
        ShardSet data = TrainFixtures.packedBooks(dir.resolve("data"));
        ModelConfig wider = TrainFixtures.MODEL.withVocabSize(512);
        Trainer.Run run = new Trainer.Run(dir.resolve("run"), 1, wider, TrainFixtures.tokenizer(),
                TrainFixtures.tokenizerIn(dir), CONFIG);
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Trainer.start(run, data, TrainingProgress.SILENT));
        assertTrue(error.getMessage().equals(data.directory().resolve("manifest.json") + ": the shards have "
                + "vocab_size 300 but model.vocab_size is 512; pack the data with the run's tokenizer"),
                error.getMessage());
        assertFalse(Files.exists(dir.resolve("run/metrics.jsonl")), "nothing was trained");
    }

    @Test
    void shardsOfAnotherTokenizerOrContextLengthAreRefused(@TempDir Path dir) throws IOException {
        ShardSet data = TrainFixtures.packedBooks(dir.resolve("data"));
        BpeTokenizer other = new BpeTrainer(BpeTrainer.Settings.of(TrainFixtures.VOCAB))
                .train(Collections.nCopies(20, "a different corpus entirely, with other merges").iterator(), d -> { });
        Trainer.Run otherTokenizer = new Trainer.Run(dir.resolve("run"), 1, TrainFixtures.MODEL, other,
                TrainFixtures.tokenizerIn(dir), CONFIG);
        IllegalArgumentException tokenizer = assertThrows(IllegalArgumentException.class,
                () -> Trainer.start(otherTokenizer, data, TrainingProgress.SILENT));
        assertTrue(tokenizer.getMessage().contains("the shards were tokenized by"), tokenizer.getMessage());

        Trainer.Run longer = new Trainer.Run(dir.resolve("run"), 1, TrainFixtures.MODEL.withContext(32, 10_000),
                TrainFixtures.tokenizer(), TrainFixtures.tokenizerIn(dir), CONFIG);
        IllegalArgumentException context = assertThrows(IllegalArgumentException.class,
                () -> Trainer.start(longer, data, TrainingProgress.SILENT));
        assertTrue(context.getMessage().endsWith("the shards hold sequences of seq_len 16 but "
                + "model.context_length is 32"), context.getMessage());
    }

    @Test
    void aCorruptShardStopsTrainingNamingTheFile(@TempDir Path dir) throws IOException {
        TrainFixtures.packedBooks(dir.resolve("data"));
        Path shard = dir.resolve("data/train-00000.bin");
        try (RandomAccessFile file = new RandomAccessFile(shard.toFile(), "rw")) {
            file.seek(100);
            int original = file.read();
            file.seek(100);
            file.write(original ^ 0x01);
        }
        ShardSet data = ShardSet.open(dir.resolve("data"));
        Trainer trainer = Trainer.start(TrainFixtures.run(dir.resolve("run"), CONFIG), data, TrainingProgress.SILENT);
        ShardException error = assertThrows(ShardException.class, trainer::train);
        assertTrue(error.getMessage().startsWith(shard.toAbsolutePath().normalize() + ": checksum mismatch"),
                error.getMessage());
    }

    @Test
    void globalBatchMustBeWholeMicroBatches() {
        TrainerConfig uneven = TrainFixtures.trainer("{micro_batch_size: 3, global_batch_tokens: 100}");
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> uneven.accumulationSteps(16, 1));
        assertTrue(error.getMessage().contains("global_batch_tokens (100) must be a multiple of micro_batch_size × "
                + "context_length (3 × 16 = 48)"), error.getMessage());
    }
}

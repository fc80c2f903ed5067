package dev.phi4j.cli;

import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.core.tokenizer.BpeTokenizer;
import dev.phi4j.core.tokenizer.BpeTrainer;
import dev.phi4j.core.tokenizer.TokenizerConfig;
import dev.phi4j.trainer.checkpoint.CheckpointFolders;
import dev.phi4j.trainer.checkpoint.ModelCheckpoint;
import dev.phi4j.trainer.model.PhiDecoder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.learning.config.NoOp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** An untrained model checkpoint (no training state) with a BPE tokenizer learned from the bundled books. */
final class TinyCheckpoint {

    static final Path ROOT = Path.of(System.getProperty("phi4j.root", ".."));

    private TinyCheckpoint() {}

    /** Writes a checkpoint of {@code model} into the run folder {@code run}, as {@code phi4j train} lays it out. */
    static void write(Path run, ModelConfig model) throws IOException {
        List<Path> books;
        try (var files = Files.list(ROOT.resolve("datasets/sample/books"))) {
            books = files.sorted().toList();
        }
        BpeTokenizer tokenizer = new BpeTrainer(BpeTrainer.Settings.of(model.vocabSize())).train(books, merges -> { });
        Files.createDirectories(run);
        Path tokenizerFile = run.resolve("tokenizer.bpe");
        tokenizer.save(tokenizerFile);
        ComputationGraph net = PhiDecoder.build(model, PhiDecoder.Masking.DOCUMENTS,
                new NeuralNetConfiguration.Builder().seed(3).updater(new NoOp()));
        String name = CheckpointFolders.stepName(0);
        ModelCheckpoint.Contents contents = new ModelCheckpoint.Contents(net, model, PhiDecoder.Masking.DOCUMENTS,
                tokenizer, new TokenizerConfig(TokenizerConfig.Kind.BPE, Optional.of(tokenizerFile), model.vocabSize(),
                List.of()));
        CheckpointFolders.commit(run.resolve(CheckpointFolders.DIRECTORY), name,
                folder -> ModelCheckpoint.write(folder, name, 0, contents));
    }
}

package dev.phi4j.trainer.generate;

import dev.phi4j.core.tokenizer.Tokenizer;
import dev.phi4j.trainer.checkpoint.CheckpointFolders;
import dev.phi4j.trainer.checkpoint.ModelCheckpoint;

import java.nio.file.Path;

/**
 * A model checkpoint opened for inference: the model behind the {@link LanguageModel} interface, its tokenizer, and
 * the name it is served under (the run directory's name, e.g. {@code tiny} for {@code runs/tiny}).
 */
public record InferenceModel(LanguageModel model, Tokenizer tokenizer, ModelCheckpoint checkpoint, String name) {

    /**
     * @param path    a run directory, its {@code checkpoints} directory or one checkpoint folder (see
     *                {@link ModelCheckpoint#load})
     * @param kvCache {@link KvCacheModel} (the default everywhere) or the no-cache baseline {@link FullRecomputeModel}
     */
    public static InferenceModel load(Path path, boolean kvCache) {
        ModelCheckpoint checkpoint = ModelCheckpoint.load(path);
        if (checkpoint.tokenizer().vocabSize() > checkpoint.model().vocabSize()) {
            throw new IllegalArgumentException(checkpoint.directory() + ": the tokenizer has "
                    + checkpoint.tokenizer().vocabSize() + " ids but the model's vocabulary is "
                    + checkpoint.model().vocabSize());
        }
        LanguageModel model = kvCache ? new KvCacheModel(checkpoint.net())
                : new FullRecomputeModel(checkpoint.net(), checkpoint.model());
        return new InferenceModel(model, checkpoint.tokenizer(), checkpoint, runName(checkpoint));
    }

    /** {@code <run>/checkpoints/<step>} is named after {@code <run>}; a lone checkpoint folder after itself. */
    private static String runName(ModelCheckpoint checkpoint) {
        Path step = checkpoint.directory().toAbsolutePath().normalize();
        Path parent = step.getParent();
        if (parent != null && parent.getFileName() != null
                && parent.getFileName().toString().equals(CheckpointFolders.DIRECTORY)
                && parent.getParent() != null && parent.getParent().getFileName() != null) {
            return parent.getParent().getFileName().toString();
        }
        return step.getFileName().toString();
    }
}

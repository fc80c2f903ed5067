package dev.phi4j.core.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.IntConsumer;

/**
 * Trains a {@link BpeTokenizer} on a corpus: counts pre-tokens (cl100k's pattern) on several threads, then
 * learns merges one at a time until the vocabulary is full or no pair is frequent enough; the rest of the
 * vocabulary becomes padding. The result is the same for any number of threads.
 */
public final class BpeTrainer {

    /**
     * @param vocabSize        ids in the trained tokenizer: 256 bytes, the merges, 4 special tokens, padding
     * @param minPairFrequency a pair seen fewer times than this is not merged; the ids left over are padding
     * @param threads          threads counting pre-tokens (merging itself is sequential)
     */
    public record Settings(int vocabSize, int minPairFrequency, int threads) {

        public Settings {
            if (vocabSize < BpeTokenizer.MIN_VOCAB_SIZE || vocabSize > BpeTokenizer.MAX_VOCAB_SIZE) {
                throw new IllegalArgumentException("vocabSize must be between " + BpeTokenizer.MIN_VOCAB_SIZE
                        + " (256 bytes + " + BpeTokenizer.SPECIALS_AFTER_MERGES.size() + " special tokens) and "
                        + BpeTokenizer.MAX_VOCAB_SIZE + ", got " + vocabSize);
            }
            if (minPairFrequency < 1) {
                throw new IllegalArgumentException("minPairFrequency must be at least 1, got " + minPairFrequency);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
        }

        /** Defaults for a quick experiment: every pair seen twice may merge, one thread per core. */
        public static Settings of(int vocabSize) {
            return new Settings(vocabSize, 2, Runtime.getRuntime().availableProcessors());
        }

        /** The merges a corpus with enough distinct pairs yields; progress counts towards this. */
        public int maxMerges() {
            return vocabSize - BpeTokenizer.MIN_VOCAB_SIZE;
        }
    }

    private final Settings settings;

    public BpeTrainer(Settings settings) {
        this.settings = settings;
    }

    /**
     * Trains on UTF-8 text files, each one document.
     *
     * @param mergesDone told the number of merges learned so far after each merge, on the calling thread
     */
    public BpeTokenizer train(List<Path> files, IntConsumer mergesDone) throws IOException {
        try {
            return train(readEach(files), mergesDone);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** @param mergesDone told the number of merges learned so far after each merge, on the calling thread */
    public BpeTokenizer train(Iterator<String> documents, IntConsumer mergesDone) {
        Map<String, Long> preTokenCounts = new PreTokenCounter(settings.threads()).count(documents);
        List<BpeMerge> merges = new MergeLearner(preTokenCounts)
                .learn(settings.maxMerges(), settings.minPairFrequency(), mergesDone);
        return new BpeTokenizer(settings.vocabSize(), PreTokenizer.CL100K_PATTERN, merges);
    }

    /** Reads each file when the counter asks for it, so the corpus is never in memory all at once. */
    private static Iterator<String> readEach(List<Path> files) {
        Iterator<Path> paths = files.iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return paths.hasNext();
            }

            @Override
            public String next() {
                if (!paths.hasNext()) {
                    throw new NoSuchElementException();
                }
                Path file = paths.next();
                try {
                    return Files.readString(file);
                } catch (MalformedInputException e) {
                    throw new UncheckedIOException(new IOException(file + ": not UTF-8 text", e));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }
}

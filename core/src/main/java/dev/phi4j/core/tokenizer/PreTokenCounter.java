package dev.phi4j.core.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Counts how often each pre-token occurs in a corpus, on several threads. Documents are cut into chunks of
 * about {@link #CHUNK_CHARS} at places where cl100k's pattern always has a piece boundary, so the counts
 * are exactly those of pre-tokenizing each whole document, and do not depend on the number of threads.
 */
final class PreTokenCounter {

    static final int CHUNK_CHARS = 1 << 16;

    /** Chunks handed out at once: bounds memory on a large corpus while keeping every thread busy. */
    private static final int CHUNKS_PER_BATCH = 256;

    private final int threads;

    PreTokenCounter(int threads) {
        this.threads = threads;
    }

    Map<String, Long> count(Iterator<String> documents) {
        Map<String, Long> counts = new HashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "bpe-pretokenize");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<String> batch = new ArrayList<>();
            while (documents.hasNext()) {
                batch.addAll(chunks(documents.next(), CHUNK_CHARS));
                if (batch.size() >= CHUNKS_PER_BATCH || !documents.hasNext()) {
                    for (Map<String, Long> partial : countBatch(batch, pool)) {
                        partial.forEach((piece, n) -> counts.merge(piece, n, Long::sum));
                    }
                    batch.clear();
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return counts;
    }

    private List<Map<String, Long>> countBatch(List<String> chunks, ExecutorService pool) {
        List<Future<Map<String, Long>>> parts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t;
            parts.add(pool.submit(() -> {
                Map<String, Long> partial = new HashMap<>();
                for (int c = first; c < chunks.size(); c += threads) {
                    PreTokenizer.CL100K.split(LoneSurrogates.replace(chunks.get(c)),
                            piece -> partial.merge(piece, 1L, Long::sum));
                }
                return partial;
            }));
        }
        List<Map<String, Long>> partials = new ArrayList<>();
        for (Future<Map<String, Long>> part : parts) {
            partials.add(join(part));
        }
        return partials;
    }

    private static Map<String, Long> join(Future<Map<String, Long>> part) {
        try {
            return part.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while counting pre-tokens", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : new IllegalStateException(e.getCause());
        }
    }

    /**
     * Cuts a document into chunks of about {@code targetChars}. A cut goes right after a line feed that is
     * followed by a character other than whitespace: no alternative of cl100k's pattern can match a line
     * feed followed by such a character (line feeds only end a piece or sit in whitespace runs), so a piece
     * always ends there. A document without such a place stays whole.
     */
    static List<String> chunks(String document, int targetChars) {
        List<String> chunks = new ArrayList<>();
        int start = 0;
        while (document.length() - start > targetChars) {
            int cut = safeCutAfter(document, start + targetChars);
            if (cut < 0) {
                break;
            }
            chunks.add(document.substring(start, cut));
            start = cut;
        }
        chunks.add(document.substring(start));
        return chunks;
    }

    private static int safeCutAfter(String text, int from) {
        for (int i = text.indexOf('\n', from); i >= 0 && i + 1 < text.length(); i = text.indexOf('\n', i + 1)) {
            if (!Character.isWhitespace(text.charAt(i + 1))) {
                return i + 1;
            }
        }
        return -1;
    }
}

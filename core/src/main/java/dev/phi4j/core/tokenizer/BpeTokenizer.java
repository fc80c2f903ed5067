package dev.phi4j.core.tokenizer;

import dev.phi4j.core.io.Sha256;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A byte-level BPE tokenizer trained by {@link BpeTrainer}, for experiments too small for Phi-4's 100k
 * vocabulary.
 *
 * <p>Ids: 0..255 are the bytes, then one id per merge in the order the merges were learned, then
 * {@code <|endoftext|>}, {@code <|im_start|>}, {@code <|im_sep|>}, {@code <|im_end|>}, then
 * {@code <|dummy_0|>}, {@code <|dummy_1|>}, … up to the configured vocabulary size, like Phi-4's padding.
 *
 * <p>Encoding cuts text with the pre-tokenizer pattern and applies merges inside each piece, lowest id
 * first. Lone surrogates become U+FFFD first, as in {@link Phi4Tokenizer}. Immutable apart from a bounded
 * cache of encoded pieces, and thread-safe.
 */
public final class BpeTokenizer implements Tokenizer {

    static final int BYTE_TOKENS = 256;

    /** In the order they follow the merges. */
    static final List<String> SPECIALS_AFTER_MERGES = List.of(
            SpecialTokens.END_OF_TEXT, SpecialTokens.IM_START, SpecialTokens.IM_SEP, SpecialTokens.IM_END);

    static final int MIN_VOCAB_SIZE = BYTE_TOKENS + SPECIALS_AFTER_MERGES.size();

    /** Ids must pack two to an int in {@link PairIds}. */
    static final int MAX_VOCAB_SIZE = 32_768;

    /**
     * Word frequencies are Zipfian: the first pieces seen include nearly all frequent ones, so a cache that
     * simply stops growing when full keeps most of the benefit without eviction bookkeeping.
     */
    private static final int CACHE_CAPACITY = 1 << 16;

    private final int vocabSize;
    private final PreTokenizer preTokenizer;
    private final List<BpeMerge> merges;
    private final PairIds mergedIds;
    private final SpecialTokens specialTokens;
    private final byte[][] bytesById;
    private final String name;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    /** @param merges in the order they were learned; each may only use ids below its own */
    BpeTokenizer(int vocabSize, String pattern, List<BpeMerge> merges) {
        if (vocabSize < MIN_VOCAB_SIZE || vocabSize > MAX_VOCAB_SIZE) {
            throw new IllegalArgumentException("vocabulary size " + vocabSize + " is outside "
                    + MIN_VOCAB_SIZE + ".." + MAX_VOCAB_SIZE);
        }
        if (BYTE_TOKENS + merges.size() + SPECIALS_AFTER_MERGES.size() > vocabSize) {
            throw new IllegalArgumentException(merges.size() + " merges and "
                    + SPECIALS_AFTER_MERGES.size() + " special tokens do not fit a vocabulary of " + vocabSize);
        }
        this.vocabSize = vocabSize;
        this.preTokenizer = new PreTokenizer(pattern);
        this.merges = List.copyOf(merges);
        this.mergedIds = new PairIds(this.merges, BYTE_TOKENS);
        this.specialTokens = new SpecialTokens(specialIds(BYTE_TOKENS + merges.size(), vocabSize));
        this.bytesById = new byte[vocabSize][];
        for (int b = 0; b < BYTE_TOKENS; b++) {
            bytesById[b] = new byte[] {(byte) b};
        }
        for (int k = 0; k < this.merges.size(); k++) {
            int id = BYTE_TOKENS + k;
            BpeMerge merge = this.merges.get(k);
            if (merge.left() < 0 || merge.left() >= id || merge.right() < 0 || merge.right() >= id) {
                throw new IllegalArgumentException(
                        "merge " + k + " " + merge + " uses an id not below its own id " + id);
            }
            byte[] left = bytesById[merge.left()];
            byte[] right = bytesById[merge.right()];
            byte[] joined = new byte[left.length + right.length];
            System.arraycopy(left, 0, joined, 0, left.length);
            System.arraycopy(right, 0, joined, left.length, right.length);
            bytesById[id] = joined;
        }
        specialTokens.ids().forEach((token, id) -> bytesById[id] = token.getBytes(StandardCharsets.UTF_8));
        this.name = "phi4j-bpe vocab " + vocabSize + " (sha256 " + fingerprint(BpeFile.format(this)) + ")";
    }

    /** The special tokens of a tokenizer whose merges end just below {@code firstId}. */
    static Map<String, Integer> specialIds(int firstId, int vocabSize) {
        Map<String, Integer> ids = new LinkedHashMap<>();
        int id = firstId;
        for (String token : SPECIALS_AFTER_MERGES) {
            ids.put(token, id++);
        }
        for (int dummy = 0; id < vocabSize; dummy++) {
            ids.put("<|dummy_" + dummy + "|>", id++);
        }
        return ids;
    }

    /** Reads a file written by {@link #save}; a malformed file is an error naming the file and line. */
    public static BpeTokenizer load(Path file) throws IOException {
        return BpeFile.read(file);
    }

    public void save(Path file) throws IOException {
        BpeFile.write(this, file);
    }

    /** The learned merges in the order they apply: merge k makes id 256 + k. */
    public List<BpeMerge> merges() {
        return merges;
    }

    @Override
    public String preTokenizerPattern() {
        return preTokenizer.regex();
    }

    /** How many ids are real merges rather than padding. */
    public int mergeCount() {
        return merges.size();
    }

    /** Identifies the tokenizer's content, not just its size: two trainings on different text differ. */
    @Override
    public String name() {
        return name;
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public SpecialTokens specialTokens() {
        return specialTokens;
    }

    @Override
    public int[] encode(String text) {
        String valid = LoneSurrogates.replace(text);
        IntList tokens = new IntList(valid.length() / 3);
        preTokenizer.split(valid, piece -> tokens.addAll(encodePiece(piece)));
        return tokens.toArray();
    }

    @Override
    public int[] encode(String text, Set<String> allowedSpecial) {
        return SpecialTokenSplitter.encode(text, allowedSpecial, specialTokens, this::encode);
    }

    @Override
    public String decode(int[] tokens) {
        return TokenBytes.decode(tokens, bytesById);
    }

    @Override
    public byte[] tokenBytes(int token) {
        return TokenBytes.of(token, bytesById).clone();
    }

    private int[] encodePiece(String piece) {
        int[] cached = cache.get(piece);
        if (cached != null) {
            return cached;
        }
        int[] tokens = merge(piece.getBytes(StandardCharsets.UTF_8));
        if (cache.size() < CACHE_CAPACITY) {
            cache.put(piece, tokens);
        }
        return tokens;
    }

    /**
     * Applies merges lowest id first, leftmost first among equals, which gives the same tokens as replaying
     * the merges in training order. A heap of candidate pairs keeps this O(n log n): pieces can be whole
     * 10,000-byte runs without spaces, where rescanning for the best pair after every merge is quadratic.
     * Symbols live in a linked list over the byte positions; {@code pairAt[i]} is the id the pair starting
     * at symbol {@code i} merges into (-1: none), and a heap entry whose id no longer matches is stale.
     */
    private int[] merge(byte[] bytes) {
        int n = bytes.length;
        int[] token = new int[n];
        int[] next = new int[n];
        int[] prev = new int[n];
        int[] pairAt = new int[n];
        LongHeap candidates = new LongHeap(n);
        for (int i = 0; i < n; i++) {
            token[i] = bytes[i] & 0xFF;
            next[i] = i + 1;
            prev[i] = i - 1;
        }
        for (int i = 0; i < n; i++) {
            pairAt[i] = i + 1 < n ? mergedIds.get(token[i], token[i + 1]) : -1;
            offer(candidates, pairAt[i], i);
        }
        int symbols = n;
        while (!candidates.isEmpty()) {
            long candidate = candidates.poll();
            int id = (int) (candidate >>> 32);
            int i = (int) candidate;
            if (pairAt[i] != id) {
                continue;
            }
            int right = next[i];
            token[i] = id;
            next[i] = next[right];
            if (next[i] < n) {
                prev[next[i]] = i;
            }
            pairAt[right] = -1;
            symbols--;
            if (prev[i] >= 0) {
                int p = prev[i];
                pairAt[p] = mergedIds.get(token[p], id);
                offer(candidates, pairAt[p], p);
            }
            pairAt[i] = next[i] < n ? mergedIds.get(id, token[next[i]]) : -1;
            offer(candidates, pairAt[i], i);
        }
        int[] tokens = new int[symbols];
        for (int i = 0, k = 0; i < n; i = next[i]) {
            tokens[k++] = token[i];
        }
        return tokens;
    }

    private static void offer(LongHeap candidates, int id, int position) {
        if (id >= 0) {
            candidates.add((long) id << 32 | position);
        }
    }

    /** The first 48 bits of the file's SHA-256: enough to tell two vocabularies apart in a name. */
    private static String fingerprint(String fileText) {
        return Sha256.hex(fileText).substring(0, 12);
    }

    /** A binary min-heap of longs, so candidate pairs are not boxed. */
    private static final class LongHeap {
        private long[] values;
        private int size;

        LongHeap(int capacity) {
            values = new long[Math.max(capacity, 1)];
        }

        boolean isEmpty() {
            return size == 0;
        }

        void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            int i = size++;
            while (i > 0 && values[(i - 1) / 2] > value) {
                values[i] = values[(i - 1) / 2];
                i = (i - 1) / 2;
            }
            values[i] = value;
        }

        long poll() {
            long top = values[0];
            long last = values[--size];
            int i = 0;
            while (2 * i + 1 < size) {
                int child = 2 * i + 1;
                if (child + 1 < size && values[child + 1] < values[child]) {
                    child++;
                }
                if (last <= values[child]) {
                    break;
                }
                values[i] = values[child];
                i = child;
            }
            values[i] = last;
            return top;
        }
    }
}

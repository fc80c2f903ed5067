package dev.phi4j.trainer.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * (n, n) additive causal masks: 0 where key j ≤ query i, {@link TransformerBlock#MASKED} above the diagonal. Attention
 * goes a query block at a time ({@link TransformerBlock#causalProbabilities}) and only a block's own positions need a
 * mask, so masks are at most {@link TransformerBlock#QUERY_BLOCK} wide whatever the context: every block of every layer
 * shares the one of its size and data type from this cache. Bounded: once the cached masks pass the byte budget the
 * least recently used are dropped (whoever holds them keeps them), except the newest, which stays however large. Do
 * not modify a mask.
 */
final class CausalMasks {

    /** The process's masks: room for far more sizes than a run uses (a full block and a last, shorter one). */
    static final CausalMasks SHARED = new CausalMasks(4L << 20);

    private record Key(int length, DataType dataType) {}

    private final long budgetBytes;
    private final LinkedHashMap<Key, INDArray> masks = new LinkedHashMap<>(8, 0.75f, true);   // least recent first
    private long cachedBytes;

    CausalMasks(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    synchronized INDArray get(int length, DataType dataType) {
        INDArray mask = masks.get(new Key(length, dataType));
        if (mask == null) {
            mask = build(length, dataType);
            masks.put(new Key(length, dataType), mask);
            cachedBytes += bytes(mask);
            dropLeastRecentBeyondBudget();
        }
        return mask;
    }

    /** Bytes of the masks this cache holds. */
    synchronized long cachedBytes() {
        return cachedBytes;
    }

    private void dropLeastRecentBeyondBudget() {
        Iterator<INDArray> leastRecentFirst = masks.values().iterator();
        while (cachedBytes > budgetBytes && masks.size() > 1) {
            cachedBytes -= bytes(leastRecentFirst.next());
            leastRecentFirst.remove();
        }
    }

    private static long bytes(INDArray mask) {
        return mask.length() * mask.dataType().width();
    }

    private static INDArray build(int length, DataType dataType) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray query = Nd4j.arange(length).castTo(dataType).reshape(length, 1);
            INDArray mask = Nd4j.create(dataType, length, length);
            Nd4j.exec(new SubOp(query.reshape(1, length), query, mask));                   // j − i
            Nd4j.exec(new Step(mask, mask, 0.0));                                            // 1 above the diagonal
            return mask.muli(TransformerBlock.MASKED);
        }
    }
}

package dev.phi4j.core.shard;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The byte layout of one shard file, all little-endian:
 * <pre>
 *   header        64 bytes: magic "PHI4JSEQ", version u32, row_length u32, token_bytes u32, flags u32 (bit 0: loss
 *                 masks), rows u64, document starts u64, zero padding
 *   tokens        rows × row_length × token_bytes   (uint16 or int32; row r at 64 + r·row_length·token_bytes)
 *   start index   (rows + 1) × u64: row r's document starts are starts[index[r] .. index[r+1])
 *   starts        u32 offsets inside the row
 *   loss masks    rows × ceil(row_length / 8) bytes, bit i (LSB first) = position i counts; only with flag bit 0
 * </pre>
 * Fixed-length token rows make random access one multiplication, and the token region is one flat array that the
 * reader maps into memory; the ragged document starts sit behind an index.
 */
record ShardLayout(int rowLength, int tokenBytes, boolean lossMask, long rows, long starts) {

    static final int HEADER_BYTES = 64;
    static final int VERSION = 1;
    private static final byte[] MAGIC = "PHI4JSEQ".getBytes(StandardCharsets.US_ASCII);
    private static final int LOSS_MASK_FLAG = 1;

    long rowBytes() {
        return (long) rowLength * tokenBytes;
    }

    long tokensOffset() {
        return HEADER_BYTES;
    }

    long startIndexOffset() {
        return tokensOffset() + rows * rowBytes();
    }

    long startsOffset() {
        return startIndexOffset() + (rows + 1) * Long.BYTES;
    }

    long masksOffset() {
        return startsOffset() + starts * Integer.BYTES;
    }

    int maskBytes() {
        return (rowLength + 7) / 8;
    }

    long fileSize() {
        return masksOffset() + (lossMask ? rows * maskBytes() : 0);
    }

    ByteBuffer header() {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        header.put(MAGIC).putInt(VERSION).putInt(rowLength).putInt(tokenBytes).putInt(lossMask ? LOSS_MASK_FLAG : 0)
                .putLong(rows).putLong(starts);
        return header.clear();
    }

    static ShardLayout read(ByteBuffer header, Path file) {
        if (header.remaining() < HEADER_BYTES) {
            throw new ShardException(file, "truncated: " + header.remaining() + " bytes, shorter than the "
                    + HEADER_BYTES + "-byte header");
        }
        ByteBuffer in = header.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[MAGIC.length];
        in.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new ShardException(file, "not a phi4j shard (bad magic bytes)");
        }
        int version = in.getInt();
        if (version != VERSION) {
            throw new ShardException(file, "shard file version " + version + "; this phi4j reads version " + VERSION);
        }
        int rowLength = in.getInt();
        int tokenBytes = in.getInt();
        int flags = in.getInt();
        long rows = in.getLong();
        long starts = in.getLong();
        if (rowLength < 2 || (tokenBytes != 2 && tokenBytes != 4) || rows < 0 || starts < rows) {
            throw new ShardException(file, "corrupt header (row_length " + rowLength + ", token_bytes " + tokenBytes
                    + ", rows " + rows + ", starts " + starts + ")");
        }
        return new ShardLayout(rowLength, tokenBytes, (flags & LOSS_MASK_FLAG) != 0, rows, starts);
    }
}

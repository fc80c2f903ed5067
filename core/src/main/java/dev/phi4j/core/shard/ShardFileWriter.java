package dev.phi4j.core.shard;

import dev.phi4j.core.io.Sha256;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Writes one shard file ({@link ShardLayout}). Token rows stream to disk; the document starts and loss masks, a few
 * bytes per row, are kept until {@link #finish} appends them and fills in the header. A Spark job can run one of these
 * per partition and assemble the manifest from the returned {@link ShardManifest.ShardFile}s; {@link ShardWriter}
 * does the same for a whole set on one machine.
 */
public final class ShardFileWriter implements Closeable {

    private static final int BUFFER_BYTES = 1 << 20;

    private final Path file;
    private final int rowLength;
    private final int vocabSize;
    private final ShardManifest.TokenType tokenType;
    private final boolean lossMask;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private long[] startIndex = new long[1024];
    private int[] starts = new int[1024];
    private final ByteArrayOutputStream masks = new ByteArrayOutputStream();
    private long rows;
    private long startCount;
    private boolean finished;

    public ShardFileWriter(Path file, int seqLen, int vocabSize, boolean lossMask) throws IOException {
        this.file = file;
        this.rowLength = seqLen + 1;
        this.vocabSize = vocabSize;
        this.tokenType = ShardManifest.TokenType.forVocabulary(vocabSize);
        this.lossMask = lossMask;
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        channel.position(ShardLayout.HEADER_BYTES);
    }

    public long rows() {
        return rows;
    }

    public void append(TokenRow row) throws IOException {
        check(row);
        for (int token : row.tokens()) {
            if (buffer.remaining() < Integer.BYTES) {
                flush();
            }
            if (tokenType == ShardManifest.TokenType.UINT16) {
                buffer.putShort((short) token);
            } else {
                buffer.putInt(token);
            }
        }
        if (rows + 1 >= startIndex.length) {
            startIndex = Arrays.copyOf(startIndex, startIndex.length * 2);
        }
        for (int start : row.documentStarts()) {
            if (startCount == starts.length) {
                starts = Arrays.copyOf(starts, starts.length * 2);
            }
            starts[(int) startCount++] = start;
        }
        startIndex[(int) ++rows] = startCount;
        if (lossMask) {
            byte[] bits = new byte[(rowLength + 7) / 8];
            boolean[] mask = row.lossMask();
            for (int i = 0; i < mask.length; i++) {
                if (mask[i]) {
                    bits[i >> 3] |= (byte) (1 << (i & 7));
                }
            }
            masks.write(bits);
        }
    }

    private void check(TokenRow row) {
        if (finished) {
            throw new IllegalStateException(file + ": already finished");
        }
        if (row.tokens().length != rowLength) {
            throw new IllegalArgumentException(file + ": row " + rows + " has " + row.tokens().length
                    + " tokens; this shard stores rows of seq_len + 1 = " + rowLength);
        }
        if ((row.lossMask() != null) != lossMask) {
            throw new IllegalArgumentException(file + ": row " + rows + (lossMask ? " lacks a loss mask"
                    : " has a loss mask but the shard set stores none"));
        }
        for (int i = 0; i < rowLength; i++) {
            int token = row.tokens()[i];
            if (token < 0 || token >= vocabSize) {
                throw new IllegalArgumentException(file + ": row " + rows + " position " + i + " holds token " + token
                        + ", outside the vocabulary [0, " + vocabSize + ")");
            }
        }
        if (startCount + row.documentStarts().length > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(file + ": too many document starts for one shard; start a new shard");
        }
    }

    private void flush() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }

    /** Writes the index, starts, masks and header, and returns the manifest entry (with the file's SHA-256). */
    public ShardManifest.ShardFile finish() throws IOException {
        flush();
        for (long offset : Arrays.copyOf(startIndex, (int) rows + 1)) {
            putLong(offset);
        }
        for (int i = 0; i < startCount; i++) {
            if (buffer.remaining() < Integer.BYTES) {
                flush();
            }
            buffer.putInt(starts[i]);
        }
        flush();
        channel.write(ByteBuffer.wrap(masks.toByteArray()));
        ShardLayout layout = new ShardLayout(rowLength, tokenType.bytes(), lossMask, rows, startCount);
        channel.write(layout.header(), 0);
        if (channel.size() != layout.fileSize()) {
            throw new IllegalStateException(file + ": wrote " + channel.size() + " bytes, layout says "
                    + layout.fileSize());
        }
        channel.force(true);
        String sha256 = sha256(channel);
        channel.close();
        finished = true;
        return new ShardManifest.ShardFile(file.getFileName().toString(), rows, rows * rowLength, sha256);
    }

    private void putLong(long value) throws IOException {
        if (buffer.remaining() < Long.BYTES) {
            flush();
        }
        buffer.putLong(value);
    }

    static String sha256(FileChannel channel) throws IOException {
        MessageDigest digest = Sha256.digest();
        ByteBuffer chunk = ByteBuffer.allocate(BUFFER_BYTES);
        long position = 0;
        int read;
        while ((read = channel.read(chunk.clear(), position)) > 0) {
            digest.update(chunk.flip());
            position += read;
        }
        return Sha256.hex(digest);
    }

    /** Closes without finishing when {@link #finish} was not reached (the partial file is the caller's to delete). */
    @Override
    public void close() throws IOException {
        if (channel.isOpen()) {
            channel.close();
        }
    }
}

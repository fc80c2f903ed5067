package dev.phi4j.trainer.hf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * Writes one {@code .safetensors} file (layout in {@link SafetensorsFile}): the header, padded with spaces to a
 * multiple of 8 bytes as the reference writer does, so the data starts 8-aligned; then each tensor's bytes in the
 * order given, streamed a block of rows at a time from its {@link Source}.
 */
public final class SafetensorsWriter {

    /** Rows of a tensor in row-major order, converted a block at a time so no tensor is held twice in memory. */
    @FunctionalInterface
    public interface Source {
        /** Fills {@code out[0..count)} with elements {@code from..from+count} of the tensor, row-major. */
        void read(long from, float[] out, int count);
    }

    /** One tensor to write: its name, its shape as the file states it, and where its elements come from. */
    public record Entry(String name, long[] shape, Source source) {

        public long elements() {
            long count = 1;
            for (long size : shape) {
                count *= size;
            }
            return count;
        }
    }

    /** Elements converted per block: 4M floats, 16 MB of heap whatever the tensor. */
    static final int BLOCK_ELEMENTS = 1 << 22;

    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsWriter() {}

    /** Writes {@code entries} as {@code dtype} into {@code file}, with {@code metadata} as the header's own. */
    public static void write(Path file, SafetensorsDtype dtype, List<Entry> entries, Map<String, String> metadata)
            throws IOException {
        if (!dtype.isFloatingWeight()) {
            throw new IllegalArgumentException(dtype + ": phi4j writes weights as F32, F16 or BF16");
        }
        byte[] header = header(dtype, entries, metadata);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
            writeFully(out, length);
            writeFully(out, ByteBuffer.wrap(header));
            float[] block = new float[BLOCK_ELEMENTS];
            ByteBuffer bytes = ByteBuffer.allocate(BLOCK_ELEMENTS * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
            for (Entry entry : entries) {
                long elements = entry.elements();
                for (long from = 0; from < elements; from += BLOCK_ELEMENTS) {
                    int count = (int) Math.min(BLOCK_ELEMENTS, elements - from);
                    entry.source().read(from, block, count);
                    bytes.clear();
                    dtype.encode(block, count, bytes);
                    writeFully(out, bytes.flip());
                }
            }
        }
    }

    /** Bytes of {@code entries} as {@code dtype}, the data section's size. */
    public static long dataBytes(SafetensorsDtype dtype, List<Entry> entries) {
        return entries.stream().mapToLong(e -> e.elements() * dtype.bytes()).sum();
    }

    static byte[] header(SafetensorsDtype dtype, List<Entry> entries, Map<String, String> metadata)
            throws JsonProcessingException {
        ObjectNode root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(SafetensorsFile.METADATA);
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Entry entry : entries) {
            if (root.has(entry.name())) {
                throw new IllegalArgumentException("tensor " + entry.name() + " is listed twice");
            }
            ObjectNode tensor = root.putObject(entry.name());
            tensor.put("dtype", dtype.name());
            ArrayNode shape = tensor.putArray("shape");
            for (long size : entry.shape()) {
                shape.add(size);
            }
            long end = offset + entry.elements() * dtype.bytes();
            tensor.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json = JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] header = new byte[padded];
        System.arraycopy(json, 0, header, 0, json.length);
        for (int i = json.length; i < padded; i++) {
            header[i] = ' ';
        }
        return header;
    }

    private static void writeFully(FileChannel out, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            out.write(bytes);
        }
    }
}

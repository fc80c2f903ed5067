package dev.phi4j.trainer.hf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code .safetensors} file, read in place: its header is parsed and checked when it is opened, and tensor data
 * is read through memory-mapped windows of the file (FileChannel.map), so a 5 GB shard is never copied into the heap;
 * only the floats a caller asks for are decoded. The format (github.com/huggingface/safetensors):
 * <pre>
 *   8 bytes        N, unsigned little-endian
 *   N bytes        UTF-8 JSON: {"name": {"dtype": "BF16", "shape": [..], "data_offsets": [begin, end]}, ...,
 *                  "__metadata__": {"key": "value"}}   (may end in spaces, which writers add for alignment)
 *   the rest       the data; offsets are relative to its start, [begin, end), and tile it without holes or overlaps
 * </pre>
 * Every error names the file, and the tensor where there is one.
 */
public final class SafetensorsFile implements AutoCloseable {

    /** The format's own bound on the header, which also stops a garbage length from allocating gigabytes. */
    static final long MAX_HEADER_BYTES = 100_000_000;

    static final String METADATA = "__metadata__";

    /** The largest stretch mapped at once: a MappedByteBuffer indexes with an int. */
    private static final long MAX_WINDOW_BYTES = 1L << 30;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One tensor's entry in the header; {@code begin} and {@code end} are byte offsets into the data section. */
    public record Tensor(String name, SafetensorsDtype dtype, long[] shape, long begin, long end) {

        public long elements() {
            long count = 1;
            for (long size : shape) {
                count *= size;
            }
            return count;
        }

        public String shapeText() {
            return Arrays.toString(shape);
        }
    }

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, Tensor> tensors;
    private final Map<String, String> metadata;
    private MappedByteBuffer window;
    private long windowStart = -1;

    private SafetensorsFile(Path file, FileChannel channel, long dataStart, Map<String, Tensor> tensors,
                            Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /** Opens {@code file} and checks its header: types, shapes against sizes, offsets inside the data, no holes. */
    public static SafetensorsFile open(Path file) {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot open the safetensors file: " + e.getMessage(), e);
        }
        try {
            long size = channel.size();
            if (size < 8) {
                throw new IllegalArgumentException(file + ": " + size + " bytes, too short for a safetensors header");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0);
            long headerLength = lengthBytes.getLong(0);
            if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > size - 8) {
                throw new IllegalArgumentException(file + ": header length " + Long.toUnsignedString(headerLength)
                        + " does not fit a file of " + size + " bytes (not a safetensors file, or truncated)");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(channel, headerBytes, 8);
            long dataSize = size - 8 - headerLength;
            Header header = parseHeader(file, headerBytes.array(), dataSize);
            return new SafetensorsFile(file, channel, 8 + headerLength, header.tensors(), header.metadata());
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException(file + ": cannot read the safetensors header: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private record Header(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    private static Header parseHeader(Path file, byte[] bytes, long dataSize) {
        JsonNode root;
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            if (!text.startsWith("{")) {
                throw new IllegalArgumentException(file + ": the header does not start with '{' (not a safetensors "
                        + "file)");
            }
            root = JSON.readTree(text);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(file + ": the header is not valid UTF-8");
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": the header is not valid JSON: " + e.getOriginalMessage());
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException(file + ": the header is not a JSON object");
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = root.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getKey().equals(METADATA)) {
                field.getValue().fields().forEachRemaining(e -> {
                    if (!e.getValue().isTextual()) {
                        throw new IllegalArgumentException(file + ": " + METADATA + "." + e.getKey()
                                + " is not a string");
                    }
                    metadata.put(e.getKey(), e.getValue().asText());
                });
            } else {
                tensors.put(field.getKey(), tensor(file, field.getKey(), field.getValue(), dataSize));
            }
        }
        checkTiling(file, tensors.values(), dataSize);
        return new Header(Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
    }

    private static Tensor tensor(Path file, String name, JsonNode entry, long dataSize) {
        String where = file + ": tensor " + name;
        SafetensorsDtype dtype = SafetensorsDtype.parse(entry.path("dtype").asText(""));
        if (dtype == null) {
            throw new IllegalArgumentException(where + ": unknown dtype " + entry.path("dtype"));
        }
        JsonNode shapeNode = entry.path("shape"), offsets = entry.path("data_offsets");
        if (!shapeNode.isArray()) {
            throw new IllegalArgumentException(where + ": lacks its shape");
        }
        long[] shape = new long[shapeNode.size()];
        long elements = 1;
        for (int axis = 0; axis < shape.length; axis++) {
            JsonNode size = shapeNode.get(axis);
            if (!size.canConvertToLong() || size.asLong() < 0) {
                throw new IllegalArgumentException(where + ": shape " + shapeNode + " is not a list of sizes");
            }
            shape[axis] = size.asLong();
            elements = Math.multiplyExact(elements, shape[axis]);
        }
        if (!offsets.isArray() || offsets.size() != 2 || !offsets.get(0).canConvertToLong()
                || !offsets.get(1).canConvertToLong()) {
            throw new IllegalArgumentException(where + ": data_offsets " + offsets + " is not [begin, end]");
        }
        long begin = offsets.get(0).asLong(), end = offsets.get(1).asLong();
        if (begin < 0 || end < begin || end > dataSize) {
            throw new IllegalArgumentException(where + ": data_offsets [" + begin + ", " + end
                    + "] fall outside the " + dataSize + " bytes of data");
        }
        long expected = Math.multiplyExact(elements, dtype.bytes());
        if (end - begin != expected) {
            throw new IllegalArgumentException(where + ": " + dtype + " " + Arrays.toString(shape) + " needs "
                    + expected + " bytes but data_offsets [" + begin + ", " + end + "] hold " + (end - begin));
        }
        return new Tensor(name, dtype, shape, begin, end);
    }

    /** The format requires the tensors to cover the data exactly: a hole or an overlap means a damaged file. */
    private static void checkTiling(Path file, Iterable<Tensor> tensors, long dataSize) {
        List<Tensor> byOffset = new ArrayList<>();
        tensors.forEach(byOffset::add);
        byOffset.sort(Comparator.comparingLong(Tensor::begin).thenComparingLong(Tensor::end));
        long covered = 0;
        for (Tensor tensor : byOffset) {
            if (tensor.begin() < covered) {
                throw new IllegalArgumentException(file + ": tensor " + tensor.name() + " (bytes " + tensor.begin()
                        + ".." + tensor.end() + ") overlaps the tensor before it");
            }
            if (tensor.begin() > covered) {
                throw new IllegalArgumentException(file + ": bytes " + covered + ".." + tensor.begin()
                        + " of the data belong to no tensor (before " + tensor.name() + ")");
            }
            covered = tensor.end();
        }
        if (covered != dataSize) {
            throw new IllegalArgumentException(file + ": the last " + (dataSize - covered)
                    + " bytes of the data belong to no tensor (truncated header or extra bytes)");
        }
    }

    public Path path() {
        return file;
    }

    /** The tensors in header order. */
    public Map<String, Tensor> tensors() {
        return tensors;
    }

    /** The header's {@code __metadata__} (empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The tensor {@code name}; an error naming the file if it holds no such tensor. */
    public Tensor tensor(String name) {
        Tensor tensor = tensors.get(name);
        if (tensor == null) {
            throw new IllegalArgumentException(file + ": no tensor " + name);
        }
        return tensor;
    }

    /**
     * Decodes elements {@code from..from+count} of {@code tensor} (row-major, as stored) into {@code out[0..count)}.
     * Not thread-safe: one reader, one window at a time.
     */
    public void read(Tensor tensor, long from, float[] out, int count) {
        if (!tensor.dtype().isFloatingWeight()) {
            throw new IllegalArgumentException(file + ": tensor " + tensor.name() + " is " + tensor.dtype()
                    + "; phi4j reads weights stored as F32, F16 or BF16");
        }
        if (from < 0 || count < 0 || from + count > tensor.elements()) {
            throw new IndexOutOfBoundsException(tensor.name() + ": elements " + from + ".." + (from + count)
                    + " of " + tensor.elements());
        }
        int size = tensor.dtype().bytes();
        long position = dataStart + tensor.begin() + from * size;
        long length = (long) count * size;
        tensor.dtype().decode(bytes(position, length), out, count);
    }

    /**
     * The bytes at {@code position..position+length} of the file, little-endian, from the current window when it holds
     * them, else from a new window starting there: reading a tensor front to back maps each stretch once.
     */
    private ByteBuffer bytes(long position, long length) {
        if (length > MAX_WINDOW_BYTES) {
            throw new IllegalArgumentException(file + ": one read of " + length + " bytes exceeds the "
                    + MAX_WINDOW_BYTES + "-byte window; read in smaller pieces");
        }
        if (window == null || position < windowStart || position + length > windowStart + window.capacity()) {
            try {
                long size = Math.min(MAX_WINDOW_BYTES, channel.size() - position);
                window = channel.map(FileChannel.MapMode.READ_ONLY, position, size);
                windowStart = position;
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": cannot map bytes " + position + ".." + (position + length)
                        + ": " + e.getMessage(), e);
            }
        }
        int offset = (int) (position - windowStart);
        return window.duplicate().position(offset).limit(offset + (int) length).slice()
                .order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
        while (into.hasRemaining()) {
            int read = channel.read(into, position + into.position());
            if (read < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the open failed already; that error is the one to report
        }
    }

    @Override
    public void close() {
        window = null;
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }
}

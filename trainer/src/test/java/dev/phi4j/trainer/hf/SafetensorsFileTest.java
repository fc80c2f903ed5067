package dev.phi4j.trainer.hf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The safetensors reader against files built byte by byte here (header, offsets, dtypes, alignment), its errors on
 * damaged headers, the writer's layout, and the F16/BF16 conversions against the bytes PyTorch wrote.
 */
class SafetensorsFileTest {

    /** A file: 8-byte length, the header text as given (padding included), then the data. */
    private static Path file(Path dir, String header, byte[] data) throws IOException {
        byte[] text = header.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(text.length).array());
        out.writeBytes(text);
        out.writeBytes(data);
        Path file = dir.resolve("hand-built.safetensors");
        Files.write(file, out.toByteArray());
        return file;
    }

    private static byte[] littleEndian(int bytesPerValue, long... values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * bytesPerValue).order(ByteOrder.LITTLE_ENDIAN);
        for (long value : values) {
            if (bytesPerValue == 2) {
                buffer.putShort((short) value);
            } else {
                buffer.putInt((int) value);
            }
        }
        return buffer.array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static float[] read(SafetensorsFile file, String name, long from, int count) {
        float[] values = new float[count];
        file.read(file.tensor(name), from, values, count);
        return values;
    }

    @Test
    void readsEachDtypeAtItsOffsetsWithMetadataAndPaddedHeader(@TempDir Path dir) throws IOException {
        // F32 (2, 2) = 1, -2, 0.5, 3e-3; BF16 (3) = 1, -2, +inf; F16 (4) = 1, -2, 2^-24 (smallest subnormal), 65504.
        byte[] f32 = littleEndian(4, Float.floatToIntBits(1f), Float.floatToIntBits(-2f), Float.floatToIntBits(0.5f),
                Float.floatToIntBits(3e-3f));
        byte[] bf16 = littleEndian(2, 0x3F80, 0xC000, 0x7F80);
        byte[] f16 = littleEndian(2, 0x3C00, 0xC000, 0x0001, 0x7BFF);
        String header = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"half\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[22,30]},"
                + "\"matrix\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
                + "\"brain\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[16,22]}}      ";
        try (SafetensorsFile file = SafetensorsFile.open(file(dir, header, concat(f32, bf16, f16)))) {
            assertEquals(Map.of("format", "pt"), file.metadata());
            assertEquals(List.of("half", "matrix", "brain"), List.copyOf(file.tensors().keySet()));
            SafetensorsFile.Tensor matrix = file.tensor("matrix");
            assertEquals(SafetensorsDtype.F32, matrix.dtype());
            assertArrayEquals(new long[] {2, 2}, matrix.shape());
            assertArrayEquals(new float[] {1f, -2f, 0.5f, 3e-3f}, read(file, "matrix", 0, 4));
            assertArrayEquals(new float[] {0.5f, 3e-3f}, read(file, "matrix", 2, 2));
            assertArrayEquals(new float[] {1f, -2f, Float.POSITIVE_INFINITY}, read(file, "brain", 0, 3));
            assertArrayEquals(new float[] {1f, -2f, 0x1p-24f, 65504f}, read(file, "half", 0, 4));
            assertArrayEquals(new float[] {0x1p-24f}, read(file, "half", 2, 1));
        }
    }

    @Test
    void damagedHeadersAreRefusedNamingTheFileAndTensor(@TempDir Path dir) throws IOException {
        byte[] eight = new byte[8];
        String ok = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";
        assertError(dir, "{" + ok + ",\"b\":{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[8,9]}}",
                eight, "tensor b: unknown dtype");
        assertError(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", eight,
                "tensor a: F32 [3] needs 12 bytes but data_offsets [0, 8] hold 8");
        assertError(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", eight,
                "tensor a: data_offsets [0, 16] fall outside the 8 bytes of data");
        assertError(dir, "{" + ok + ",\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", eight,
                "overlaps the tensor before it");
        assertError(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", eight,
                "bytes 0..4 of the data belong to no tensor (before a)");
        assertError(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", eight,
                "the last 4 bytes of the data belong to no tensor");
        assertError(dir, "{" + ok, eight, "the header is not valid JSON");
        assertError(dir, "[1, 2]", eight, "does not start with '{'");
        assertError(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", eight,
                "tensor a: shape [-2] is not a list of sizes");

        Path tooLong = dir.resolve("too-long.safetensors");
        Files.write(tooLong, concat(littleEndian(4, 1000, 0), "{}".getBytes(StandardCharsets.UTF_8)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafetensorsFile.open(tooLong));
        assertTrue(e.getMessage().contains("too-long.safetensors: header length 1000 does not fit a file of 10 bytes"),
                e.getMessage());
    }

    @Test
    void aTensorOfAnIntegerTypeIsRefusedWhenRead(@TempDir Path dir) throws IOException {
        Path path = file(dir, "{\"position_ids\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}",
                new byte[8]);
        try (SafetensorsFile file = SafetensorsFile.open(path)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> read(file, "position_ids", 0, 1));
            assertTrue(e.getMessage().contains("tensor position_ids is I64; phi4j reads weights stored as F32, F16 or "
                    + "BF16"), e.getMessage());
        }
    }

    private static void assertError(Path dir, String header, byte[] data, String expected) throws IOException {
        Path path = file(dir, header, data);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafetensorsFile.open(path));
        assertTrue(e.getMessage().startsWith(path.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }

    @Test
    void writerAlignsTheDataAndTilesTheOffsetsAndReadsBack(@TempDir Path dir) throws IOException {
        float[] a = {1.5f, -0.25f, 3f, 1e-3f, 7f, -8f};
        float[] b = {42f};
        List<SafetensorsWriter.Entry> entries = List.of(
                new SafetensorsWriter.Entry("a", new long[] {2, 3}, (from, out, count) ->
                        System.arraycopy(a, (int) from, out, 0, count)),
                new SafetensorsWriter.Entry("b.weight", new long[] {1}, (from, out, count) ->
                        System.arraycopy(b, (int) from, out, 0, count)));
        for (SafetensorsDtype dtype : List.of(SafetensorsDtype.F32, SafetensorsDtype.BF16, SafetensorsDtype.F16)) {
            Path path = dir.resolve(dtype + ".safetensors");
            SafetensorsWriter.write(path, dtype, entries, Map.of("format", "pt"));
            long headerLength = ByteBuffer.wrap(Files.readAllBytes(path), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertEquals(0, (8 + headerLength) % 8, "the data starts 8-aligned");
            try (SafetensorsFile file = SafetensorsFile.open(path)) {
                assertEquals(Map.of("format", "pt"), file.metadata());
                SafetensorsFile.Tensor first = file.tensor("a"), second = file.tensor("b.weight");
                assertEquals(0, first.begin());
                assertEquals(6L * dtype.bytes(), first.end());
                assertEquals(first.end(), second.begin());
                assertEquals(8 + headerLength + second.end(), Files.size(path));
                // 1.5, -0.25, 3, 7, -8, 42 are exact in every type; 1e-3 rounds in the 16-bit ones.
                float[] back = read(file, "a", 0, 6);
                float tolerance = dtype == SafetensorsDtype.F32 ? 0 : 1e-3f * 0x1p-7f;
                for (int i = 0; i < a.length; i++) {
                    assertEquals(a[i], back[i], tolerance, dtype + " element " + i);
                }
                assertArrayEquals(b, read(file, "b.weight", 0, 1));
            }
        }
    }

    @Test
    void halfAndBfloat16ConversionsMatchPytorchBitForBit() throws IOException {
        // dtypes.safetensors holds one vector as F32 and as PyTorch's F16 and BF16 of it (scripts/phi3_reference.py):
        // ties to even, subnormals, overflow to infinity, signed zeros.
        try (SafetensorsFile file = SafetensorsFile.open(Phi3Fixture.resources().resolve("dtypes.safetensors"))) {
            int n = (int) file.tensor("F32").elements();
            float[] values = read(file, "F32", 0, n);
            for (SafetensorsDtype dtype : List.of(SafetensorsDtype.F16, SafetensorsDtype.BF16)) {
                float[] torchDecoded = read(file, dtype.name(), 0, n);
                ByteBuffer ours = ByteBuffer.allocate(n * 2).order(ByteOrder.LITTLE_ENDIAN);
                dtype.encode(values, n, ours);
                // Re-encoding what torch stored gives its bytes back (every 16-bit value is a float exactly).
                ByteBuffer torchBytes = ByteBuffer.allocate(n * 2).order(ByteOrder.LITTLE_ENDIAN);
                dtype.encode(torchDecoded, n, torchBytes);
                assertArrayEquals(torchBytes.array(), ours.array(), dtype + ": our rounding of the F32 values");
                for (int i = 0; i < n; i++) {
                    if (Float.isFinite(values[i]) && Float.isFinite(torchDecoded[i])) {
                        float ulp = dtype == SafetensorsDtype.BF16 ? Math.ulp(values[i]) * 0x1p16f
                                : Math.max(Math.ulp(values[i]) * 0x1p13f, 0x1p-24f);
                        assertTrue(Math.abs(values[i] - torchDecoded[i]) <= ulp / 2,
                                dtype + " element " + i + ": " + values[i] + " decoded as " + torchDecoded[i]);
                    }
                }
            }
        }
    }

    @Test
    void encodersRoundToNearestEven() {
        // bf16 keeps 8 significant bits: 1 + 2^-8 is a tie between 1 and 1 + 2^-7 → 1 (even); 1 + 3·2^-8 → 1 + 2^-6.
        assertEquals((short) 0x3F80, SafetensorsDtype.floatToBfloat16(1f + 0x1p-8f));
        assertEquals((short) 0x3F82, SafetensorsDtype.floatToBfloat16(1f + 3 * 0x1p-8f));
        assertEquals((short) 0x3C00, SafetensorsDtype.floatToHalf(1f + 0x1p-11f));
        assertEquals((short) 0x3C02, SafetensorsDtype.floatToHalf(1f + 3 * 0x1p-11f));
        assertEquals((short) 0x7C00, SafetensorsDtype.floatToHalf(65520f));           // rounds past 65504 → inf
        assertEquals((short) 0x7BFF, SafetensorsDtype.floatToHalf(65519f));
        assertEquals((short) 0x0001, SafetensorsDtype.floatToHalf(0x1p-24f));
        assertEquals((short) 0x0000, SafetensorsDtype.floatToHalf(0x1p-25f));         // a tie, to even (0)
        assertEquals((short) 0x8000, SafetensorsDtype.floatToHalf(-0f));
        for (short bits : new short[] {0x0001, 0x03FF, 0x0400, 0x3C00, (short) 0xC000, 0x7BFF}) {
            assertEquals(bits, SafetensorsDtype.floatToHalf(SafetensorsDtype.halfToFloat(bits)),
                    "round trip of " + Integer.toHexString(bits & 0xFFFF));
        }
        assertTrue(Float.isNaN(SafetensorsDtype.halfToFloat(SafetensorsDtype.floatToHalf(Float.NaN))));
        assertTrue(Float.isNaN(Float.intBitsToFloat(SafetensorsDtype.floatToBfloat16(Float.NaN) << 16)));
    }
}

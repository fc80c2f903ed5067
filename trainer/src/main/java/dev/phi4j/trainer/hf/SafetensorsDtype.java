package dev.phi4j.trainer.hf;

import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * The element types of the safetensors format, as its header spells them. Every type is known so that a file's
 * offsets can be checked whatever it holds; only {@link #F32}, {@link #F16} and {@link #BF16} (what model weights are
 * stored as) convert to and from float. Little-endian, as the format prescribes.
 */
public enum SafetensorsDtype {
    BOOL(1), U8(1), I8(1), F8_E4M3(1), F8_E5M2(1), I16(2), U16(2), F16(2), BF16(2), I32(4), U32(4), F32(4), I64(8),
    U64(8), F64(8);

    private final int bytes;

    SafetensorsDtype(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    /** The type a header names, e.g. {@code BF16}; null if the format has no such type. */
    static SafetensorsDtype parse(String name) {
        for (SafetensorsDtype type : values()) {
            if (type.name().equals(name)) {
                return type;
            }
        }
        return null;
    }

    /** Whether {@link #decode} and {@link #encode} handle this type. */
    public boolean isFloatingWeight() {
        return this == F32 || this == F16 || this == BF16;
    }

    /** {@code f32}, {@code f16} or {@code bf16} (the command line's spelling) to the type. */
    public static SafetensorsDtype ofWeightName(String name) {
        SafetensorsDtype type = parse(name.toUpperCase(Locale.ROOT));
        if (type == null || !type.isFloatingWeight()) {
            throw new IllegalArgumentException("dtype '" + name + "': choose f32, f16 or bf16");
        }
        return type;
    }

    /** Reads {@code count} elements from {@code in} (little-endian, at its position) into {@code out[0..count)}. */
    void decode(ByteBuffer in, float[] out, int count) {
        switch (this) {
            case F32 -> in.asFloatBuffer().get(out, 0, count);
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = Float.intBitsToFloat((in.getShort() & 0xFFFF) << 16);
                }
            }
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = halfToFloat(in.getShort());
                }
            }
            default -> throw new UnsupportedOperationException(this + " is not a floating-point weight type");
        }
    }

    /** Writes {@code in[0..count)} into {@code out} (little-endian, at its position), rounding to nearest even. */
    void encode(float[] in, int count, ByteBuffer out) {
        switch (this) {
            case F32 -> {
                for (int i = 0; i < count; i++) {
                    out.putFloat(in[i]);
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    out.putShort(floatToBfloat16(in[i]));
                }
            }
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    out.putShort(floatToHalf(in[i]));
                }
            }
            default -> throw new UnsupportedOperationException(this + " is not a floating-point weight type");
        }
    }

    /** bfloat16 is float32's upper half: round the lower half away to nearest even; NaN stays a (quiet) NaN. */
    static short floatToBfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int roundingBias = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }

    /** IEEE 754 binary16 → float, subnormals, infinities and NaN included (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short half) {
        int sign = (half & 0x8000) << 16;
        int exponent = (half >>> 10) & 0x1F;
        int mantissa = half & 0x3FF;
        if (exponent == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float magnitude = mantissa * 0x1p-24f;                  // subnormal: mantissa · 2^-24
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
    }

    /** float → IEEE 754 binary16, rounding to nearest even; beyond 65504 rounds to infinity, as PyTorch's .half(). */
    static short floatToHalf(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = (bits >>> 23) & 0xFF;
        int mantissa = bits & 0x7FFFFF;
        if (exponent == 0xFF) {
            return (short) (sign | 0x7C00 | (mantissa != 0 ? 0x200 | (mantissa >>> 13) : 0));
        }
        int halfExponent = exponent - 127 + 15;
        if (halfExponent >= 0x1F) {
            return (short) (sign | 0x7C00);
        }
        if (halfExponent <= 0) {
            if (halfExponent < -10) {
                return (short) sign;                                   // below half the smallest subnormal: ±0
            }
            int full = mantissa | 0x800000;                           // with the implicit bit
            int shift = 14 - halfExponent;
            int rounded = full >>> shift;
            int remainder = full & ((1 << shift) - 1), halfway = 1 << (shift - 1);
            if (remainder > halfway || (remainder == halfway && (rounded & 1) != 0)) {
                rounded++;
            }
            return (short) (sign | rounded);
        }
        int rounded = (halfExponent << 10) | (mantissa >>> 13);
        int remainder = mantissa & 0x1FFF;
        if (remainder > 0x1000 || (remainder == 0x1000 && (rounded & 1) != 0)) {
            rounded++;                                                 // may carry into the exponent: still right
        }
        return (short) (sign | rounded);
    }
}

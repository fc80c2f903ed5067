package dev.phi4j.core.io;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 as phi4j writes it: lowercase hex, and {@code sha256:<hex>} where a manifest records an identity or a
 * fingerprint, so the value says which hash it is.
 */
public final class Sha256 {

    public static final String PREFIX = "sha256:";

    private Sha256() {}

    /** A fresh digest, for hashes fed in pieces. */
    public static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }

    /** Finishes {@code digest} and returns it as hex. */
    public static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    /** The hash of the UTF-8 bytes of {@code text}, as hex. */
    public static String hex(String text) {
        return hex(text.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code sha256:<hex>} of {@code digest}, which this finishes. */
    public static String tagged(MessageDigest digest) {
        return PREFIX + hex(digest);
    }

    public static String tagged(byte[] bytes) {
        return PREFIX + hex(bytes);
    }

    /** {@code sha256:<hex>} of the UTF-8 bytes of {@code text}. */
    public static String tagged(String text) {
        return PREFIX + hex(text);
    }
}

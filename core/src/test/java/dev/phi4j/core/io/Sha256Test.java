package dev.phi4j.core.io;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import static org.junit.jupiter.api.Assertions.assertEquals;

class Sha256Test {

    /** FIPS 180-2's first example message. */
    private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void textIsHashedAsUtf8AndTaggedValuesCarryThePrefix() {
        assertEquals(ABC, Sha256.hex("abc"));
        assertEquals("sha256:" + ABC, Sha256.tagged("abc"));
        assertEquals(Sha256.hex("é"), Sha256.hex("é".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aDigestFedInPiecesEqualsTheWholeHash() {
        MessageDigest digest = Sha256.digest();
        digest.update("a".getBytes(StandardCharsets.US_ASCII));
        digest.update("bc".getBytes(StandardCharsets.US_ASCII));
        assertEquals("sha256:" + ABC, Sha256.tagged(digest));
    }
}

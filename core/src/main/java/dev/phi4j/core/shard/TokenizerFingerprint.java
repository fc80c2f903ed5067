package dev.phi4j.core.shard;

import dev.phi4j.core.io.Sha256;
import dev.phi4j.core.tokenizer.Tokenizer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A tokenizer's identity by content: SHA-256 over its name and the bytes of every id. Data encoded with one tokenizer
 * is noise to a model trained with another of the same vocabulary size; shard manifests and checkpoints carry this
 * fingerprint so the trainer can refuse the mix before the first step.
 */
public final class TokenizerFingerprint {

    private TokenizerFingerprint() {}

    /** {@code sha256:<64 hex digits>}. */
    public static String of(Tokenizer tokenizer) {
        MessageDigest digest = Sha256.digest();
        digest.update(tokenizer.name().getBytes(StandardCharsets.UTF_8));
        ByteBuffer length = ByteBuffer.allocate(Integer.BYTES);
        for (int id = 0; id < tokenizer.vocabSize(); id++) {
            byte[] bytes = tokenizer.tokenBytes(id);
            digest.update(length.clear().putInt(bytes.length).array());
            digest.update(bytes);
        }
        return Sha256.tagged(digest);
    }
}

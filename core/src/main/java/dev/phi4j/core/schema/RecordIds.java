package dev.phi4j.core.schema;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import dev.phi4j.core.io.Sha256;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Deterministic, content-derived ids: {@code <prefix>-<32 hex digits>}, the first 128 bits of a SHA-256
 * over the parts. Re-running a stage on the same input therefore yields the same ids, and duplicates
 * collide on purpose.
 *
 * <p>128 bits, not 64: a web crawl holds ~10¹⁰ documents, and at 64 bits the birthday bound makes an
 * accidental collision among them likely; at 128 bits it is negligible.
 */
public final class RecordIds {

    private static final int HASH_BYTES = 16;
    private static final HexFormat HEX = HexFormat.of();

    private RecordIds() {}

    /**
     * The id of the record of this kind whose identifying content is {@code parts}. Each part is hashed
     * with its length in front, so ("ab", "c") and ("a", "bc") get different ids.
     */
    public static String of(IdKind kind, List<String> parts) {
        MessageDigest sha256 = Sha256.digest();
        for (String part : parts) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            sha256.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
            sha256.update(bytes);
        }
        byte[] digest = sha256.digest();
        return kind.prefix() + HEX.formatHex(digest, 0, HASH_BYTES);
    }

    public static String of(IdKind kind, String... parts) {
        return of(kind, List.of(parts));
    }

    /** The kind an id names, read from its prefix; an id without a known prefix is an error naming it. */
    public static IdKind kindOf(String id) {
        for (IdKind kind : IdKind.values()) {
            if (id.startsWith(kind.prefix()) && id.length() > kind.prefix().length()) {
                return kind;
            }
        }
        throw new IllegalArgumentException("id '" + id + "' has no known kind prefix; expected one of "
                + Arrays.stream(IdKind.values()).map(IdKind::prefix).toList());
    }
}

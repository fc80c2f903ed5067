package dev.phi4j.core.shard;

import dev.phi4j.core.io.Sha256;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * A shard set opened for reading. {@link #open} reads the manifest and the header of every shard file, so a missing,
 * truncated or mismatched file fails at once, naming the file; each file's SHA-256 is checked the first time one of
 * its rows is read, so opening a large set stays fast. Rows are read from memory-mapped files, by index or in order.
 * Reading is thread-safe.
 */
public final class ShardSet {

    private final Path directory;
    private final ShardManifest manifest;
    private final Map<String, Split> splits = new LinkedHashMap<>();

    private ShardSet(Path directory, ShardManifest manifest, boolean verifyChecksums) {
        this.directory = directory;
        this.manifest = manifest;
        manifest.splits().forEach((name, files) -> {
            List<Shard> shards = new ArrayList<>();
            for (ShardManifest.ShardFile file : files) {
                shards.add(new Shard(directory.resolve(file.file()), file, manifest, verifyChecksums));
            }
            splits.put(name, new Split(name, shards));
        });
    }

    /** Opens {@code dir}, verifying checksums lazily. */
    public static ShardSet open(Path dir) {
        return open(dir, true);
    }

    public static ShardSet open(Path dir, boolean verifyChecksums) {
        return new ShardSet(dir, ShardManifest.read(dir), verifyChecksums);
    }

    public Path directory() {
        return directory;
    }

    public ShardManifest manifest() {
        return manifest;
    }

    public boolean hasSplit(String name) {
        return splits.containsKey(name);
    }

    public Split split(String name) {
        Split split = splits.get(name);
        if (split == null) {
            throw new ShardException(directory.resolve(ShardManifest.FILE_NAME), "no split '" + name + "' (has: "
                    + String.join(", ", splits.keySet()) + ")");
        }
        return split;
    }

    /** The rows of one split across its shard files, addressed 0 … size()-1 in file order. */
    public static final class Split implements Iterable<TokenRow> {

        private final String name;
        private final List<Shard> shards;
        private final long[] firstRow;

        private Split(String name, List<Shard> shards) {
            this.name = name;
            this.shards = shards;
            this.firstRow = new long[shards.size() + 1];
            for (int i = 0; i < shards.size(); i++) {
                firstRow[i + 1] = firstRow[i] + shards.get(i).layout.rows();
            }
        }

        public String name() {
            return name;
        }

        public long size() {
            return firstRow[shards.size()];
        }

        public TokenRow get(long index) {
            if (index < 0 || index >= size()) {
                throw new IndexOutOfBoundsException("row " + index + " of split " + name + " (" + size() + " rows)");
            }
            int shard = 0;
            int low = 0;
            int high = shards.size() - 1;
            while (low <= high) {                    // the last shard whose first row is ≤ index
                int mid = (low + high) >>> 1;
                if (firstRow[mid] <= index) {
                    shard = mid;
                    low = mid + 1;
                } else {
                    high = mid - 1;
                }
            }
            return shards.get(shard).row((int) (index - firstRow[shard]));
        }

        @Override
        public Iterator<TokenRow> iterator() {
            return new Iterator<>() {
                private long next;

                @Override
                public boolean hasNext() {
                    return next < size();
                }

                @Override
                public TokenRow next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return get(next++);
                }
            };
        }
    }

    /** One mapped shard file. */
    private static final class Shard {

        private final Path file;
        private final ShardManifest.ShardFile entry;
        private final ShardLayout layout;
        private final int vocabSize;
        private final ByteBuffer bytes;
        private volatile boolean verified;

        Shard(Path file, ShardManifest.ShardFile entry, ShardManifest manifest, boolean verifyChecksums) {
            this.file = file;
            this.entry = entry;
            this.vocabSize = manifest.vocabSize();
            MappedByteBuffer mapped;
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                long size = channel.size();
                if (size > Integer.MAX_VALUE) {
                    throw new ShardException(file, "shard of " + size + " bytes is larger than 2 GiB; write smaller shards");
                }
                mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
            } catch (NoSuchFileException e) {
                throw new ShardException(file, "shard file listed in " + ShardManifest.FILE_NAME + " is missing");
            } catch (IOException e) {
                throw new ShardException(file, "cannot read shard: " + e.getMessage(), e);
            }
            this.bytes = mapped.order(ByteOrder.LITTLE_ENDIAN);
            this.layout = ShardLayout.read(bytes.duplicate(), file);
            this.verified = !verifyChecksums;
            if (layout.rowLength() != manifest.rowLength() || layout.tokenBytes() != manifest.tokenType().bytes()
                    || layout.lossMask() != manifest.lossMask()) {
                throw new ShardException(file, "header (row_length " + layout.rowLength() + ", token_bytes "
                        + layout.tokenBytes() + ", loss masks " + layout.lossMask() + ") disagrees with the manifest "
                        + "(seq_len + 1 = " + manifest.rowLength() + ", " + manifest.tokenType().bytes() + ", "
                        + manifest.lossMask() + ")");
            }
            if (layout.rows() != entry.sequences()) {
                throw new ShardException(file, "holds " + layout.rows() + " sequences, the manifest says "
                        + entry.sequences());
            }
            if (bytes.capacity() != layout.fileSize()) {
                throw new ShardException(file, (bytes.capacity() < layout.fileSize() ? "truncated: " : "corrupt: ")
                        + bytes.capacity() + " bytes, its header describes " + layout.fileSize());
            }
        }

        TokenRow row(int r) {
            if (!verified) {
                verify();
            }
            int rowLength = layout.rowLength();
            int[] tokens = new int[rowLength];
            int at = (int) (layout.tokensOffset() + r * layout.rowBytes());
            ByteBuffer slice = bytes.slice(at, (int) layout.rowBytes()).order(ByteOrder.LITTLE_ENDIAN);
            if (layout.tokenBytes() == 2) {
                short[] stored = new short[rowLength];
                slice.asShortBuffer().get(stored);
                for (int i = 0; i < rowLength; i++) {
                    tokens[i] = stored[i] & 0xFFFF;
                }
            } else {
                slice.asIntBuffer().get(tokens);
            }
            for (int i = 0; i < rowLength; i++) {
                if (tokens[i] >= vocabSize || tokens[i] < 0) {
                    throw new ShardException(file, "row " + r + " position " + i + " holds token " + tokens[i]
                            + ", outside the vocabulary [0, " + vocabSize + ")");
                }
            }
            long from = bytes.getLong((int) (layout.startIndexOffset() + (long) r * Long.BYTES));
            long to = bytes.getLong((int) (layout.startIndexOffset() + (r + 1L) * Long.BYTES));
            if (from < 0 || to < from || to > layout.starts()) {
                throw new ShardException(file, "row " + r + ": corrupt document start index");
            }
            int[] starts = new int[(int) (to - from)];
            bytes.slice((int) (layout.startsOffset() + from * Integer.BYTES), starts.length * Integer.BYTES)
                    .order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(starts);
            boolean[] mask = null;
            if (layout.lossMask()) {
                mask = new boolean[rowLength];
                int base = (int) (layout.masksOffset() + (long) r * layout.maskBytes());
                for (int i = 0; i < rowLength; i++) {
                    mask[i] = (bytes.get(base + (i >> 3)) & (1 << (i & 7))) != 0;
                }
            }
            try {
                return new TokenRow(tokens, starts, mask);
            } catch (IllegalArgumentException e) {
                throw new ShardException(file, "row " + r + ": " + e.getMessage(), e);
            }
        }

        private synchronized void verify() {
            if (verified) {
                return;
            }
            MessageDigest digest = Sha256.digest();
            digest.update(bytes.duplicate().clear());
            String actual = Sha256.hex(digest);
            if (!actual.equals(entry.sha256())) {
                throw new ShardException(file, "checksum mismatch: the manifest records sha256 " + entry.sha256()
                        + ", the file has " + actual + " (corrupt or modified)");
            }
            verified = true;
        }
    }

    /** Whether {@code dir} holds a shard manifest. */
    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(ShardManifest.FILE_NAME));
    }
}

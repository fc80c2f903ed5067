package dev.phi4j.core.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Drains one output stream of a sandboxed process into a buffer of fixed size, so that a program printing forever
 * costs the JVM no more memory than the cap. Keeps either the first bytes (stdout: the program's answer) or the last
 * (stderr: the traceback is at the end); past the cap further bytes are read and dropped so the process never
 * blocks on a full pipe.
 */
final class StreamCapture implements Runnable {

    enum Keep { HEAD, TAIL }

    private static final int CHUNK = 8192;

    private final InputStream in;
    private final byte[] buffer;
    private final Keep keep;
    private final Runnable onOverflow;
    private final CountDownLatch drained = new CountDownLatch(1);
    private long total;

    /** {@code onOverflow} runs once, on the reading thread, when the stream first passes {@code capBytes}. */
    StreamCapture(InputStream in, int capBytes, Keep keep, Runnable onOverflow) {
        this.in = in;
        this.buffer = new byte[capBytes];
        this.keep = keep;
        this.onOverflow = onOverflow;
    }

    @Override
    public void run() {
        byte[] chunk = new byte[CHUNK];
        try (in) {
            int n;
            while ((n = in.read(chunk)) >= 0) {
                if (append(chunk, n)) {
                    onOverflow.run();
                }
            }
        } catch (IOException closedWhenKilled) {
            // The process died mid-write; what was read before stays captured.
        } finally {
            drained.countDown();
        }
    }

    /** Adds {@code n} bytes; true when this call took the stream past the cap. */
    private synchronized boolean append(byte[] chunk, int n) {
        int cap = buffer.length;
        if (keep == Keep.HEAD) {
            int room = (int) Math.max(0, cap - total);
            System.arraycopy(chunk, 0, buffer, (int) Math.min(total, cap), Math.min(room, n));
        } else {
            int kept = Math.min(n, cap);
            int at = (int) ((total + n - kept) % cap);
            int first = Math.min(kept, cap - at);
            System.arraycopy(chunk, n - kept, buffer, at, first);
            System.arraycopy(chunk, n - kept + first, buffer, 0, kept - first);
        }
        boolean crossed = total <= cap && total + n > cap;
        total += n;
        return crossed;
    }

    /** Waits until the stream ends (the last process holding it died); false when {@code millis} passed first. */
    boolean awaitEnd(long millis) throws InterruptedException {
        return drained.await(millis, TimeUnit.MILLISECONDS);
    }

    synchronized boolean overflowed() {
        return total > buffer.length;
    }

    /** What was kept, decoded as UTF-8 (a character cut at the cap becomes U+FFFD). */
    synchronized String text() {
        int cap = buffer.length;
        if (total <= cap) {
            return new String(buffer, 0, (int) total, StandardCharsets.UTF_8);
        }
        if (keep == Keep.HEAD) {
            return new String(buffer, StandardCharsets.UTF_8);
        }
        int start = (int) (total % cap);
        byte[] ordered = new byte[cap];
        System.arraycopy(buffer, start, ordered, 0, cap - start);
        System.arraycopy(buffer, 0, ordered, cap - start, start);
        return new String(ordered, StandardCharsets.UTF_8);
    }
}

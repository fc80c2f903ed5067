package dev.phi4j.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** A stream that indents every line written to it, so a sub-command's log reads as the detail of one stage line. */
final class IndentedOutput extends OutputStream {

    private final PrintStream target;
    private final byte[] indent;
    private boolean atLineStart = true;

    private IndentedOutput(PrintStream target, String indent) {
        this.target = target;
        this.indent = indent.getBytes(StandardCharsets.UTF_8);
    }

    static PrintStream of(PrintStream target, String indent) {
        return new PrintStream(new IndentedOutput(target, indent), true, StandardCharsets.UTF_8);
    }

    @Override
    public void write(int b) {
        if (atLineStart && b != '\n') {
            target.write(indent, 0, indent.length);
        }
        target.write(b);
        atLineStart = b == '\n';
    }

    @Override
    public void flush() {
        target.flush();
    }
}

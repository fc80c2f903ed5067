package dev.phi4j.trainer.eval;

import dev.phi4j.core.io.AtomicFiles;
import dev.phi4j.trainer.checkpoint.CheckpointFolders;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A run's {@code report.md}: Markdown sections that evaluations write beside the run's checkpoints and metrics. A
 * section is replaced in place when written again (a second evaluation of the same run supersedes the first), and
 * every other section is kept as it is.
 */
public final class RunReport {

    public static final String FILE = "report.md";

    private RunReport() {}

    /**
     * The run directory of a checkpoint folder ({@code RUN/checkpoints/step-N} → {@code RUN}); a folder outside a
     * run's checkpoints is its own run directory.
     */
    public static Path runDirectory(Path checkpointFolder) {
        Path parent = checkpointFolder.toAbsolutePath().normalize().getParent();
        return parent != null && parent.getFileName().toString().equals(CheckpointFolders.DIRECTORY)
                && parent.getParent() != null ? parent.getParent() : checkpointFolder.toAbsolutePath().normalize();
    }

    /**
     * Writes {@code body} under the level-2 heading {@code "## " + heading} of {@code runDirectory/report.md},
     * replacing that section if present (up to the next level-2 heading) or appending it; atomically, so a crash
     * leaves the old report whole. Returns the report's path.
     */
    public static Path writeSection(Path runDirectory, String heading, String body) throws IOException {
        Path report = runDirectory.resolve(FILE);
        String title = "## " + heading;
        String existing = Files.exists(report) ? Files.readString(report, StandardCharsets.UTF_8)
                : "# Run report: " + runDirectory.getFileName() + "\n";
        String section = title + "\n\n" + body.strip() + "\n";
        int start = sectionStart(existing, title);
        String updated;
        if (start < 0) {
            updated = existing.stripTrailing() + "\n\n" + section;
        } else {
            int next = existing.indexOf("\n## ", start + title.length());
            updated = existing.substring(0, start) + section + (next < 0 ? "" : "\n" + existing.substring(next + 1));
        }
        Files.createDirectories(runDirectory);
        AtomicFiles.writeString(report, updated);
        return report;
    }

    private static int sectionStart(String report, String title) {
        if (report.startsWith(title + "\n")) {
            return 0;
        }
        int at = report.indexOf("\n" + title + "\n");
        return at < 0 ? -1 : at + 1;
    }
}

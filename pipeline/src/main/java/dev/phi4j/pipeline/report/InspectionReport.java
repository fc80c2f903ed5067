package dev.phi4j.pipeline.report;

import dev.phi4j.pipeline.stage.ManifestJson;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * {@code phi4j report RUN_DIR}: one self-contained HTML file and a JSON summary, made from the run's manifests only
 * (no Spark, no reading of the data itself).
 */
public final class InspectionReport {

    /** What was written. */
    public record Written(Path html, Path json, int stages, int sets, int sections, int records) {}

    private InspectionReport() {}

    /** Writes {@code html} and {@code json} for the run in {@code runDir} (plus sets found in {@code mixtureDirs}). */
    public static Written write(Path runDir, List<Path> mixtureDirs, Path html, Path json, Configuration conf) {
        RunReport report = RunReport.load(runDir, mixtureDirs, conf);
        Instant now = Instant.now();
        Rendered rendered = render(report, now);
        writeText(html, rendered.html(), conf);
        writeText(json, rendered.json() + "\n", conf);
        return new Written(html, json, report.stages().size(), report.sets().size(), report.sections().size(),
                rendered.records());
    }

    record Rendered(String html, String json, int records) {}

    static Rendered render(RunReport report, Instant now) {
        ReportHtml.Page page = ReportHtml.render(report, now);
        try {
            return new Rendered(page.html(), ManifestJson.MAPPER.writeValueAsString(ReportSummary.of(report, now,
                    page.records())), page.records());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeText(Path file, String text, Configuration conf) {
        try {
            FileSystem fs = file.getFileSystem(conf);
            Path partial = new Path(file.getParent(), "." + file.getName() + ".partial");
            try (FSDataOutputStream out = fs.create(partial, true)) {
                out.write(text.getBytes(StandardCharsets.UTF_8));
            }
            if (fs.exists(file)) {
                fs.delete(file, false);
            }
            if (!fs.rename(partial, file)) {
                throw new IOException("cannot rename " + partial + " to " + file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}

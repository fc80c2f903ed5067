package dev.phi4j.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phi4j.pipeline.stage.Manifest;
import dev.phi4j.pipeline.stage.ManifestJson;
import dev.phi4j.pipeline.stage.RunLayout;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** {@code phi4j pipeline status}: each stage of a run folder with its counts, read from the manifests only. */
public final class PipelineStatus {

    /** One line of the table: a stage folder, its status and, when finished, its manifest. */
    public record StageStatus(String dir, String status, Optional<Manifest> manifest) {}

    private PipelineStatus() {}

    public static List<StageStatus> of(Path runDir, Configuration conf) {
        try {
            FileSystem fs = runDir.getFileSystem(conf);
            if (!fs.exists(runDir)) {
                throw new IllegalArgumentException(runDir + ": no such run folder");
            }
            List<StageStatus> stages = new ArrayList<>();
            Path index = new Path(runDir, RunLayout.RUN_INDEX);
            List<String> listed = new ArrayList<>();
            if (fs.exists(index)) {
                JsonNode tree;
                try (InputStream in = fs.open(index)) {
                    tree = ManifestJson.MAPPER.readTree(in);
                }
                for (JsonNode entry : tree.path("stages")) {
                    String dir = entry.path("dir").asText();
                    listed.add(dir);
                    Optional<Manifest> manifest = ManifestJson.readManifest(new Path(runDir, dir), conf);
                    String status = entry.path("status").asText();
                    stages.add(new StageStatus(dir, manifest.isPresent() && status.equals("running") ? "done"
                            : status, manifest));
                }
            }
            FileStatus[] dirs = fs.listStatus(runDir, path -> path.getName().matches("\\d\\d-.+"));
            Arrays.sort(dirs, Comparator.comparing(s -> s.getPath().getName()));
            for (FileStatus dir : dirs) {
                String name = dir.getPath().getName();
                if (!listed.contains(name)) {
                    Optional<Manifest> manifest = ManifestJson.readManifest(dir.getPath(), conf);
                    stages.add(new StageStatus(name, manifest.isPresent() ? "not in the last run's config"
                            : "unfinished", manifest));
                }
            }
            if (stages.isEmpty()) {
                throw new IllegalArgumentException(runDir + ": not a pipeline run folder (no " + RunLayout.RUN_INDEX
                        + ", no stage folders)");
            }
            return stages;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + runDir, e);
        }
    }

    public static String render(List<StageStatus> stages) {
        StringBuilder out = new StringBuilder(String.format("%-14s %-9s %12s %12s %12s %8s  %s%n", "stage", "status",
                "in", "kept", "dropped", "seconds", "dropped by reason"));
        for (StageStatus stage : stages) {
            if (stage.manifest().isEmpty()) {
                out.append(String.format("%-14s %-9s%n", stage.dir(), stage.status()));
                continue;
            }
            Manifest m = stage.manifest().get();
            String reasons = m.counts().droppedByReason().entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .map(e -> String.format("%s %,d", e.getKey(), e.getValue())).collect(Collectors.joining(", "));
            out.append(String.format("%-14s %-9s %,12d %,12d %,12d %8.1f  %s%s%n", stage.dir(), stage.status(),
                    m.counts().in(), m.counts().kept(), m.counts().dropped(), m.timings().seconds(),
                    m.invariant().holds() ? "" : "ACCOUNTING BROKEN ", reasons));
        }
        return out.toString();
    }
}

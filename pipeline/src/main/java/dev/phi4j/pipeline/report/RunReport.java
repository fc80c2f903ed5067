package dev.phi4j.pipeline.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phi4j.pipeline.PipelineStatus;
import dev.phi4j.pipeline.mixture.MixtureManifest;
import dev.phi4j.pipeline.stage.Manifest;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the inspection report shows, read from manifests only: the stage manifests of a pipeline run folder
 * ({@code _run.json} and {@code NN-stage/_manifest.json}) and the mixture manifests of its sets
 * ({@code mixtures/<set>/_mixture.json}, or {@code <set>/_mixture.json} when the folder given is a mixtures folder).
 */
record RunReport(String runDir, List<PipelineStatus.StageStatus> stages, List<MixtureSet> sets) {

    /** A finished mixture set and the folder it was found in. */
    record MixtureSet(String dir, MixtureManifest manifest) {}

    /** A manifest section with where it came from: a stage folder ({@code 02-dedup}) or a set ({@code set pretrain}). */
    record Section(String name, String origin, JsonNode value) {}

    static RunReport load(Path runDir, List<Path> extraMixtureDirs, Configuration conf) {
        try {
            FileSystem fs = runDir.getFileSystem(conf);
            if (!fs.exists(runDir)) {
                throw new IllegalArgumentException(runDir + ": no such run folder");
            }
            List<PipelineStatus.StageStatus> stages = List.of();
            boolean hasStages = fs.exists(new Path(runDir, "_run.json"))
                    || fs.listStatus(runDir, p -> p.getName().matches("\\d\\d-.+")).length > 0;
            if (hasStages) {
                stages = PipelineStatus.of(runDir, conf);
            }
            List<MixtureSet> sets = new ArrayList<>();
            List<Path> mixtureDirs = new ArrayList<>(List.of(new Path(runDir, "mixtures"), runDir));
            mixtureDirs.addAll(extraMixtureDirs);
            for (Path dir : mixtureDirs) {
                if (!fs.exists(dir) || !fs.getFileStatus(dir).isDirectory()) {
                    continue;
                }
                FileStatus[] children = fs.listStatus(dir, p -> !p.getName().startsWith("_")
                        && !p.getName().startsWith("."));
                Arrays.sort(children, Comparator.comparing(s -> s.getPath().getName()));
                for (FileStatus child : children) {
                    if (child.isDirectory()) {
                        Optional<MixtureManifest> manifest = MixtureManifest.read(child.getPath(), conf);
                        String name = child.getPath().toString();
                        if (manifest.isPresent() && sets.stream().noneMatch(s -> s.dir().equals(name))) {
                            sets.add(new MixtureSet(name, manifest.get()));
                        }
                    }
                }
            }
            sets.sort(Comparator.comparingInt((MixtureSet s) -> kindOrder(s.manifest().kind()))
                    .thenComparing(s -> s.manifest().name()));
            if (stages.isEmpty() && sets.isEmpty()) {
                throw new IllegalArgumentException(runDir + ": neither a pipeline run folder (no _run.json or stage "
                        + "folders) nor a folder of mixture sets (no */_mixture.json)");
            }
            return new RunReport(runDir.toString(), stages, sets);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + runDir, e);
        }
    }

    /** A local path without its {@code file:} scheme; other URIs as they are. */
    static String display(String path) {
        return path.startsWith("file:") ? new Path(path).toUri().getPath() : path;
    }

    /** Set kinds in recipe order, for listing. */
    private static int kindOrder(String kind) {
        return switch (kind) {
            case "pretrain" -> 0;
            case "midtrain" -> 1;
            case "sft" -> 2;
            case "dpo" -> 3;
            default -> 4;
        };
    }

    List<Manifest> stageManifests() {
        return stages.stream().flatMap(s -> s.manifest().stream()).toList();
    }

    /** Every manifest section, stages first (in pipeline order), then sets. */
    List<Section> sections() {
        List<Section> sections = new ArrayList<>();
        for (Manifest manifest : stageManifests()) {
            if (manifest.sections() != null) {
                for (Map.Entry<String, JsonNode> entry : manifest.sections().entrySet()) {
                    sections.add(new Section(entry.getKey(), manifest.stage().dir(), entry.getValue()));
                }
            }
        }
        for (MixtureSet set : sets) {
            if (set.manifest().sections() != null) {
                for (Map.Entry<String, JsonNode> entry : set.manifest().sections().entrySet()) {
                    sections.add(new Section(entry.getKey(), "set " + set.manifest().name(), entry.getValue()));
                }
            }
        }
        return sections;
    }

    String name() {
        return stageManifests().stream().map(Manifest::run).filter(r -> r != null && !r.isEmpty()).findFirst()
                .orElse(new Path(runDir).getName());
    }
}

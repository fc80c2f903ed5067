package dev.phi4j.pipeline.mixture;

import dev.phi4j.pipeline.PipelineStatus;
import dev.phi4j.pipeline.stage.Manifest;
import dev.phi4j.pipeline.stage.RunLayout;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

import java.util.List;
import java.util.Optional;

/** The finished pipeline stage whose kept documents a build mixes. */
record InputStage(String runDir, String dir, String dataPath, Manifest manifest) {

    /**
     * The stage named by {@code stage} (a folder such as {@code 03-decontam} or a stage name such as
     * {@code decontam}), or the last finished stage of the run.
     */
    static InputStage resolve(String runDir, Optional<String> stage, Configuration conf) {
        List<PipelineStatus.StageStatus> stages = PipelineStatus.of(new Path(runDir), conf);
        PipelineStatus.StageStatus chosen = null;
        for (PipelineStatus.StageStatus status : stages) {
            if (stage.isPresent()) {
                String wanted = stage.get();
                String name = status.dir().replaceFirst("^\\d\\d-", "");
                if (status.dir().equals(wanted) || name.equals(wanted)) {
                    chosen = status;
                }
            } else if (status.manifest().isPresent()) {
                chosen = status;
            }
        }
        if (chosen == null) {
            throw new IllegalArgumentException(runDir + ": " + stage.map(s -> "no stage '" + s + "'")
                    .orElse("no finished stage") + "; stages: " + stages.stream().map(s -> s.dir() + " ("
                    + s.status() + ")").toList() + " (run `phi4j pipeline run` first)");
        }
        if (chosen.manifest().isEmpty()) {
            throw new IllegalArgumentException(runDir + "/" + chosen.dir() + ": stage has not finished ("
                    + chosen.status() + "); finish the pipeline run first");
        }
        Manifest manifest = chosen.manifest().get();
        if (!manifest.invariant().holds()) {
            throw new IllegalArgumentException(runDir + "/" + chosen.dir() + ": its manifest says in ≠ kept + "
                    + "dropped; refusing to mix a stage that lost records");
        }
        Path dir = new Path(runDir, chosen.dir());
        return new InputStage(runDir, chosen.dir(), RunLayout.data(dir).toString(), manifest);
    }
}

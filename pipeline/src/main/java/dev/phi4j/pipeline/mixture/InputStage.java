package dev.phi4j.pipeline.mixture;

import dev.phi4j.pipeline.PipelineStatus;
import dev.phi4j.pipeline.stage.Manifest;
import dev.phi4j.pipeline.stage.RunLayout;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

import java.util.List;

/** A finished pipeline stage whose kept documents a build mixes. */
record InputStage(String runDir, String dir, String dataPath, Manifest manifest) {

    /** The run folder of a {@code RUN_DIR/STAGE} reference. */
    static String runDir(String reference) {
        String trimmed = reference.endsWith("/") ? reference.substring(0, reference.length() - 1) : reference;
        int slash = trimmed.lastIndexOf('/');
        if (slash <= 0) {
            throw new IllegalArgumentException("'" + reference + "' names no stage; write RUN_DIR/STAGE, e.g. "
                    + "runs/sample/decontam");
        }
        return trimmed.substring(0, slash);
    }

    /**
     * The stage {@code reference} names: a run folder and, after the last slash, a stage folder such as
     * {@code 03-decontam} or a stage name such as {@code decontam}.
     */
    static InputStage resolve(String reference, Configuration conf) {
        String runDir = runDir(reference);
        String wanted = reference.substring(runDir.length() + 1).replaceFirst("/$", "");
        List<PipelineStatus.StageStatus> stages = PipelineStatus.of(new Path(runDir), conf);
        PipelineStatus.StageStatus chosen = null;
        for (PipelineStatus.StageStatus status : stages) {
            String name = status.dir().replaceFirst("^\\d\\d-", "");
            if (status.dir().equals(wanted) || name.equals(wanted)) {
                chosen = status;
            }
        }
        if (chosen == null) {
            throw new IllegalArgumentException(runDir + ": no stage '" + wanted + "'; stages: " + stages.stream()
                    .map(s -> s.dir() + " (" + s.status() + ")").toList() + " (run `phi4j pipeline run` first)");
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

package dev.phi4j.pipeline.stage;

import org.apache.hadoop.fs.Path;

/**
 * Where a run keeps its files (on any Hadoop file system):
 * <pre>
 * RUN_DIR/
 *   pipeline.yaml           the resolved config, every value annotated with where it came from
 *   _run.json               the run index: stages in order with their status
 *   00-ingest/              one folder per finished stage
 *     data/                 kept rows (Parquet, Document columns)
 *     dropped/              dropped rows with drop_reason (Parquet), unless stage_output.keep_dropped is off
 *     _manifest.json        written last: its presence marks the stage finished
 *   01-clean/ …
 *   _tmp/01-clean-&lt;attempt&gt;/  a stage being written; renamed into place when complete
 * </pre>
 */
public record RunLayout(Path root) {

    public static final String DATA = "data";
    public static final String DROPPED = "dropped";
    public static final String RUN_INDEX = "_run.json";
    public static final String CONFIG = "pipeline.yaml";

    public static String stageDirName(int index, String name) {
        return String.format("%02d-%s", index, name);
    }

    public Path stageDir(int index, String name) {
        return new Path(root, stageDirName(index, name));
    }

    public Path runIndex() {
        return new Path(root, RUN_INDEX);
    }

    public Path config() {
        return new Path(root, CONFIG);
    }

    public static Path manifest(Path stageDir) {
        return new Path(stageDir, Manifest.FILE);
    }

    public static Path data(Path stageDir) {
        return new Path(stageDir, DATA);
    }

    public static Path dropped(Path stageDir) {
        return new Path(stageDir, DROPPED);
    }
}

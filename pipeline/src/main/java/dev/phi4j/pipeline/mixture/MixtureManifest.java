package dev.phi4j.pipeline.mixture;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phi4j.core.io.BuildCache;
import dev.phi4j.pipeline.stage.Manifest;
import dev.phi4j.pipeline.stage.ManifestJson;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code _mixture.json}: what a finished set holds and how it was made, written last into the set's folder (its
 * presence marks the set finished). Versioned and self-describing like the stage manifests (same JSON conventions:
 * snake_case keys, unknown keys ignored by readers), so the inspection report renders it from the file alone; the
 * {@code sections} are listed in pipeline/README.md.
 *
 * @param counts records in (documents of the input stage, conversations, pairs), kept (in a split) and dropped by
 *               reason: in = kept + dropped
 */
public record MixtureManifest(
        String format,
        int version,
        String name,
        String kind,
        String identity,
        Manifest.ConfigInfo config,
        List<InputInfo> inputs,
        TokenizerInfo tokenizer,
        Shards shards,
        Manifest.Counts counts,
        List<String> notes,
        Map<String, JsonNode> sections,
        Manifest.Timings timings,
        Manifest.Environment environment) {

    public static final String FORMAT = "phi4j-mixture";
    public static final int VERSION = 1;
    public static final String FILE = "_mixture.json";

    /** The manifest as a set folder's build cache marker: written last, its identity decides reuse. */
    static final BuildCache.Marker<MixtureManifest> MARKER = new BuildCache.Marker<>() {
        @Override
        public Optional<MixtureManifest> read(Path dir, Configuration conf) {
            return MixtureManifest.read(dir, conf);
        }

        @Override
        public String identity(MixtureManifest manifest) {
            return manifest.identity();
        }

        @Override
        public void write(Path dir, MixtureManifest manifest, Configuration conf) {
            manifest.write(dir, conf);
        }
    };

    /**
     * @param groups      the mixture groups whose documents were taken from this stage (pretrain, midtrain), or
     *                    empty for a set that reads files
     * @param run         the pipeline run folder (pretrain, midtrain), or empty
     * @param stageDir    the stage folder whose kept documents were read
     * @param fingerprint the stage's kept-rows fingerprint, or the listing fingerprint of the input files
     */
    public record InputInfo(List<String> groups, String run, String stageDir, String fingerprint, List<String> paths,
                            long files, long bytes) {}

    public record TokenizerInfo(String name, String fingerprint, int vocabSize) {}

    /**
     * @param path the shard set's folder relative to the set folder: {@code shards}; `phi4j train --data` takes it
     */
    public record Shards(String path, int seqLen, String tokenType, boolean lossMask,
                         Map<String, SplitInfo> splits, String manifestSha256) {}

    /**
     * @param droppedTailTokens stream tokens of each shard's incomplete last row, not written
     */
    public record SplitInfo(long files, long sequences, long tokens, long lossTokens, long paddingTokens,
                            long droppedTailTokens) {}

    public static Optional<MixtureManifest> read(Path setDir, Configuration conf) {
        Path file = new Path(setDir, FILE);
        try {
            FileSystem fs = file.getFileSystem(conf);
            if (!fs.exists(file)) {
                return Optional.empty();
            }
            JsonNode tree;
            try (InputStream in = fs.open(file)) {
                tree = ManifestJson.MAPPER.readTree(in);
            }
            String format = tree.path("format").asText();
            int version = tree.path("version").asInt(-1);
            if (!FORMAT.equals(format) || version < 1 || version > VERSION) {
                throw new IllegalStateException(file + ": not a " + FORMAT + " manifest of version ≤ " + VERSION
                        + " (format '" + format + "', version " + version + ")");
            }
            return Optional.of(ManifestJson.MAPPER.treeToValue(tree, MixtureManifest.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    public void write(Path setDir, Configuration conf) {
        ManifestJson.write(new Path(setDir, FILE), this, conf);
    }
}

package dev.phi4j.pipeline.stage;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.phi4j.core.io.BuildCache;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Manifests and run indexes as JSON files on a Hadoop file system: snake_case keys, written atomically. */
public final class ManifestJson {

    /** Record components become snake_case keys; unknown keys are ignored so older readers read newer files. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** A stage folder's manifest as its build cache marker: written last, its identity decides reuse. */
    public static final BuildCache.Marker<Manifest> STAGE_MARKER = new BuildCache.Marker<>() {
        @Override
        public Optional<Manifest> read(Path dir, Configuration conf) {
            return readManifest(dir, conf);
        }

        @Override
        public String identity(Manifest manifest) {
            return manifest.identity();
        }

        @Override
        public void write(Path dir, Manifest manifest, Configuration conf) {
            ManifestJson.write(RunLayout.manifest(dir), manifest, conf);
        }
    };

    private ManifestJson() {}

    /** A section value as the manifest will hold it. */
    public static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }

    public static void write(Path file, Object value, Configuration conf) {
        try {
            FileSystem fs = file.getFileSystem(conf);
            Path partial = new Path(file.getParent(), "." + file.getName() + ".partial");
            try (FSDataOutputStream out = fs.create(partial, true)) {
                out.write(MAPPER.writeValueAsString(value).getBytes(StandardCharsets.UTF_8));
                out.write('\n');
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

    /** The stage manifest in {@code stageDir}, or empty when the stage has not finished there. */
    public static Optional<Manifest> readManifest(Path stageDir, Configuration conf) {
        Path file = RunLayout.manifest(stageDir);
        try {
            FileSystem fs = file.getFileSystem(conf);
            if (!fs.exists(file)) {
                return Optional.empty();
            }
            JsonNode tree;
            try (InputStream in = fs.open(file)) {
                tree = MAPPER.readTree(in);
            }
            String format = tree.path("format").asText();
            int version = tree.path("version").asInt(-1);
            if (!Manifest.FORMAT.equals(format) || version < 1 || version > Manifest.VERSION) {
                throw new IllegalStateException(file + ": not a " + Manifest.FORMAT + " manifest of version ≤ "
                        + Manifest.VERSION + " (format '" + format + "', version " + version + ")");
            }
            return Optional.of(MAPPER.treeToValue(tree, Manifest.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}

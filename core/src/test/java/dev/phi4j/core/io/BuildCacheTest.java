package dev.phi4j.core.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BuildCacheTest {

    /** The marker of these tests: {@code _identity.txt} holding the identity. */
    private static final BuildCache.Marker<String> MARKER = new BuildCache.Marker<>() {
        @Override
        public Optional<String> read(Path dir, Configuration conf) throws IOException {
            FileSystem fs = dir.getFileSystem(conf);
            Path file = new Path(dir, "_identity.txt");
            if (!fs.exists(file)) {
                return Optional.empty();
            }
            try (InputStream in = fs.open(file)) {
                return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }

        @Override
        public String identity(String record) {
            return record;
        }

        @Override
        public void write(Path dir, String record, Configuration conf) throws IOException {
            writeText(new Path(dir, "_identity.txt"), record);
        }
    };

    private static final Configuration CONF = new Configuration();

    @TempDir
    java.nio.file.Path root;

    private Path dir;
    private final List<String> built = new ArrayList<>();

    @BeforeEach
    void setUp() {
        dir = new Path(root.toUri().toString(), "set");
    }

    @Test
    void theSameIdentityIsReusedWithoutBuilding() throws IOException {
        BuildCache.Outcome<String> first = BuildCache.reuseOrBuild(dir, "a", MARKER, CONF, writing("rows of a"));
        BuildCache.Outcome<String> second = BuildCache.reuseOrBuild(dir, "a", MARKER, CONF, writing("rows of a"));

        assertFalse(first.reused());
        assertTrue(second.reused());
        assertEquals("a", second.record());
        assertEquals(List.of("a"), built);
        assertEquals("rows of a", Files.readString(root.resolve("set/data.txt")));
    }

    @Test
    void aChangedIdentityRebuildsFromScratchAndTellsTheBuilderWhatItReplaces() throws IOException {
        BuildCache.reuseOrBuild(dir, "a", MARKER, CONF, (tmp, outdated) -> {
            writeText(new Path(tmp, "only-in-a.txt"), "a");
            return "a";
        });
        List<Optional<String>> replaced = new ArrayList<>();
        BuildCache.Outcome<String> outcome = BuildCache.reuseOrBuild(dir, "b", MARKER, CONF, (tmp, outdated) -> {
            replaced.add(outdated);
            return writing("rows of b").build(tmp, outdated);
        });

        assertFalse(outcome.reused());
        assertEquals(List.of(Optional.of("a")), replaced);
        assertEquals("rows of b", Files.readString(root.resolve("set/data.txt")));
        assertFalse(Files.exists(root.resolve("set/only-in-a.txt")), "nothing of the old build is kept");
    }

    @Test
    void aBuildKilledMidwayLeavesNothingThatIsReused() throws IOException {
        assertThrows(IllegalStateException.class, () -> BuildCache.reuseOrBuild(dir, "a", MARKER, CONF,
                (tmp, outdated) -> {
                    writeText(new Path(tmp, "data.txt"), "half");
                    throw new IllegalStateException("killed");
                }));
        assertFalse(Files.exists(root.resolve("set")), "the half-written build stays under _tmp");
        assertEquals(1, attempts().size());

        BuildCache.Outcome<String> retry = BuildCache.reuseOrBuild(dir, "a", MARKER, CONF, writing("rows of a"));

        assertFalse(retry.reused());
        assertEquals("rows of a", Files.readString(root.resolve("set/data.txt")));
        assertEquals(List.of(), attempts(), "the killed attempt is removed by the next build");
    }

    @Test
    void aFolderRenamedButNotMarkedIsBuiltAgain() throws IOException {
        writeText(new Path(dir, "data.txt"), "renamed, then killed before the marker");

        BuildCache.Outcome<String> outcome = BuildCache.reuseOrBuild(dir, "a", MARKER, CONF, writing("rows of a"));

        assertFalse(outcome.reused());
        assertEquals("rows of a", Files.readString(root.resolve("set/data.txt")));
    }

    @Test
    void leftoversOfEarlierAttemptsAreRemoved() throws IOException {
        java.nio.file.Path tmpRoot = root.resolve(BuildCache.TMP);
        String attempt = "set-" + UUID.randomUUID();
        Files.createDirectories(tmpRoot.resolve(attempt));
        Files.createDirectories(tmpRoot.resolve(attempt + ".partial"));
        java.nio.file.Path otherSet = Files.createDirectories(tmpRoot.resolve("other-" + UUID.randomUUID()));

        BuildCache.reuseOrBuild(dir, "a", MARKER, CONF, writing("rows of a"));

        assertFalse(Files.exists(tmpRoot.resolve(attempt)));
        assertFalse(Files.exists(tmpRoot.resolve(attempt + ".partial")));
        assertTrue(Files.exists(otherSet), "another folder's build may be under way");
    }

    private BuildCache.Builder<String> writing(String data) {
        return (tmp, outdated) -> {
            String identity = data.substring(data.lastIndexOf(' ') + 1);
            built.add(identity);
            writeText(new Path(tmp, "data.txt"), data);
            return identity;
        };
    }

    private static void writeText(Path file, String text) throws IOException {
        try (FSDataOutputStream out = file.getFileSystem(CONF).create(file, false)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private List<String> attempts() throws IOException {
        java.nio.file.Path tmpRoot = root.resolve(BuildCache.TMP);
        if (!Files.exists(tmpRoot)) {
            return List.of();
        }
        try (var names = Files.list(tmpRoot)) {
            return names.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).toList();
        }
    }
}

package dev.phi4j.pipeline.mixture;

import dev.phi4j.core.config.ConfigException;
import dev.phi4j.pipeline.TestSpark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MixtureConfigTest {

    @TempDir
    Path dir;

    private MixtureConfig load(String inputs) throws IOException {
        String sample = Files.readString(TestSpark.root().resolve("configs/mixture/sample.yaml"));
        Path file = dir.resolve("mixture.yaml");
        Files.writeString(file, sample.replaceFirst("(?s)inputs:.*?\\n(?=\\S)", inputs + "\n"));
        return MixtureConfig.load(file, List.of()).config();
    }

    private ConfigException failure(String inputs) {
        return assertThrows(ConfigException.class, () -> load(inputs));
    }

    @Test
    void bundledConfigMixesTheSampleRunsLastStageIntoItsFolder() throws IOException {
        MixtureConfig config = MixtureConfig.load(TestSpark.root().resolve("configs/mixture/sample.yaml"), List.of())
                .config();
        assertEquals(Map.of("default", "runs/sample/decontam"), config.inputs());
        assertEquals("runs/sample/mixtures", config.mixturesDir());
    }

    @Test
    void inputsPerGroupShareTheRunFolderTheSetsAreWrittenInto() throws IOException {
        MixtureConfig config = load("inputs: {default: runs/a/decontam, code: runs/a/dedup}");
        assertEquals("runs/a/mixtures", config.mixturesDir());
    }

    @Test
    void badInputsNameTheirKey() {
        ConfigException group = failure("inputs: {wbe: runs/a/decontam}");
        assertEquals("inputs.wbe", group.key());
        assertTrue(group.getMessage().contains("not a mixture group; expects one of web, web_rewrites, synthetic, "
                + "code, acquired, default"), group.getMessage());

        ConfigException noStage = failure("inputs: {default: decontam}");
        assertEquals("inputs.default", noStage.key());
        assertTrue(noStage.getMessage().contains("names no stage; write RUN_DIR/STAGE"), noStage.getMessage());

        ConfigException twoRuns = failure("inputs: {default: runs/a/decontam, code: runs/b/dedup}");
        assertEquals("output_dir", twoRuns.key());

        ConfigException none = failure("inputs: {}");
        assertEquals("inputs", none.key());
    }
}

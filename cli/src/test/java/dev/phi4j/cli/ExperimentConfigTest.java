package dev.phi4j.cli;

import dev.phi4j.core.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Experiment configs: what a valid one reads as, and errors that name the key and say what is wrong. */
class ExperimentConfigTest {

    private static final Path ROOT = Path.of(System.getProperty("phi4j.root", "..")).toAbsolutePath().normalize();

    private static final String VALID = String.join("\n",
            "name: demo",
            "base: configs/experiments/tiny-english.yaml",
            "data: runs/english/decontam",
            "seeds: [1, 2, 3]",
            "variants:",
            "  - name: synthetic-only",
            "    shares: {web: 0, web_rewrites: 0, synthetic: 1, code: 0, acquired: 0}",
            "  - name: web-only",
            "    shares: {web: 1, web_rewrites: 0, synthetic: 0, code: 0, acquired: 0}",
            "    set: [trainer.optimizer.lr=1e-3]",
            "");

    private static ExperimentConfig load(Path dir, String yaml, String... overrides) throws IOException {
        Path file = dir.resolve("experiment.yaml");
        Files.writeString(file, yaml);
        return ExperimentConfig.load(file, List.of(overrides)).config();
    }

    @Test
    void validConfigReadsWithDefaults(@TempDir Path dir) throws IOException {
        ExperimentConfig config = load(dir, VALID);
        assertEquals(List.of(1L, 2L, 3L), config.seeds());
        assertEquals(List.of("synthetic-only", "web-only"), config.variants().stream()
                .map(ExperimentConfig.ExperimentVariant::name).toList());
        assertEquals(1.0, config.variants().get(0).shares().synthetic());
        assertEquals(16, config.variants().get(0).maxEpochs().synthetic(), "EpochCaps' default");
        assertEquals(List.of("trainer.optimizer.lr=1e-3"), config.variants().get(1).set());
        assertEquals(List.of("web", "web_rewrites", "synthetic", "acquired"), config.eval().groups());
        assertEquals(List.of("loss/web", "loss/web_rewrites", "loss/synthetic", "loss/acquired", "loss/mean"),
                config.eval().metrics());
        assertEquals(Path.of("runs/experiments/demo"), config.directory());
        assertEquals(0, config.budget(), "0: max_steps × global_batch_tokens");
    }

    @Test
    void unknownKeyIsAnErrorNamingIt(@TempDir Path dir) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(dir, VALID + "epochs: 3\n"));
        assertTrue(e.getMessage().contains("epochs"), e.getMessage());
        ConfigException inVariant = assertThrows(ConfigException.class, () -> load(dir,
                VALID.replace("    set: [trainer", "    lr: 3\n    set: [trainer")));
        assertTrue(inVariant.getMessage().contains("variants[1].lr") || inVariant.getMessage().contains("lr"),
                inVariant.getMessage());
    }

    @Test
    void sharesThatDoNotAddUpNameTheVariant(@TempDir Path dir) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(dir,
                VALID.replace("synthetic: 1, code", "synthetic: 0.5, code")));
        assertTrue(e.getMessage().contains("variants[0].shares") && e.getMessage().contains("add up to 0.5"),
                e.getMessage());
    }

    @Test
    void oneSeedIsNotASpread(@TempDir Path dir) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(dir, VALID, "seeds=[7]"));
        assertTrue(e.getMessage().contains("seeds") && e.getMessage().contains("at least 2"), e.getMessage());
        ConfigException twice = assertThrows(ConfigException.class, () -> load(dir, VALID, "seeds=[1, 1]"));
        assertTrue(twice.getMessage().contains("listed twice"), twice.getMessage());
    }

    @Test
    void variantNamesAreUniqueFolderNames(@TempDir Path dir) {
        ConfigException twice = assertThrows(ConfigException.class, () -> load(dir,
                VALID.replace("name: web-only", "name: synthetic-only")));
        assertTrue(twice.getMessage().contains("variants") && twice.getMessage().contains("used twice"),
                twice.getMessage());
        ConfigException upper = assertThrows(ConfigException.class, () -> load(dir,
                VALID.replace("name: web-only", "name: Web Only")));
        assertTrue(upper.getMessage().contains("variants[1].name"), upper.getMessage());
        ConfigException reserved = assertThrows(ConfigException.class, () -> load(dir,
                VALID.replace("name: web-only", "name: eval-web")));
        assertTrue(reserved.getMessage().contains("reserved"), reserved.getMessage());
    }

    @Test
    void evalGroupsMustBeMixtureGroups(@TempDir Path dir) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(dir, VALID + "eval: {groups: [books]}\n"));
        assertTrue(e.getMessage().contains("eval.groups") && e.getMessage().contains("web_rewrites"),
                e.getMessage());
    }

    @Test
    void shippedExperimentsAreValidWithThreeSeeds() {
        for (String name : List.of("figure2", "table3")) {
            ExperimentConfig config = ExperimentConfig.load(ROOT.resolve("configs/experiments/" + name + ".yaml"),
                    List.of()).config();
            assertEquals(name, config.name());
            assertTrue(config.seeds().size() >= 3, name + ": at least 3 seeds");
            assertEquals(3, config.variants().size(), name);
            Phi4jConfig base = Phi4jConfig.load(ROOT.resolve(config.base().toString()), config.set()).config();
            assertEquals(100, base.trainer().maxSteps(), name + ": sized to finish in minutes");
        }
    }
}

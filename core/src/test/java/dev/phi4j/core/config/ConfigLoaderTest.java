package dev.phi4j.core.config;

import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.core.model.ModelPresets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {

    enum Decay { LINEAR, COSINE }

    record Optim(@Default("3e-4") @Range(min = 0, max = 1) double lr,
                 @Default("linear") Decay decay,
                 @Default("10") @Range(min = 1) long steps) {}

    record Experiment(@Default("exp") String name,
                      ModelConfig model,
                      Optim optim,
                      @Default("[]") List<String> tags,
                      Optional<Path> output) {}

    @TempDir
    Path dir;

    private Path write(String name, String yaml) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, yaml);
        return file;
    }

    private ConfigLoader.Loaded<Experiment> load(Path file, String... overrides) {
        return ConfigLoader.load(file, List.of(overrides), Experiment.class);
    }

    private ConfigException failure(Path file, String... overrides) {
        return assertThrows(ConfigException.class, () -> load(file, overrides));
    }

    @Test
    void presetNameWithDefaultsBindsEveryField() throws IOException {
        Experiment experiment = load(write("a.yaml", "model: tiny\n")).config();
        assertEquals(ModelPresets.TINY, experiment.model());
        assertEquals(new Optim(3e-4, Decay.LINEAR, 10), experiment.optim());
        assertEquals("exp", experiment.name());
        assertEquals(List.of(), experiment.tags());
        assertEquals(Optional.empty(), experiment.output());
    }

    record OnlyOptim(Optim optim) {}

    @Test
    void loadSectionsBindsTheNamedSectionsAndIgnoresTheRest() throws IOException {
        write("parent.yaml", "optim: {lr: 0.01}\n");
        Path file = write("child.yaml", "extends: parent.yaml\nmodel: {whatever: 1}\noptim: {steps: 5}\n");
        assertEquals(new Optim(0.01, Decay.LINEAR, 5), ConfigLoader.loadSections(file, OnlyOptim.class).config().optim());

        Path typo = write("typo-optim.yaml", "model: tiny\noptim:\n  stpes: 5\n");
        ConfigException error = assertThrows(ConfigException.class, () -> ConfigLoader.loadSections(typo, OnlyOptim.class));
        assertTrue(error.getMessage().startsWith(typo + ":3:3: optim.stpes: unknown key"), error.getMessage());
    }

    record TwoOptims(Optim first, Optim second) {}

    record TwoLists(List<String> first, List<String> second) {}

    @Test
    void anAliasReadsAsTheAnchoredValueAndAnUnknownAliasIsAnErrorWithItsLine() throws IOException {
        TwoLists lists = ConfigLoader.load(write("lists.yaml", "first: &labels [a, b]\nsecond: *labels\n"), List.of(),
                TwoLists.class).config();
        TwoOptims twice = ConfigLoader.load(write("alias.yaml", "first: &o {lr: 0.02, steps: 3}\nsecond: *o\n"),
                List.of(), TwoOptims.class).config();

        assertEquals(List.of("a", "b"), lists.second());
        assertEquals(new Optim(0.02, Decay.LINEAR, 3), twice.second());
        assertEquals(twice.first(), twice.second());
        ConfigException unknown = failure(write("dangling.yaml", "model: tiny\noptim: *nowhere\n"));
        assertTrue(unknown.getMessage().contains("*nowhere refers to no anchor"), unknown.getMessage());
        assertTrue(unknown.getMessage().contains(":2:"), unknown.getMessage());
    }

    @Test
    void unknownKeyIsNamedWithLineAndSuggestion() throws IOException {
        Path file = write("typo.yaml", "model: tiny\noptim:\n  lr: 0.001\n  stpes: 5\n");
        ConfigException error = failure(file);
        assertEquals("optim.stpes", error.key());
        assertEquals(4, error.location().line());
        assertTrue(error.getMessage().startsWith(file + ":4:3: optim.stpes: unknown key"), error.getMessage());
        assertTrue(error.getMessage().contains("did you mean 'steps'?"), error.getMessage());
    }

    @Test
    void wrongTypeNamesKeyLineAndExpectedType() throws IOException {
        Path file = write("type.yaml", "model: tiny\noptim:\n  steps: many\n");
        ConfigException error = failure(file);
        assertEquals("optim.steps", error.key());
        assertEquals(3, error.location().line());
        assertTrue(error.getMessage().contains("expects an integer, got 'many'"), error.getMessage());

        ConfigException fractional = failure(write("frac.yaml", "model:\n  preset: tiny\n  n_layers: 2.5\n"));
        assertEquals("model.n_layers", fractional.key());
        assertEquals(3, fractional.location().line());

        ConfigException enumError = failure(write("enum.yaml", "model: tiny\noptim: {decay: cosin}\n"));
        assertTrue(enumError.getMessage().contains("expects one of linear | cosine, got 'cosin'"), enumError.getMessage());

        ConfigException listError = failure(write("list.yaml", "model: tiny\ntags: solo\n"));
        assertTrue(listError.getMessage().contains("tags: expects a list"), listError.getMessage());
    }

    @Test
    void valueOutOfRangeNamesBoundsKeyAndLine() throws IOException {
        Path file = write("range.yaml", "model: tiny\n\noptim:\n  lr: 3\n");
        ConfigException error = failure(file);
        assertEquals("optim.lr", error.key());
        assertEquals(4, error.location().line());
        assertTrue(error.getMessage().contains("must be in [0, 1], got 3"), error.getMessage());
    }

    @Test
    void missingFileAndMissingRequiredKeyAreReported() throws IOException {
        Path absent = dir.resolve("absent.yaml");
        ConfigException missingFile = failure(absent);
        assertTrue(missingFile.getMessage().startsWith(absent + ": config file not found"), missingFile.getMessage());

        ConfigException missingKey = failure(write("nomodel.yaml", "name: x\n"));
        assertEquals("model.vocab_size", missingKey.key());
        assertTrue(missingKey.getMessage().contains("required key is missing"), missingKey.getMessage());
    }

    @Test
    void extendsMergesDeeplyAndTheChildWins() throws IOException {
        write("base.yaml", "model: small\noptim:\n  lr: 0.01\n  steps: 99\ntags: [a, b]\n");
        Path child = write("child.yaml", "extends: base.yaml\nmodel:\n  n_layers: 3\noptim:\n  steps: 7\ntags: [c]\n");
        ConfigLoader.Loaded<Experiment> loaded = load(child);
        Experiment experiment = loaded.config();
        assertEquals(3, experiment.model().nLayers());
        assertEquals(ModelPresets.SMALL.dModel(), experiment.model().dModel());
        assertEquals(0.01, experiment.optim().lr());
        assertEquals(7, experiment.optim().steps());
        assertEquals(List.of("c"), experiment.tags());
        assertEquals(2, loaded.files().size());
        assertEquals(3, loaded.origins().get("optim.lr").line());
        assertTrue(loaded.origins().get("optim.lr").source().endsWith("base.yaml"));
        assertTrue(loaded.origins().get("optim.steps").source().endsWith("child.yaml"));
        assertEquals(Location.preset("small"), loaded.origins().get("model.d_model"));
    }

    @Test
    void extendsErrorsPointAtTheExtendsLine() throws IOException {
        Path child = write("orphan.yaml", "model: tiny\nextends: nowhere.yaml\n");
        ConfigException error = failure(child);
        assertEquals(2, error.location().line());
        assertTrue(error.getMessage().contains("nowhere.yaml: config file not found"), error.getMessage());

        write("loop-a.yaml", "extends: loop-b.yaml\n");
        Path loop = write("loop-b.yaml", "extends: loop-a.yaml\n");
        assertTrue(failure(loop).getMessage().contains("extends itself"));
    }

    @Test
    void setOverridesWinAndAreBlamedForTheirErrors() throws IOException {
        Path file = write("o.yaml", "model: tiny\noptim:\n  lr: 0.5\n");
        ConfigLoader.Loaded<Experiment> loaded = load(file, "optim.lr=3e-4", "model.n_layers=4", "tags=[x, y]");
        assertEquals(3e-4, loaded.config().optim().lr());
        assertEquals(4, loaded.config().model().nLayers());
        assertEquals(ModelPresets.TINY.dModel(), loaded.config().model().dModel());
        assertEquals(List.of("x", "y"), loaded.config().tags());
        assertEquals(Location.override("optim.lr=3e-4"), loaded.origins().get("optim.lr"));

        ConfigException unknown = failure(file, "optim.lrr=1");
        assertTrue(unknown.getMessage().startsWith("--set optim.lrr=1: optim.lrr: unknown key (did you mean 'lr'?)"),
                unknown.getMessage());
        ConfigException malformed = failure(file, "optim.lr");
        assertTrue(malformed.getMessage().contains("expects key.path=value"), malformed.getMessage());
    }

    @Test
    void presetsAreListedWhenTheNameIsUnknown() throws IOException {
        ConfigException error = failure(write("p.yaml", "model: huge\n"));
        assertEquals("model", error.key());
        assertTrue(error.getMessage().contains("unknown preset 'huge'; presets: tiny, small, phi-4, phi-4-16k"),
                error.getMessage());
    }

    @Test
    void crossFieldRulesPointAtTheOffendingKey() throws IOException {
        Path file = write("gqa.yaml", "model:\n  preset: tiny\n  n_heads: 4\n  n_kv_heads: 3\n");
        ConfigException error = failure(file);
        assertEquals("model.n_kv_heads", error.key());
        assertEquals(4, error.location().line());
        assertTrue(error.getMessage().contains("n_heads (4) must be divisible by n_kv_heads (3)"), error.getMessage());
    }

    @Test
    void duplicateKeysAndBrokenYamlAreErrorsWithLines() throws IOException {
        ConfigException duplicate = failure(write("dup.yaml", "model: tiny\nname: a\nname: b\n"));
        assertEquals(3, duplicate.location().line());
        assertTrue(duplicate.getMessage().contains("duplicate key (first written at line 2)"), duplicate.getMessage());

        ConfigException broken = failure(write("broken.yaml", "model: tiny\noptim: [unclosed\n"));
        assertTrue(broken.getMessage().contains("invalid YAML"), broken.getMessage());
        assertTrue(broken.location().line() >= 2, broken.getMessage());
    }

    @Test
    void printedYamlLoadsBackToTheSameConfig() throws IOException {
        Path file = write("full.yaml", "name: \"123\"\nmodel: {preset: phi-4, n_layers: 2}\noptim: {lr: 1.5e-5, decay: cosine}\n"
                + "tags: [\"a b\", c]\noutput: runs/x\n");
        ConfigLoader.Loaded<Experiment> loaded = load(file);
        Path printed = write("printed.yaml", loaded.toYaml(true));
        assertEquals(loaded.config(), load(printed).config());
        assertTrue(loaded.toYaml(true).contains("lr: 1.5e-5  # " + file + ":3:13"), loaded.toYaml(true));
    }

    @Test
    void referenceDocumentsEveryKeyWithTypeDefaultAndPresets() {
        String reference = ConfigReference.markdown(Experiment.class);
        for (String key : List.of("`name`", "`model.vocab_size`", "`model.rope_theta`", "`optim.lr`", "`tags`", "`output`")) {
            assertTrue(reference.contains("| " + key + " |"), key + " missing from\n" + reference);
        }
        assertTrue(reference.contains("| `optim.lr` | number in [0, 1] | `3e-4` |"), reference);
        assertTrue(reference.contains("| `n_kv_heads` | 2 | 4 | 10 | 10 |"), reference);
    }
}

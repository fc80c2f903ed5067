package dev.phi4j.core.config;

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

class VariantBindingTest {

    @Variants(key = "step", value = {Filter.class, Dedup.class})
    interface Step {}

    @Variant("filter")
    record Filter(@Default("100") @Range(min = 0) int minChars, @Default("[]") List<String> classes) implements Step {}

    @Variant("dedup")
    record Dedup(@Default("13") int bands, @Default("{}") Map<String, Filter> perClass) implements Step {}

    record Job(@Default("job") String name, List<Step> steps) {}

    /** A plug-in interface that knows none of its implementations; the config listing them is the registry. */
    interface Plugin {}

    @Variant("upper")
    record Upper(@Default("1") int times) implements Plugin {}

    @Variant("lower")
    record Lower() implements Plugin {}

    record Host(@Variants(key = "plugin", value = {Upper.class, Lower.class}) List<Plugin> plugins) {}

    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("job.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private ConfigException failure(String yaml) throws IOException {
        return failure(Job.class, yaml);
    }

    private <R extends Record> ConfigException failure(Class<R> type, String yaml) throws IOException {
        Path file = write(yaml);
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(file, List.of(), type));
    }

    @Test
    void tagPicksTheRecordAndTheOtherKeysBindToIt() throws IOException {
        Job job = ConfigLoader.load(write("""
                steps:
                  - step: filter
                    min_chars: 5
                  - step: dedup
                  - step: filter
                    classes: [web, code]
                """), List.of(), Job.class).config();

        assertEquals(List.of(new Filter(5, List.of()), new Dedup(13, Map.of()), new Filter(100, List.of("web", "code"))),
                job.steps());
    }

    @Test
    void unknownTagIsNamedWithLineAndSuggestion() throws IOException {
        ConfigException error = failure("steps:\n  - step: filter\n  - step: dedpu\n");

        assertEquals("steps[1].step", error.key());
        assertEquals(3, error.location().line());
        assertTrue(error.getMessage().contains("unknown step 'dedpu' (did you mean 'dedup'?); expects filter | dedup"),
                error.getMessage());
    }

    @Test
    void missingTagAndUnknownKeysInsideAVariantNameTheItem() throws IOException {
        ConfigException missing = failure("steps:\n  - min_chars: 3\n");
        assertEquals("steps[0].step", missing.key());
        assertTrue(missing.getMessage().contains("required key is missing; expects step: filter | dedup"),
                missing.getMessage());

        ConfigException unknown = failure("steps:\n  - step: filter\n  - step: dedup\n    bands: 4\n    rows: 2\n");
        assertEquals("steps[1].rows", unknown.key());
        assertEquals(5, unknown.location().line());
        assertTrue(unknown.getMessage().contains("valid keys here: bands, per_class"), unknown.getMessage());

        ConfigException range = failure("steps:\n  - step: filter\n    min_chars: -1\n");
        assertEquals("steps[0].min_chars", range.key());
        assertEquals(3, range.location().line());
    }

    @Test
    void yamlOfAConfigWithVariantsLoadsBackToAnEqualConfig() throws IOException {
        Job job = new Job("x", List.of(new Filter(7, List.of("books")),
                new Dedup(9, Map.of("code", new Filter(1, List.of()))), new Filter(0, List.of())));
        String yaml = RecordTrees.toYaml(job, Map.of());

        assertTrue(yaml.contains("steps:\n  - step: filter\n    min_chars: 7\n"), yaml);
        assertEquals(job, ConfigLoader.load(write(yaml), List.of(), Job.class).config());
    }

    @Test
    void referenceDocumentsEveryVariant() {
        String reference = ConfigReference.markdown(Job.class);

        assertTrue(reference.contains("section with step: filter \\| dedup"), reference);
        assertTrue(reference.contains("### `steps[]` with `step: dedup`"), reference);
        assertTrue(reference.contains("| `steps[].bands` | integer |"), reference);
        assertTrue(reference.contains("### `steps[].per_class.*`"), reference);
    }

    @Test
    void variantsListedOnAComponentBindWriteAndDocumentLikeThoseOnTheInterface() throws IOException {
        Path file = write("plugins:\n  - plugin: upper\n    times: 3\n  - plugin: lower\n");
        Host host = ConfigLoader.load(file, List.of(), Host.class).config();
        assertEquals(List.of(new Upper(3), new Lower()), host.plugins());
        assertEquals(host, ConfigLoader.load(write(RecordTrees.toYaml(host, Map.of())), List.of(), Host.class)
                .config());

        ConfigException unknown = failure(Host.class, "plugins:\n  - plugin: uper\n");
        assertEquals("plugins[0].plugin", unknown.key());
        assertTrue(unknown.getMessage().contains("(did you mean 'upper'?); expects upper | lower"),
                unknown.getMessage());

        String reference = ConfigReference.markdown(Host.class);
        assertTrue(reference.contains("section with plugin: upper \\| lower"), reference);
        assertTrue(reference.contains("| `plugins[].plugin` | `upper` | required | selects this kind |"), reference);
    }
}

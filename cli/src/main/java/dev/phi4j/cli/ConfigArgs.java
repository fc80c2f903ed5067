package dev.phi4j.cli;

import dev.phi4j.core.config.ConfigLoader;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The config file and {@code --set} overrides every config-driven command takes. */
public final class ConfigArgs {

    @Parameters(index = "0", paramLabel = "CONFIG", description = "YAML config file, e.g. configs/tiny.yaml")
    Path file;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "override one key, e.g. --set trainer.optimizer.lr=3e-4 (repeatable)")
    List<String> overrides = new ArrayList<>();

    public ConfigLoader.Loaded<Phi4jConfig> load() {
        return Phi4jConfig.load(file, overrides);
    }
}

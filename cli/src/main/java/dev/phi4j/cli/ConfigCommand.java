package dev.phi4j.cli;

import dev.phi4j.core.config.ConfigLoader;
import dev.phi4j.core.model.ModelConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "config", mixinStandardHelpOptions = true, description = "Show, check and document configs.",
        subcommands = {ConfigCommand.Show.class, ConfigCommand.Check.class, ConfigCommand.Reference.class})
public final class ConfigCommand {

    @Command(name = "show", mixinStandardHelpOptions = true, description = {"Print the resolved config: extends followed, overrides and defaults applied.",
            "Example: phi4j config show configs/tiny.yaml --set trainer.optimizer.lr=1e-3 --origins"})
    static final class Show implements Callable<Integer> {
        @Mixin
        ConfigArgs args;

        @Option(names = "--origins", description = "annotate each value with where it came from (file:line, --set, preset, default)")
        boolean origins;

        @Override
        public Integer call() {
            ConfigLoader.Loaded<Phi4jConfig> loaded = args.load();
            System.out.print(loaded.toYaml(origins));
            ModelConfig model = loaded.config().model();
            System.out.printf("# model: %s parameters (%s without the input embedding), head_dim %d%n",
                    Sizes.count(model.parameterCount()), Sizes.count(model.nonEmbeddingParameterCount()), model.headDim());
            return ExitCodes.OK;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true, description = "Validate a config; exit 0 when it is valid, 2 with the error otherwise.")
    static final class Check implements Callable<Integer> {
        @Mixin
        ConfigArgs args;

        @Override
        public Integer call() {
            ConfigLoader.Loaded<Phi4jConfig> loaded = args.load();
            System.out.println(args.file + ": ok (" + loaded.files().size() + " file(s) read)");
            return ExitCodes.OK;
        }
    }

    @Command(name = "reference", mixinStandardHelpOptions = true, description = "Print the Markdown reference of every config key (docs/config-reference.md).")
    static final class Reference implements Callable<Integer> {
        @Override
        public Integer call() {
            System.out.print(ConfigReferenceDoc.markdown());
            return ExitCodes.OK;
        }
    }
}

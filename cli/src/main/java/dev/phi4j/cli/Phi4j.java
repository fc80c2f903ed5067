package dev.phi4j.cli;

import dev.phi4j.bench.BenchCommand;
import dev.phi4j.core.config.ConfigException;
import dev.phi4j.pipeline.PipelineCommand;
import dev.phi4j.pipeline.mixture.MixtureCommand;
import dev.phi4j.pipeline.report.ReportCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The {@code phi4j} command: one entry point for the data pipeline, the trainer and their tools. */
@Command(name = "phi4j", mixinStandardHelpOptions = true, versionProvider = Phi4j.Version.class,
        description = {"Reproduce the Phi-4 training recipe: Spark data pipeline, DL4J training, evaluation, serving.",
                "Example: bin/phi4j reproduce configs/tiny.yaml"},
        footer = {"", "Exit codes: 0 ok, 1 failed, 2 bad usage or config, 3 not available yet.",
                "Set PHI4J_DEBUG=1 for stack traces."})
public final class Phi4j {

    public static void main(String[] args) {
        System.setOut(new SameDiffNoiseFilter(System.out));
        System.exit(run(args));
    }

    public static int run(String... args) {
        return commandLine().execute(args);
    }

    static CommandLine commandLine() {
        CommandLine root = new CommandLine(new Phi4j());
        root.addSubcommand(new PipelineCommand());
        root.addSubcommand(new TrainCommand());
        root.addSubcommand(new GenerateCommand());
        root.addSubcommand(new ServeCommand());
        root.addSubcommand(new EvalCommand());
        root.addSubcommand(new MixtureCommand());
        root.addSubcommand(new CommandLine(new ReportCommand()).addSubcommand(new RunReportCommand()));
        root.addSubcommand(new TokenizerCommand());
        root.addSubcommand(new ReproduceCommand());
        root.addSubcommand(new ExperimentCommand());
        root.addSubcommand(new BenchCommand());
        root.addSubcommand(new ConfigCommand());
        root.addSubcommand(new JudgePairsCommand());
        root.addSubcommand(new PtsCommand());
        root.addSubcommand(new ConvertCommand());
        root.setExecutionExceptionHandler(Phi4j::reportFailure);
        root.setCaseInsensitiveEnumValuesAllowed(true);
        return root;
    }

    private static int reportFailure(Exception failure, CommandLine command, CommandLine.ParseResult parsed) {
        boolean debug = System.getenv("PHI4J_DEBUG") != null;
        if (debug) {
            failure.printStackTrace();
        }
        String prefix = command.getCommandSpec().qualifiedName() + ": ";     // "phi4j report run: ", not "phi4j run: "
        if (failure instanceof ConfigException) {
            command.getErr().println(prefix + "config error: " + failure.getMessage());
            return ExitCodes.USAGE;
        }
        if (failure instanceof IllegalArgumentException) {
            command.getErr().println(prefix + failure.getMessage());
            return ExitCodes.USAGE;
        }
        command.getErr().println(prefix + "failed: " + failure + (debug ? "" : " (PHI4J_DEBUG=1 for the stack trace)"));
        return ExitCodes.FAILED;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            Properties properties = new Properties();
            try (InputStream in = Phi4j.class.getResourceAsStream("/phi4j-version.properties")) {
                properties.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new String[] {"phi4j " + properties.getProperty("version"),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}

package dev.phi4j.pipeline;

import dev.phi4j.core.config.ConfigException;
import picocli.CommandLine;

/**
 * Entry point of the shaded pipeline jar under spark-submit:
 * {@code spark-submit --class dev.phi4j.pipeline.PipelineMain phi4j-pipeline-spark.jar run CONFIG}.
 */
public final class PipelineMain {

    private PipelineMain() {}

    public static void main(String[] args) {
        CommandLine command = new CommandLine(new PipelineCommand());
        command.setExecutionExceptionHandler((failure, cmd, parsed) -> {
            if (System.getenv("PHI4J_DEBUG") != null) {
                failure.printStackTrace();
            }
            boolean usage = failure instanceof ConfigException || failure instanceof IllegalArgumentException;
            cmd.getErr().println("phi4j pipeline: " + (failure instanceof ConfigException ? "config error: " : "")
                    + (usage ? failure.getMessage() : "failed: " + failure));
            return usage ? 2 : 1;
        });
        System.exit(command.execute(args));
    }
}

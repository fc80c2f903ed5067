package dev.phi4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * A subcommand whose capability has not landed yet: it has a real description and {@code --help},
 * and running it says so in one line and exits {@link ExitCodes#NOT_AVAILABLE}.
 */
@Command(mixinStandardHelpOptions = true)
final class PendingCommand implements Callable<Integer> {

    private final String name;
    private final String landsWith;

    @Unmatched
    List<String> ignoredArguments;

    private PendingCommand(String name, String landsWith) {
        this.name = name;
        this.landsWith = landsWith;
    }

    static CommandLine create(String name, String description, String landsWith) {
        CommandLine command = new CommandLine(new PendingCommand(name, landsWith));
        command.getCommandSpec().name(name);
        command.getCommandSpec().usageMessage().description(description, "Not available yet: lands with " + landsWith + ".");
        return command;
    }

    @Override
    public Integer call() {
        System.err.println("phi4j " + name + ": not available yet; lands with " + landsWith + ".");
        return ExitCodes.NOT_AVAILABLE;
    }
}

package dev.phi4j.pipeline.report;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code phi4j report RUN_DIR}: the dataset inspection report of a pipeline run and its mixture sets. The CLI adds
 * {@code phi4j report run RUN…}, the training run report, as a subcommand (the trainer's, which this module cannot
 * see); RUN_DIR is optional to picocli only so that the subcommand parses without one.
 */
@Command(name = "report", mixinStandardHelpOptions = true, description = {
        "Write the dataset inspection report of a run: one self-contained HTML file (opens offline) and a JSON",
        "summary, from the stage manifests and the mixture sets' manifests only. 'report run' writes the training",
        "run report instead (see phi4j report run --help).",
        "Example: phi4j report runs/sample   (writes runs/sample/report.html and runs/sample/report.json)"})
public final class ReportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "RUN_DIR",
            description = "a pipeline run folder (or a folder of mixture sets)")
    String runDir;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "the HTML file (default: RUN_DIR/report.html)")
    String output;

    @Option(names = "--json", paramLabel = "FILE", description = "the JSON summary (default: next to the HTML, .json)")
    String json;

    @Option(names = "--mixtures", paramLabel = "DIR",
            description = "also read mixture sets from this folder (when output_dir is outside the run; repeatable)")
    List<String> mixtures = new ArrayList<>();

    @Override
    public Integer call() {
        if (runDir == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required parameter: 'RUN_DIR' (a "
                    + "pipeline run folder; for a training run: phi4j report run RUN)");
        }
        Path run = new Path(runDir);
        Path html = new Path(output != null ? output : runDir + "/report.html");
        Path summary = new Path(json != null ? json : html.toString().replaceFirst("\\.html?$", "") + ".json");
        InspectionReport.Written written = InspectionReport.write(run, mixtures.stream().map(Path::new).toList(), html,
                summary, new Configuration());
        System.out.printf("phi4j report: %d stage(s), %d set(s), %d section(s), %d browsable record(s)%n",
                written.stages(), written.sets(), written.sections(), written.records());
        System.out.printf("      html  %s%n      json  %s%n", written.html(), written.json());
        return 0;
    }
}

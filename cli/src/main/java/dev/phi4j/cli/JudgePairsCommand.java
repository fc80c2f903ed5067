package dev.phi4j.cli;

import dev.phi4j.pipeline.judge.JudgePairs;
import dev.phi4j.pipeline.judge.JudgePairsConfig;
import dev.phi4j.pipeline.judge.JudgePairsSummary;
import dev.phi4j.pipeline.teacher.TeacherConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "judge-pairs", mixinStandardHelpOptions = true, description = {
        "Judge-guided DPO pairs (Phi-4 report §4.2, round 2): every prompt is answered by each panel endpoint, a judge "
                + "endpoint lists each answer's faults and scores it 1–5 for accuracy, style and detail; chosen = the "
                + "highest accuracy (highest mean on a tie), rejected = the lowest; pairs under `margin` are dropped "
                + "with the reason.",
        "Writes OUTPUT_DIR/pairs.jsonl (list it under a mixture's `kind: dpo` set), judgements.jsonl (every "
                + "response's scores and faults) and summary.json (in = kept + dropped). Answers are cached, so a "
                + "re-run asks no endpoint twice.",
        "Example: phi4j judge-pairs configs/judge-pairs.yaml --set margin=2"})
final class JudgePairsCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CONFIG", description = "judge-pairs YAML, e.g. configs/judge-pairs.yaml")
    Path file;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override one key, e.g. --set limit=10 "
            + "(repeatable)")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        JudgePairsConfig config = JudgePairsConfig.load(file, overrides).config();
        JudgePairs judging;
        try {
            judging = new JudgePairs(config);
        } catch (IllegalStateException e) {
            // An unset api_key_env: the user's setup to fix (exit 2), not a failure of the run.
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        System.out.printf("phi4j judge-pairs: %,d prompt(s) from %s; panel %s, judge %s, margin %s%n",
                judging.prompts(), config.prompts(), config.panel().stream().map(TeacherConfig::name).toList(),
                config.judge().name(), BigDecimal.valueOf(config.margin()).stripTrailingZeros().toPlainString());
        Progress progress = new Progress("prompts", judging.prompts());
        JudgePairsSummary summary;
        try {
            summary = judging.run(progress);
        } finally {
            progress.finish();
        }
        summary.lines().forEach(line -> System.out.println("      " + line));
        System.out.printf("phi4j judge-pairs: wrote %s (pairs), %s, %s%n",
                judging.outputDir().resolve(JudgePairs.PAIRS), judging.outputDir().resolve(JudgePairs.JUDGEMENTS),
                judging.outputDir().resolve(JudgePairs.SUMMARY));
        return summary.accountedFor() ? ExitCodes.OK : ExitCodes.FAILED;
    }
}

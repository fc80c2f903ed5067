package dev.phi4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.phi4j.trainer.checkpoint.ModelCheckpoint;
import dev.phi4j.trainer.eval.CheckpointScoring;
import dev.phi4j.trainer.eval.CodeGeneration;
import dev.phi4j.trainer.eval.Comparison;
import dev.phi4j.trainer.eval.Completer;
import dev.phi4j.trainer.eval.Contamination;
import dev.phi4j.trainer.eval.HeldOutPerplexity;
import dev.phi4j.trainer.eval.HumanEvalTask;
import dev.phi4j.trainer.eval.LongContextResults;
import dev.phi4j.trainer.eval.MathAnswers;
import dev.phi4j.trainer.eval.MathExactMatch;
import dev.phi4j.trainer.eval.MathProblems;
import dev.phi4j.trainer.eval.ModelCompleter;
import dev.phi4j.trainer.eval.MultipleChoice;
import dev.phi4j.trainer.eval.MultipleChoiceItems;
import dev.phi4j.trainer.eval.Passkey;
import dev.phi4j.trainer.eval.PositionPerplexity;
import dev.phi4j.trainer.eval.RunReport;
import dev.phi4j.trainer.eval.ScoringModel;
import dev.phi4j.trainer.eval.TaskResult;
import dev.phi4j.trainer.generate.DecodeLoop;
import dev.phi4j.trainer.generate.Generator;
import dev.phi4j.trainer.generate.KvCacheModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;
import java.util.stream.Stream;

@Command(name = "eval", mixinStandardHelpOptions = true, description = {
        "Evaluate checkpoints or an OpenAI-compatible endpoint on the tasks of --tasks:",
        "  ppl: perplexity and bits per byte of a held-out text (--ppl-text);",
        "  mc: multiple choice by log-likelihood, acc and acc_norm (--mc-file, JSONL or CSV, --mc-fields);",
        "  math: GSM8K-style exact match: each problem of --math-file asked as a ChatML user turn (after --shots solved "
                + "examples), --samples answers each, final answers read with each of --extractions, scored by mean "
                + "and majority vote;",
        "  humaneval: each problem's signature and docstring asked in a user turn, the answer's code run as prompt + "
                + "completion + tests + check(entry_point) in the sandbox (--code-timeout); pass@k for each --k;",
        "  passkey: retrieval of a number hidden at depths 5%%, 50%%, 95%% of a long filler text, greedy, exact match; "
                + "position-ppl: perplexity by position bucket over windows of a long text; both at lengths beyond "
                + "the trained context as well (RoPE extended as the checkpoint has it).",
        "Each task's results, with a record per item, go to TASK.json (--output). With --contamination, math, "
                + "humaneval and mc items get their status from a pipeline run's decontamination and every score "
                + "is also given on the clean items. Several checkpoints (or --baseline) make a comparison table in "
                + "the last run's report.md.",
        "Example: phi4j eval --checkpoint runs/tiny-midtrain --tasks passkey,position-ppl --lengths 128,256,512",
        "         phi4j eval --checkpoint runs/tiny,runs/tiny-arith-sft,runs/tiny-arith-dpo --tasks ppl,mc,math",
        "         phi4j eval --checkpoint runs/tiny --tasks math,humaneval --contamination runs/sample "
                + "--math-file datasets/sample/benchmarks/arith-test.jsonl",
        "         phi4j eval --endpoint http://127.0.0.1:8000/v1 --tasks ppl,mc,math,humaneval"})
final class EvalCommand implements Callable<Integer> {

    private static final List<String> TASKS = List.of("passkey", "position-ppl", "ppl", "mc", "math", "humaneval");
    private static final List<String> LONG_CONTEXT_TASKS = List.of("passkey", "position-ppl");
    private static final int SEQUENCES_PER_FORWARD = 8;

    @Option(names = "--checkpoint", paramLabel = "DIR", split = ",",
            description = "a run directory, its checkpoints/ directory or one checkpoint folder (model.json); several, "
                    + "comma-separated, are compared in a table in the last one's run report (e.g. pretrain, midtrain, "
                    + "SFT, DPO)")
    List<Path> checkpoints;

    @Option(names = "--endpoint", paramLabel = "URL", description = "instead of a checkpoint, an OpenAI-compatible "
            + "endpoint (e.g. http://127.0.0.1:8000/v1 of phi4j serve); the likelihood tasks need vLLM's /tokenize and "
            + "/detokenize and echoed prompt log-probabilities, as phi4j serve and vLLM have them")
    String endpoint;

    @Option(names = "--model", defaultValue = "phi4j", description = "with --endpoint: the model name sent "
            + "(default: ${DEFAULT-VALUE})")
    String endpointModel;

    @Option(names = "--baseline", paramLabel = "DIR",
            description = "the model before the phase (e.g. the pretrained one): evaluated first, a column of the "
                    + "comparison table, and the long-context before/after table written into the run report "
                    + "(RUN/report.md)")
    Path baseline;

    @Option(names = "--tasks", split = ",", defaultValue = "passkey,position-ppl",
            description = "tasks to run: ppl, mc, math, humaneval, passkey, position-ppl (default: ${DEFAULT-VALUE})")
    List<String> tasks;

    @Option(names = "--lengths", split = ",", paramLabel = "TOKENS",
            description = "sequence lengths to evaluate at; default: 1×, 2× and 4× the checkpoint's context")
    List<Integer> lengths;

    @Option(names = "--depths", split = ",", defaultValue = "0.05,0.5,0.95",
            description = "passkey: where the needle sits, as a fraction of the filler (default: ${DEFAULT-VALUE})")
    List<Double> depths;

    @Option(names = "--trials", defaultValue = "5", description = "passkey: keys per length and depth (default: ${DEFAULT-VALUE})")
    int trials;

    @Option(names = "--text", defaultValue = "datasets/sample/books", paramLabel = "PATH",
            description = "position-ppl: a long text, or a folder whose .txt files are read in name order "
                    + "(default: ${DEFAULT-VALUE})")
    Path text;

    @Option(names = "--windows", defaultValue = "8", description = "position-ppl: windows per length at most (default: ${DEFAULT-VALUE})")
    int windows;

    @Option(names = "--buckets", defaultValue = "4", description = "position-ppl: position buckets (default: ${DEFAULT-VALUE})")
    int buckets;

    @Option(names = "--seed", defaultValue = "1234",
            description = "seed of the passkey keys and of math and humaneval samples (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--math-file", defaultValue = "datasets/arith/test.jsonl", paramLabel = "JSONL",
            description = "math: problems {\"question\", \"answer\": \"…#### n\"} (default: ${DEFAULT-VALUE})")
    Path mathFile;

    @Option(names = "--extractions", split = ",", defaultValue = "strict,flexible",
            description = "math: how final answers are read, each scored: strict (after ####), flexible (the last "
                    + "number), boxed (default: ${DEFAULT-VALUE})")
    List<MathAnswers.Extraction> extractions;

    @Option(names = "--samples", defaultValue = "1", description = "math, humaneval: samples per problem; math scores "
            + "their mean and majority vote, humaneval pass@k (default: ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--temperature", defaultValue = "0", description = "math, humaneval: 0 is greedy; simple-evals samples at "
            + "0.5 (default: ${DEFAULT-VALUE})")
    double temperature;

    @Option(names = "--shots", defaultValue = "0", description = "math: solved examples before each question, the "
            + "first of --few-shot-file (default: ${DEFAULT-VALUE})")
    int shots;

    @Option(names = "--few-shot-file", defaultValue = "datasets/arith/train.jsonl", paramLabel = "JSONL",
            description = "math: where the solved examples come from, never the scored file (default: ${DEFAULT-VALUE})")
    Path fewShotFile;

    @Option(names = "--limit", defaultValue = "0", description = "math, humaneval, mc: the first N items; 0: all "
            + "(default: ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--max-new-tokens", defaultValue = "96", description = "math, humaneval: answer length at most (default: ${DEFAULT-VALUE})")
    int maxNewTokens;

    @Option(names = "--ppl-text", defaultValue = "datasets/sample/books", paramLabel = "PATH",
            description = "ppl: held-out text, or a folder whose .txt files are read in name order; perplexity and "
                    + "bits per byte over windows of the model's context. The default is in the tiny runs' training "
                    + "data: pass a text the model has not seen (default: ${DEFAULT-VALUE})")
    Path pplText;

    @Option(names = "--mc-file", defaultValue = "datasets/eval/mc-sample.jsonl", paramLabel = "JSONL|CSV",
            description = "mc: multiple-choice items, each choice scored as \" \" + choice after the context "
                    + "(default: ${DEFAULT-VALUE})")
    Path mcFile;

    @Option(names = "--mc-fields", split = ",", defaultValue = "question,choices,answer", paramLabel = "FIELDS",
            description = "mc: context field, choices (one field holding a list, or several columns joined by '+', "
                    + "e.g. A+B+C+D), gold field (default: ${DEFAULT-VALUE})")
    List<String> mcFields;

    @Option(names = "--mc-gold", defaultValue = "letter", description = "mc: the gold is a letter or a 0-based index "
            + "(default: ${DEFAULT-VALUE})")
    MultipleChoiceItems.GoldFormat mcGold;

    @Option(names = "--humaneval-file", defaultValue = "datasets/sample/benchmarks/pyfunc-test.jsonl.gz",
            paramLabel = "JSONL", description = "humaneval: problems in HumanEval's format, e.g. "
            + "../shared/datasets/humaneval/HumanEval.jsonl.gz (default: ${DEFAULT-VALUE})")
    Path humanEvalFile;

    @Option(names = "--k", split = ",", defaultValue = "1", description = "humaneval: pass@k for each k ≤ --samples "
            + "(default: ${DEFAULT-VALUE})")
    List<Integer> ks;

    @Option(names = "--code-timeout", defaultValue = "10", description = "humaneval: seconds a program may run "
            + "(default: ${DEFAULT-VALUE})")
    double codeTimeout;

    @Option(names = "--output", paramLabel = "DIR", description = "where TASK.json (per-item records) and "
            + "summary.json go; default: each checkpoint's RUN/eval/, for an endpoint runs/eval-endpoint/; with several "
            + "checkpoints, one folder each under DIR")
    Path output;

    @Option(names = "--contamination", paramLabel = "PIPELINE_RUN", description = "a pipeline run (or its decontam "
            + "stage folder) whose decontamination statuses the items of math, humaneval and mc get: scores are "
            + "reported overall and on clean items")
    Path contamination;

    @Option(names = "--contamination-benchmark", split = ",", paramLabel = "TASK=NAME", description = "the benchmark "
            + "of the pipeline run a task's file is, where the paths differ, e.g. math=gsm8k")
    Map<String, String> contaminationBenchmarks = new LinkedHashMap<>();

    /**
     * A model to evaluate, known before it is loaded (only one checkpoint is in memory at a time): a checkpoint, by
     * the header of its model.json, or an endpoint.
     */
    private record Subject(String label, String name, Optional<ModelCheckpoint.Header> checkpoint) {}

    /**
     * A subject ready to answer: the generative tasks through {@code completer}, the likelihood ones through
     * {@code scoring} (for a checkpoint, sized to the longest sequence asked for).
     */
    private record Opened(Subject subject, Completer completer, IntFunction<ScoringModel> scoring) {

        String name() {
            return subject.name();
        }
    }

    /** The long-context tasks' results on one subject and the seconds each took. */
    private record LongContextRun(List<Integer> lengths, LongContextResults results, double passkeySeconds,
                                  double positionSeconds) {}

    @Override
    public Integer call() throws IOException {
        for (String task : tasks) {
            if (!TASKS.contains(task)) {
                throw new IllegalArgumentException("--tasks: unknown task '" + task + "'; available: " + TASKS);
            }
        }
        for (String task : contaminationBenchmarks.keySet()) {
            if (!List.of("math", "humaneval", "mc").contains(task)) {
                throw new IllegalArgumentException("--contamination-benchmark: '" + task + "' is not a task with "
                        + "benchmark items (math, humaneval, mc)");
            }
        }
        if ((checkpoints == null) == (endpoint == null)) {
            throw new IllegalArgumentException("give --checkpoint DIR or --endpoint URL (one of them)");
        }
        if (endpoint != null && baseline != null) {
            throw new IllegalArgumentException("--baseline needs --checkpoint: it is a checkpoint evaluated before it");
        }
        Optional<Contamination> statuses = contamination == null ? Optional.empty()
                : Optional.of(Contamination.read(contamination));
        List<Subject> subjects = subjects();
        List<Comparison.Column> columns = new ArrayList<>();
        List<LongContextRun> longContext = new ArrayList<>();
        for (Subject described : subjects) {
            System.err.println("phi4j eval: " + described.name() + described.checkpoint().map(c -> " (" + describe(c)
                    + ")").orElse(""));
            Opened subject = open(described);
            List<TaskResult> results = new ArrayList<>();
            for (String task : tasks) {
                switch (task) {
                    case "ppl" -> results.add(perplexity(subject));
                    case "mc" -> results.add(multipleChoice(subject, statuses));
                    case "math" -> results.add(math(subject, statuses));
                    case "humaneval" -> results.add(humanEval(subject, statuses));
                    default -> { }
                }
            }
            if (tasks.stream().anyMatch(LONG_CONTEXT_TASKS::contains)) {
                LongContextRun evaluated = evaluateLongContext(subject);
                longContext.add(evaluated);
                results.addAll(longContextResults(subject, evaluated));
            }
            results.forEach(EvalCommand::print);
            write(outputFolder(described, subjects.size()), results);
            columns.add(new Comparison.Column(described.label(), results));
        }
        if (subjects.size() > 1) {
            String table = Comparison.table(columns);
            System.out.print("\n" + table);
            Path runDirectory = RunReport.runDirectory(subjects.get(subjects.size() - 1).checkpoint().orElseThrow()
                    .directory());
            Path report = RunReport.writeSection(runDirectory, "Evaluation across checkpoints", comparisonSection(
                    subjects) + table);
            System.err.println("      report  " + report);
        }
        if (baseline != null && tasks.stream().anyMatch(LONG_CONTEXT_TASKS::contains)) {
            writeLongContextReport(subjects.get(0), subjects.get(subjects.size() - 1), longContext.get(0),
                    longContext.get(longContext.size() - 1));
        }
        return ExitCodes.OK;
    }

    private List<Subject> subjects() {
        if (endpoint != null) {
            return List.of(new Subject(endpoint, endpoint + " (" + endpointModel + ")", Optional.empty()));
        }
        List<Path> folders = new ArrayList<>();
        if (baseline != null) {
            folders.add(baseline);
        }
        folders.addAll(checkpoints);
        List<Subject> subjects = new ArrayList<>();
        for (Path folder : folders) {
            ModelCheckpoint.Header header = ModelCheckpoint.header(folder);
            String run = RunReport.runDirectory(header.directory()).getFileName().toString();
            String label = subjects.stream().anyMatch(s -> s.label().equals(run))
                    ? run + "/" + header.directory().getFileName() : run;
            subjects.add(new Subject(label, header.directory().toString(), Optional.of(header)));
        }
        return subjects;
    }

    private Opened open(Subject subject) {
        if (subject.checkpoint().isEmpty()) {
            EndpointScoring scoring = new EndpointScoring(endpoint, endpointModel);
            return new Opened(subject, new EndpointCompleter(endpoint, endpointModel), length -> scoring);
        }
        ModelCheckpoint checkpoint = ModelCheckpoint.load(subject.checkpoint().get().directory());
        int context = checkpoint.model().contextLength();
        Generator generator = new Generator(new KvCacheModel(checkpoint.net(), context), checkpoint.tokenizer(),
                new DecodeLoop.Limits(64, 4096));
        return new Opened(subject, new ModelCompleter(generator, subject.name()), length -> new CheckpointScoring(
                new KvCacheModel(checkpoint.net(), Math.max(context, length)), checkpoint.tokenizer(), subject.name(),
                SEQUENCES_PER_FORWARD));
    }

    private Path outputFolder(Subject subject, int subjects) {
        if (output != null) {
            return subjects == 1 ? output : output.resolve(subject.label().replace('/', '-'));
        }
        return subject.checkpoint().map(c -> RunReport.runDirectory(c.directory()).resolve("eval"))
                .orElse(Path.of("runs", "eval-endpoint"));
    }

    private static void write(Path folder, List<TaskResult> results) throws IOException {
        Files.createDirectories(folder);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Map<String, Object> summary = new LinkedHashMap<>();
        for (TaskResult result : results) {
            json.writeValue(folder.resolve(result.task() + ".json").toFile(), result.json());
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("metrics", result.metrics());
            if (!result.contamination().isEmpty()) {
                entry.put("clean_metrics", result.cleanMetrics());
                entry.put("contamination", result.contamination());
            }
            entry.put("items", result.items());
            entry.put("items_per_s", result.itemsPerSecond());
            summary.put(result.task(), entry);
        }
        json.writeValue(folder.resolve("summary.json").toFile(), summary);
        System.err.println("      json  " + folder + "/{" + String.join(",", results.stream().map(TaskResult::task)
                .toList()) + ",summary}.json");
    }

    /** One line per task: its metrics, on clean items too, and the speed. */
    private static void print(TaskResult result) {
        StringBuilder line = new StringBuilder(result.task() + " " + result.model() + ":");
        result.metrics().forEach((metric, value) -> line.append(String.format(Locale.ROOT, " %s %.4f", metric, value)));
        if (!result.contamination().isEmpty()) {
            line.append(" | clean (").append(result.contamination().get(Contamination.Status.CLEAN.label()))
                    .append(" of ").append(result.items()).append("):");
            result.cleanMetrics().forEach((metric, value) -> line.append(String.format(Locale.ROOT, " %s %.4f",
                    metric, value)));
        }
        line.append(String.format(Locale.ROOT, "; %d items, %.1f items/s", result.items(), result.itemsPerSecond()));
        System.out.println(line);
    }

    private Optional<Contamination.Benchmark> benchmark(Optional<Contamination> statuses, String task, Path file,
                                                        int items) {
        return statuses.map(s -> s.forFile(file, Optional.ofNullable(contaminationBenchmarks.get(task)), items));
    }

    private <T> List<T> limited(List<T> items) {
        return limit > 0 && limit < items.size() ? items.subList(0, limit) : items;
    }

    private TaskResult math(Opened subject, Optional<Contamination> statuses) throws IOException {
        List<MathProblems.Problem> all = MathProblems.read(mathFile, "question", "answer", 0);
        List<MathProblems.Problem> solved = shots == 0 ? List.of()
                : MathProblems.read(fewShotFile, "question", "answer", shots);
        MathExactMatch.Result result = MathExactMatch.run(subject.completer(), limited(all), solved, shots, extractions,
                new Completer.Request(temperature, maxNewTokens, samples, seed));
        return result.report(subject.name(), benchmark(statuses, "math", mathFile, all.size()));
    }

    private TaskResult humanEval(Opened subject, Optional<Contamination> statuses) throws IOException {
        List<HumanEvalTask.Problem> all = HumanEvalTask.read(humanEvalFile);
        List<HumanEvalTask.Problem> problems = limited(all);
        HumanEvalTask task = new HumanEvalTask(HumanEvalTask.limits(codeTimeout),
                Runtime.getRuntime().availableProcessors());
        CodeGeneration.Result result = CodeGeneration.run(subject.completer(), task, problems,
                new Completer.Request(temperature, maxNewTokens, samples, seed), ks);
        return result.report(subject.name(), problems, ks, benchmark(statuses, "humaneval", humanEvalFile, all.size()));
    }

    private TaskResult multipleChoice(Opened subject, Optional<Contamination> statuses) throws IOException {
        if (mcFields.size() != 3) {
            throw new IllegalArgumentException("--mc-fields: context,choices,gold (three names), got " + mcFields);
        }
        List<MultipleChoice.Item> all = MultipleChoiceItems.read(mcFile, new MultipleChoiceItems.FieldMapping(
                mcFields.get(0), List.of(mcFields.get(1).split("\\+")), mcFields.get(2), mcGold));
        ScoringModel scoring = subject.scoring().apply(0);
        MultipleChoice.Result result = MultipleChoice.run(MultipleChoice.model(scoring), limited(all));
        return result.report(subject.name(), benchmark(statuses, "mc", mcFile, all.size()));
    }

    private TaskResult perplexity(Opened subject) throws IOException {
        ScoringModel scoring = subject.scoring().apply(0);
        HeldOutPerplexity.Result r = HeldOutPerplexity.run(scoring, readText(pplText, "--ppl-text"),
                scoring.maxLength(), SEQUENCES_PER_FORWARD);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("bits_per_byte", r.bitsPerByte());
        metrics.put("perplexity", r.perplexity());
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("text", pplText.toString());
        settings.put("tokens", r.tokens());
        settings.put("bytes", r.bytes());
        settings.put("windows", r.windows());
        settings.put("window_tokens", scoring.maxLength());
        settings.put("tokens_per_s", r.tokens() / r.seconds());
        return new TaskResult("ppl", subject.name(), metrics, Map.of(), Map.of(), r.windows(), r.seconds(), settings,
                List.of());
    }

    private String comparisonSection(List<Subject> subjects) {
        StringBuilder section = new StringBuilder();
        subjects.forEach(s -> section.append("- ").append(s.label()).append(": `").append(s.name()).append("`\n"));
        String sampling = (temperature == 0 ? "greedy" : "temperature " + temperature) + ", " + samples
                + " sample(s)";
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("math", "`" + mathFile + "`, " + sampling + ", " + shots + "-shot");
        settings.put("humaneval", "`" + humanEvalFile + "`, " + sampling);
        settings.put("mc", "`" + mcFile + "`");
        settings.put("ppl", "`" + pplText + "`");
        settings.put("passkey", trials + " keys per length and depth");
        settings.put("position-ppl", "`" + text + "`");
        tasks.forEach(task -> section.append("- ").append(task).append(": ").append(settings.get(task)).append('\n'));
        if (limit > 0) {
            section.append("- the first ").append(limit).append(" items of each file\n");
        }
        if (contamination != null) {
            section.append("- decontamination statuses from the pipeline run `").append(contamination).append("`\n");
        }
        return section.append('\n').toString();
    }

    /**
     * The lengths of the long-context tasks: as given; else 1×, 2×, 4× the context of the first checkpoint (the same
     * for every one compared), or the most an endpoint reads.
     */
    private List<Integer> lengths(Opened subject) {
        if (lengths != null) {
            return lengths;
        }
        if (subject.subject().checkpoint().isEmpty()) {
            return List.of(subject.scoring().apply(0).maxLength());
        }
        int context = ModelCheckpoint.header(baseline != null ? baseline : checkpoints.get(0)).model().contextLength();
        return List.of(context, 2 * context, 4 * context);
    }

    private LongContextRun evaluateLongContext(Opened subject) throws IOException {
        List<Integer> evaluated = lengths(subject);
        int longest = evaluated.stream().mapToInt(Integer::intValue).max().orElseThrow();
        ScoringModel model = subject.scoring().apply(longest);
        List<Passkey.Result> passkey = List.of();
        double passkeySeconds = 0;
        if (tasks.contains("passkey")) {
            long start = System.nanoTime();
            int shortest = Passkey.minimumLength(model::encode);
            List<Integer> fitting = evaluated.stream().filter(length -> length >= shortest
                    && length - 1 <= model.maxLength()).toList();
            if (fitting.size() < evaluated.size()) {
                System.err.printf(Locale.ROOT, "      passkey: lengths outside %d..%d skipped: the preamble, needle, "
                        + "question and answer alone take %d tokens, and %s reads %d%n", shortest,
                        model.maxLength() + 1, shortest, model.name(), model.maxLength());
            }
            passkey = Passkey.run(model, fitting, depths, trials, seed);
            System.out.print(passkeyTable(passkey));
            passkeySeconds = (System.nanoTime() - start) / 1e9;
        }
        List<PositionPerplexity.Bucket> buckets = new ArrayList<>();
        long start = System.nanoTime();
        if (tasks.contains("position-ppl")) {
            int[] tokens = model.encode(readText(text, "--text"));
            for (int length : evaluated) {
                if (length > model.maxLength()) {
                    System.err.printf(Locale.ROOT, "      position-ppl: length %d skipped: %s reads %d%n", length,
                            model.name(), model.maxLength());
                    continue;
                }
                buckets.addAll(PositionPerplexity.run(model, tokens, length, windows, this.buckets));
            }
            System.out.print(perplexityTable(buckets));
        }
        return new LongContextRun(evaluated, new LongContextResults(passkey, buckets), passkeySeconds,
                (System.nanoTime() - start) / 1e9);
    }

    /**
     * Passkey accuracy and perplexity by length as task results, cells and buckets as their records; a task no length
     * fitted is left out (the reason was printed).
     */
    private List<TaskResult> longContextResults(Opened subject, LongContextRun run) {
        LongContextResults results = run.results();
        List<TaskResult> out = new ArrayList<>();
        List<Integer> measured = results.passkey().stream().map(Passkey.Result::length).distinct().toList();
        if (tasks.contains("passkey") && !results.passkey().isEmpty()) {
            Map<String, Double> metrics = new LinkedHashMap<>();
            measured.forEach(length -> metrics.put("accuracy@" + length, results.passkeyAccuracy(length)));
            List<Map<String, Object>> cells = results.passkey().stream().map(r -> Map.<String, Object>of("length",
                    r.length(), "depth", r.depth(), "trials", r.trials(), "correct", r.correct(), "accuracy",
                    r.accuracy())).toList();
            out.add(new TaskResult("passkey", subject.name(), metrics, Map.of(), Map.of(), results.passkey().size()
                    * trials, run.passkeySeconds(), Map.of("depths", depths, "trials", trials, "seed", seed), cells));
        }
        if (tasks.contains("position-ppl") && !results.positions().isEmpty()) {
            Map<String, Double> metrics = new LinkedHashMap<>();
            results.positions().stream().map(PositionPerplexity.Bucket::length).distinct().forEach(length -> {
                metrics.put("ppl@" + length, results.perplexity(length));
                metrics.put("last_bucket_ppl@" + length, results.lastBucketPerplexity(length));
            });
            List<Map<String, Object>> records = results.positions().stream().map(b -> Map.<String, Object>of(
                    "length", b.length(), "from", b.from(), "to", b.to(), "predictions", b.predictions(), "mean_nll",
                    b.meanNll(), "perplexity", b.perplexity())).toList();
            int windowsRead = results.positions().stream().filter(b -> b.from() == 0)
                    .mapToInt(b -> (int) (b.predictions() / (b.to() - b.from()))).sum();
            out.add(new TaskResult("position-ppl", subject.name(), metrics, Map.of(), Map.of(), windowsRead,
                    run.positionSeconds(),
                    Map.of("text", text.toString(), "windows", windows, "buckets", buckets), records));
        }
        return out;
    }

    private void writeLongContextReport(Subject before, Subject after, LongContextRun beforeRun,
                                        LongContextRun afterRun) throws IOException {
        String table = LongContextResults.beforeAfterTable(beforeRun.results(), afterRun.results(), afterRun.lengths());
        System.out.print("\nbefore → after\n" + table);
        // One section per evaluation text, so that in- and out-of-distribution texts can stand side by side.
        String heading = "Long-context evaluation" + (tasks.contains("position-ppl")
                ? " (" + text.toAbsolutePath().normalize().getFileName() + ")" : "");
        ModelCheckpoint.Header afterCheckpoint = after.checkpoint().orElseThrow();
        Path report = RunReport.writeSection(RunReport.runDirectory(afterCheckpoint.directory()), heading,
                reportSection(before.checkpoint().orElseThrow(), afterCheckpoint, table));
        System.err.println("      report  " + report);
    }


    private static String readText(Path path, String option) throws IOException {
        if (!Files.exists(path)) {
            throw new IllegalArgumentException(option + ": no such file or folder " + path.toAbsolutePath());
        }
        if (!Files.isDirectory(path)) {
            return Files.readString(path);
        }
        StringBuilder text = new StringBuilder();
        try (Stream<Path> files = Files.list(path)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".txt")).sorted().toList()) {
                text.append(Files.readString(file)).append("\n\n");
            }
        }
        if (text.isEmpty()) {
            throw new IllegalArgumentException(option + ": no .txt file in " + path);
        }
        return text.toString();
    }

    private String passkeyTable(List<Passkey.Result> results) {
        StringBuilder out = new StringBuilder("passkey retrieval (greedy, exact match, " + trials + " keys a cell)\n");
        out.append(String.format(Locale.ROOT, "%8s", "length"));
        depths.forEach(depth -> out.append(String.format(Locale.ROOT, " %10s", "depth " + Math.round(depth * 100) + "%")));
        out.append('\n');
        int perLength = depths.size();
        for (int i = 0; i < results.size(); i += perLength) {
            out.append(String.format(Locale.ROOT, "%8d", results.get(i).length()));
            for (int j = 0; j < perLength; j++) {
                Passkey.Result r = results.get(i + j);
                out.append(String.format(Locale.ROOT, " %10s", r.correct() + "/" + r.trials()));
            }
            out.append('\n');
        }
        return out.toString();
    }

    private String perplexityTable(List<PositionPerplexity.Bucket> buckets) {
        StringBuilder out = new StringBuilder("perplexity by position (" + text + ")\n");
        int length = -1;
        for (PositionPerplexity.Bucket bucket : buckets) {
            if (bucket.length() != length) {
                length = bucket.length();
                out.append(String.format(Locale.ROOT, "%8d", length));
            }
            out.append(String.format(Locale.ROOT, "  [%d, %d) %.2f", bucket.from(), bucket.to(), bucket.perplexity()));
            if (bucket.to() == bucket.length()) {
                out.append('\n');
            }
        }
        return out.toString();
    }

    private static String describe(ModelCheckpoint.Header checkpoint) {
        return String.format(Locale.ROOT, "context %d, θ %s, RoPE scaling %s", checkpoint.model().contextLength(),
                checkpoint.model().ropeTheta(), checkpoint.model().ropeScaling().kind().name().toLowerCase(Locale.ROOT));
    }

    private String reportSection(ModelCheckpoint.Header before, ModelCheckpoint.Header after, String table) {
        StringBuilder section = new StringBuilder();
        section.append(String.format(Locale.ROOT, "- before: `%s` (%s)%n- after: `%s` (%s)%n", before.directory(),
                describe(before), after.directory(), describe(after)));
        if (tasks.contains("passkey")) {
            section.append(String.format(Locale.ROOT, "- passkey: %d keys per length and depth, depths %s, greedy, "
                    + "exact match, seed %d%n", trials, depths, seed));
        }
        if (tasks.contains("position-ppl")) {
            section.append(String.format(Locale.ROOT, "- perplexity: up to %d windows per length of `%s`, %d position "
                    + "buckets%n", windows, text, buckets));
        }
        return section.append('\n').append(table).toString();
    }}

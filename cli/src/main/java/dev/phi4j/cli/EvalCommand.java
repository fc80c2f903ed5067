package dev.phi4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.phi4j.trainer.checkpoint.ModelCheckpoint;
import dev.phi4j.trainer.eval.CodeGeneration;
import dev.phi4j.trainer.eval.Completer;
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
import dev.phi4j.trainer.generate.DecodeLoop;
import dev.phi4j.trainer.generate.Generator;
import dev.phi4j.trainer.generate.KvCacheModel;
import dev.phi4j.trainer.generate.LanguageModel;
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
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "eval", mixinStandardHelpOptions = true, description = {
        "Evaluate a checkpoint or an endpoint. Tasks: passkey (retrieval of a number hidden at depths 5%%, 50%%, 95%% of a long filler "
                + "text, greedy, exact match) and position-ppl (perplexity by position bucket over windows of a long "
                + "text), at lengths beyond the context the model was trained at as well (RoPE extended as it is).",
        "With --baseline (the checkpoint a phase started from), both are evaluated at the same lengths (default 1×, 2×, "
                + "4× the baseline's context) and a before/after table goes to the run's report.md.",
        "Task math: GSM8K-style exact match: each problem of --math-file asked as a ChatML user turn (after --shots "
                + "solved examples), --samples answers each, final answers read with each of --extractions, scored "
                + "by mean and majority vote.",
        "Task humaneval: each problem's signature and docstring asked in a user turn, the answer's code run as prompt + "
                + "completion + tests + check(entry_point) in the sandbox (--code-timeout); pass@k for each --k.",
        "math and humaneval also run against an OpenAI-compatible --endpoint (e.g. a running phi4j serve).",
        "Example: phi4j eval --checkpoint runs/tiny-midtrain --tasks passkey,position-ppl --lengths 128,256,512",
        "         phi4j eval --checkpoint runs/tiny-arith-dpo --baseline runs/tiny-arith-sft --tasks math",
        "         phi4j eval --checkpoint runs/tiny-midtrain --baseline runs/tiny"})
final class EvalCommand implements Callable<Integer> {

    private static final List<String> TASKS = List.of("passkey", "position-ppl", "ppl", "mc", "math", "humaneval");
    private static final List<String> LONG_CONTEXT_TASKS = List.of("passkey", "position-ppl");
    /** Tasks that read the model's log-probabilities, so a checkpoint's only. */
    private static final List<String> LIKELIHOOD_TASKS = List.of("passkey", "position-ppl", "ppl", "mc");

    @Option(names = "--checkpoint", paramLabel = "DIR",
            description = "a run directory, its checkpoints/ directory or one checkpoint folder (model.json)")
    Path checkpoint;

    @Option(names = "--endpoint", paramLabel = "URL", description = "instead of a checkpoint, an OpenAI-compatible "
            + "endpoint (e.g. http://127.0.0.1:8000/v1 of phi4j serve); generative tasks (math, humaneval) only")
    String endpoint;

    @Option(names = "--model", defaultValue = "phi4j", description = "with --endpoint: the model name sent "
            + "(default: ${DEFAULT-VALUE})")
    String endpointModel;

    @Option(names = "--baseline", paramLabel = "DIR",
            description = "the model before the phase (e.g. the pretrained one): evaluated too, and the before/after "
                    + "table written into the run report (RUN/report.md)")
    Path baseline;

    @Option(names = "--tasks", split = ",", defaultValue = "passkey,position-ppl",
            description = "tasks to run: passkey, position-ppl (default: ${DEFAULT-VALUE})")
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
            description = "seed of the passkey keys and of math samples (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--math-file", defaultValue = "datasets/arith/test.jsonl", paramLabel = "JSONL",
            description = "math: problems {\"question\", \"answer\": \"…#### n\"} (default: ${DEFAULT-VALUE})")
    Path mathFile;

    @Option(names = "--extractions", split = ",", defaultValue = "strict,flexible",
            description = "math: how final answers are read, each scored: strict (after ####), flexible (the last "
                    + "number), boxed (default: ${DEFAULT-VALUE})")
    List<MathAnswers.Extraction> extractions;

    @Option(names = "--samples", defaultValue = "1", description = "math: samples per problem, scored by their mean "
            + "and by majority vote (default: ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--temperature", defaultValue = "0", description = "math: 0 is greedy; simple-evals samples at "
            + "0.5 (default: ${DEFAULT-VALUE})")
    double temperature;

    @Option(names = "--shots", defaultValue = "0", description = "math: solved examples before each question, the "
            + "first of --few-shot-file (default: ${DEFAULT-VALUE})")
    int shots;

    @Option(names = "--few-shot-file", defaultValue = "datasets/arith/train.jsonl", paramLabel = "JSONL",
            description = "math: where the solved examples come from, never the scored file (default: ${DEFAULT-VALUE})")
    Path fewShotFile;

    @Option(names = "--limit", defaultValue = "0", description = "math: the first N problems; 0: all (default: ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--max-new-tokens", defaultValue = "96", description = "math: answer length at most (default: ${DEFAULT-VALUE})")
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

    @Option(names = "--output", paramLabel = "FILE", description = "also write the results as JSON")
    Path output;

    @Override
    public Integer call() throws IOException {
        for (String task : tasks) {
            if (!TASKS.contains(task)) {
                throw new IllegalArgumentException("--tasks: unknown task '" + task + "'; available: " + TASKS);
            }
        }
        if ((checkpoint == null) == (endpoint == null)) {
            throw new IllegalArgumentException("give --checkpoint DIR or --endpoint URL (one of them)");
        }
        Map<String, Object> results = new LinkedHashMap<>();
        if (endpoint != null) {
            List<String> local = tasks.stream().filter(LIKELIHOOD_TASKS::contains).toList();
            if (!local.isEmpty() || baseline != null) {
                throw new IllegalArgumentException("--endpoint: " + (baseline != null ? "--baseline needs a checkpoint"
                        : "tasks " + local + " read the model's logits; an endpoint runs math and humaneval"));
            }
            EndpointCompleter completer = new EndpointCompleter(endpoint, endpointModel);
            if (tasks.contains("math")) {
                results.put("math", mathJson(completer.name(), math(completer)));
            }
            if (tasks.contains("humaneval")) {
                results.put("humaneval", codeJson(completer.name(), code(completer)));
            }
            writeOutput(results);
            return ExitCodes.OK;
        }
        ModelCheckpoint loaded = ModelCheckpoint.load(checkpoint);
        ModelCheckpoint before = baseline == null ? null : ModelCheckpoint.load(baseline);
        if (tasks.contains("math")) {
            evaluateMath(loaded, before, results);
        }
        for (String task : List.of("ppl", "mc")) {
            if (tasks.contains(task)) {
                if (before != null) {
                    results.put(task + "_baseline", likelihood(task, before));
                }
                results.put(task, likelihood(task, loaded));
            }
        }
        if (tasks.contains("humaneval")) {
            if (before != null) {
                results.put("humaneval_baseline", codeJson(before.directory().toString(), code(completer(before))));
            }
            results.put("humaneval", codeJson(loaded.directory().toString(), code(completer(loaded))));
        }
        if (tasks.stream().anyMatch(LONG_CONTEXT_TASKS::contains)) {
            evaluateLongContext(loaded, before, results);
        }
        writeOutput(results);
        return ExitCodes.OK;
    }

    private void writeOutput(Map<String, Object> results) throws IOException {
        if (output != null) {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(output.toFile(), results);
            System.err.println("      json  " + output);
        }
    }

    /** Math exact match on one checkpoint, or on the baseline and the checkpoint with a before/after report section. */
    private void evaluateMath(ModelCheckpoint loaded, ModelCheckpoint before, Map<String, Object> results)
            throws IOException {
        MathExactMatch.Result beforeResult = null;
        if (before != null) {
            beforeResult = math(completer(before));
            results.put("math_baseline", mathJson(before.directory().toString(), beforeResult));
        }
        MathExactMatch.Result result = math(completer(loaded));
        results.put("math", mathJson(loaded.directory().toString(), result));
        if (before != null) {
            StringBuilder table = new StringBuilder("| model |");
            extractions.forEach(e -> table.append(" ").append(name(e)).append(samples == 1 ? " |" : " mean | "
                    + name(e) + " majority |"));
            table.append("\n|---|").append("---|".repeat(extractions.size() * (samples == 1 ? 1 : 2))).append('\n');
            table.append(row("before: `" + before.directory() + "`", beforeResult));
            table.append(row("after: `" + loaded.directory() + "`", result));
            Path report = RunReport.writeSection(RunReport.runDirectory(loaded.directory()), "Math exact match ("
                    + mathFile.getFileName() + ")", String.format(Locale.ROOT, "- %d problems of `%s`, %s, %d "
                    + "sample(s) each, %d-shot, at most %d new tokens%n%n", result.items().size(), mathFile,
                    temperature == 0 ? "greedy" : "temperature " + temperature, samples, shots, maxNewTokens) + table);
            System.err.println("      report  " + report);
        }
    }

    private String row(String model, MathExactMatch.Result result) {
        StringBuilder row = new StringBuilder("| " + model + " |");
        for (MathAnswers.Extraction extraction : extractions) {
            MathExactMatch.Score score = result.score(extraction);
            row.append(String.format(Locale.ROOT, " %.3f |", score.mean()));
            if (samples > 1) {
                row.append(String.format(Locale.ROOT, " %.3f |", score.majority()));
            }
        }
        return row.append('\n').toString();
    }

    private static String name(MathAnswers.Extraction extraction) {
        return extraction.name().toLowerCase(Locale.ROOT);
    }

    private static Completer completer(ModelCheckpoint checkpoint) {
        Generator generator = new Generator(new KvCacheModel(checkpoint.net(), checkpoint.model().contextLength()),
                checkpoint.tokenizer(), new DecodeLoop.Limits(64, 4096));
        return new ModelCompleter(generator, checkpoint.directory().toString());
    }

    private MathExactMatch.Result math(Completer completer) throws IOException {
        List<MathProblems.Problem> problems = MathProblems.read(mathFile, "question", "answer", limit);
        List<MathProblems.Problem> solved = shots == 0 ? List.of()
                : MathProblems.read(fewShotFile, "question", "answer", shots);
        MathExactMatch.Result result = MathExactMatch.run(completer, problems, solved, shots, extractions,
                new Completer.Request(temperature, maxNewTokens, samples, seed));
        StringBuilder scores = new StringBuilder();
        for (MathAnswers.Extraction extraction : extractions) {
            MathExactMatch.Score score = result.score(extraction);
            scores.append(String.format(Locale.ROOT, " %s %.3f", name(extraction), score.mean()));
            if (samples > 1) {
                scores.append(String.format(Locale.ROOT, " (majority %.3f)", score.majority()));
            }
        }
        System.out.printf(Locale.ROOT, "math exact match %s:%s on %d problems, %s, %d sample(s), %d-shot; %.1f "
                        + "items/s%n", completer.name(), scores, problems.size(),
                temperature == 0 ? "greedy" : "temperature " + temperature, samples, shots, result.itemsPerSecond());
        return result;
    }

    private Map<String, Object> mathJson(String model, MathExactMatch.Result result) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", model);
        json.put("exact_match", result.score(extractions.get(0)).mean());
        Map<String, Object> byExtraction = new LinkedHashMap<>();
        for (MathAnswers.Extraction extraction : extractions) {
            MathExactMatch.Score score = result.score(extraction);
            byExtraction.put(name(extraction), Map.of("mean", score.mean(), "majority", score.majority()));
        }
        json.put("extractions", byExtraction);
        json.put("items", result.items().size());
        json.put("samples", samples);
        json.put("temperature", temperature);
        json.put("shots", shots);
        json.put("items_per_s", result.itemsPerSecond());
        json.put("records", result.items().stream().map(item -> {
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("problem", item.problem().location());
            record.put("reference", item.problem().reference());
            record.put("outputs", item.outputs());
            Map<String, Object> read = new LinkedHashMap<>();
            item.extracted().forEach((extraction, answers) -> read.put(name(extraction), Map.of(
                    "answers", answers.stream().map(a -> a.orElse("")).toList(),
                    "correct", item.correct().get(extraction))));
            record.put("extracted", read);
            return record;
        }).toList());
        return json;
    }

    /** Perplexity and bits per byte ({@code ppl}) or multiple choice ({@code mc}) of one checkpoint, printed. */
    private Map<String, Object> likelihood(String task, ModelCheckpoint checkpoint) throws IOException {
        LanguageModel model = new KvCacheModel(checkpoint.net(), checkpoint.model().contextLength());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("checkpoint", checkpoint.directory().toString());
        if (task.equals("ppl")) {
            int context = checkpoint.model().contextLength();
            String heldOut = readText(pplText, "--ppl-text");
            HeldOutPerplexity.Result r = HeldOutPerplexity.run(model, checkpoint.tokenizer(), heldOut, context, 8);
            System.out.printf(Locale.ROOT, "ppl %s: perplexity %.3f, %.4f bits per byte over %,d tokens (%,d bytes) of "
                    + "%s; %,.0f tokens/s%n", checkpoint.directory(), r.perplexity(), r.bitsPerByte(), r.tokens(),
                    r.bytes(), pplText, r.tokens() / r.seconds());
            json.putAll(Map.of("text", pplText.toString(), "tokens", r.tokens(), "bytes", r.bytes(), "perplexity",
                    r.perplexity(), "bits_per_byte", r.bitsPerByte(), "tokens_per_s", r.tokens() / r.seconds()));
            return json;
        }
        if (mcFields.size() != 3) {
            throw new IllegalArgumentException("--mc-fields: context,choices,gold (three names), got " + mcFields);
        }
        List<MultipleChoice.Item> items = MultipleChoiceItems.read(mcFile, new MultipleChoiceItems.FieldMapping(
                mcFields.get(0), List.of(mcFields.get(1).split("\\+")), mcFields.get(2), mcGold));
        if (limit > 0 && limit < items.size()) {
            items = items.subList(0, limit);
        }
        MultipleChoice.Result r = MultipleChoice.run(MultipleChoice.model(model, checkpoint.tokenizer(), 16), items);
        System.out.printf(Locale.ROOT, "mc %s: acc %.3f, acc_norm %.3f on %d items of %s; %.1f items/s%n",
                checkpoint.directory(), r.acc(), r.accNorm(), items.size(), mcFile, r.itemsPerSecond());
        json.putAll(Map.of("file", mcFile.toString(), "items", items.size(), "acc", r.acc(), "acc_norm", r.accNorm(),
                "items_per_s", r.itemsPerSecond()));
        json.put("records", r.items().stream().map(scored -> Map.of("item", scored.item().location(),
                "log_likelihoods", scored.logLikelihoods(), "gold", scored.item().gold(), "predicted",
                scored.predicted(), "predicted_norm", scored.predictedNorm())).toList());
        return json;
    }

    private CodeGeneration.Result code(Completer completer) throws IOException {
        List<HumanEvalTask.Problem> problems = HumanEvalTask.read(humanEvalFile);
        if (limit > 0 && limit < problems.size()) {
            problems = problems.subList(0, limit);
        }
        HumanEvalTask task = new HumanEvalTask(HumanEvalTask.limits(codeTimeout),
                Runtime.getRuntime().availableProcessors());
        CodeGeneration.Result result = CodeGeneration.run(completer, task, problems,
                new Completer.Request(temperature, maxNewTokens, samples, seed), ks);
        StringBuilder scores = new StringBuilder();
        result.execution().passAtK().forEach((k, value) -> scores.append(String.format(Locale.ROOT, " pass@%d %.3f",
                k, value)));
        System.out.printf(Locale.ROOT, "humaneval %s:%s on %d problems, %d sample(s) each, %s; verdicts %s; %.1f "
                        + "items/s%n", completer.name(), scores, problems.size(), samples,
                temperature == 0 ? "greedy" : "temperature " + temperature, result.execution().reasons(),
                problems.size() / result.seconds());
        return result;
    }

    private Map<String, Object> codeJson(String model, CodeGeneration.Result result) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", model);
        Map<String, Object> passAtK = new LinkedHashMap<>();
        result.execution().passAtK().forEach((k, value) -> passAtK.put("pass@" + k, value));
        json.put("pass_at_k", passAtK);
        json.put("file", humanEvalFile.toString());
        json.put("samples", samples);
        json.put("temperature", temperature);
        json.put("items_per_s", result.execution().problems().size() / result.seconds());
        json.put("verdicts", result.execution().reasons());
        json.put("records", result.execution().problems().stream().map(problem -> Map.of(
                "task_id", problem.taskId(), "completions", result.completions().get(problem.taskId()),
                "verdicts", problem.samples().stream().map(sample -> sample.verdict().name().toLowerCase(Locale.ROOT))
                        .toList(), "c", problem.c(), "n", problem.n())).toList());
        return json;
    }

    private void evaluateLongContext(ModelCheckpoint loaded, ModelCheckpoint before, Map<String, Object> results)
            throws IOException {
        int context = (before != null ? before : loaded).model().contextLength();
        List<Integer> evaluated = lengths != null ? lengths : List.of(context, 2 * context, 4 * context);

        LongContextResults beforeResults = null;
        if (before != null) {
            beforeResults = evaluate(before, evaluated);
            results.put("baseline", json(before, beforeResults));
        }
        LongContextResults afterResults = evaluate(loaded, evaluated);
        results.putAll(json(loaded, afterResults));
        if (before != null) {
            String table = LongContextResults.beforeAfterTable(beforeResults, afterResults, evaluated);
            System.out.print("\nbefore → after\n" + table);
            // One section per evaluation text, so that in- and out-of-distribution texts can stand side by side.
            String heading = "Long-context evaluation" + (tasks.contains("position-ppl")
                    ? " (" + text.toAbsolutePath().normalize().getFileName() + ")" : "");
            Path report = RunReport.writeSection(RunReport.runDirectory(loaded.directory()), heading,
                    reportSection(before, loaded, table));
            System.err.println("      report  " + report);
        }
    }

    /** Runs the tasks on one checkpoint at {@code evaluated} lengths, printing their tables. */
    private LongContextResults evaluate(ModelCheckpoint loaded, List<Integer> evaluated) throws IOException {
        int context = loaded.model().contextLength();
        int longest = evaluated.stream().mapToInt(Integer::intValue).max().orElseThrow();
        LanguageModel model = new KvCacheModel(loaded.net(), Math.max(context, longest));
        System.err.printf(Locale.ROOT, "phi4j eval: %s (%s) at lengths %s%n", loaded.directory(), describe(loaded),
                evaluated);
        List<Passkey.Result> passkey = List.of();
        if (tasks.contains("passkey")) {
            long start = System.nanoTime();
            int shortest = Passkey.minimumLength(loaded.tokenizer());
            List<Integer> fitting = evaluated.stream().filter(length -> length >= shortest).toList();
            if (fitting.size() < evaluated.size()) {
                System.err.printf(Locale.ROOT, "      passkey: lengths below %d skipped: this tokenizer needs %d tokens "
                        + "for the preamble, needle, question and answer alone%n", shortest, shortest);
            }
            passkey = Passkey.run(model, loaded.tokenizer(), fitting, depths, trials, seed);
            System.out.print(passkeyTable(passkey));
            System.err.printf(Locale.ROOT, "      passkey: %d prompts in %.1f s%n", passkey.size() * trials,
                    (System.nanoTime() - start) / 1e9);
        }
        List<PositionPerplexity.Bucket> buckets = new ArrayList<>();
        if (tasks.contains("position-ppl")) {
            int[] tokens = loaded.tokenizer().encode(readText(text, "--text"));
            for (int length : evaluated) {
                buckets.addAll(PositionPerplexity.run(model, tokens, length, windows, this.buckets));
            }
            System.out.print(perplexityTable(buckets));
        }
        return new LongContextResults(passkey, buckets);
    }

    private static String describe(ModelCheckpoint checkpoint) {
        return String.format(Locale.ROOT, "context %d, θ %s, RoPE scaling %s", checkpoint.model().contextLength(),
                checkpoint.model().ropeTheta(), checkpoint.model().ropeScaling().kind().name().toLowerCase(Locale.ROOT));
    }

    private static Map<String, Object> json(ModelCheckpoint checkpoint, LongContextResults results) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("checkpoint", checkpoint.directory().toString());
        json.put("context_length", checkpoint.model().contextLength());
        json.put("rope_theta", checkpoint.model().ropeTheta());
        if (!results.passkey().isEmpty()) {
            json.put("passkey", results.passkey().stream().map(r -> Map.of("length", r.length(), "depth", r.depth(),
                    "trials", r.trials(), "correct", r.correct(), "accuracy", r.accuracy())).toList());
        }
        if (!results.positions().isEmpty()) {
            json.put("position_ppl", results.positions().stream().map(b -> Map.of("length", b.length(), "from",
                    b.from(), "to", b.to(), "predictions", b.predictions(), "mean_nll", b.meanNll(),
                    "perplexity", b.perplexity())).toList());
        }
        return json;
    }

    private String reportSection(ModelCheckpoint before, ModelCheckpoint after, String table) {
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
}

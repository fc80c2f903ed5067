package dev.phi4j.trainer.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phi4j.core.report.Html;
import dev.phi4j.core.report.MixtureTable;
import dev.phi4j.trainer.train.LossCurve;
import dev.phi4j.trainer.train.MetricsLog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The run report's page: styles inside, charts as inline SVG, no script and no external resource (its
 * content-security policy forbids both), so it reads the same offline, from disk or as an attachment. Tables that
 * compare phases have one column per phase, first phase first.
 */
final class TrainingReportHtml {

    /** The page, and each piece that was not available with why (the command prints them). */
    record Page(String html, List<String> notAvailable) {}

    /** Tasks in the order the eval command lists them; others follow by name. */
    private static final List<String> TASK_ORDER = List.of("ppl", "mc", "math", "humaneval");
    private static final List<String> LONG_CONTEXT_TASKS = List.of("passkey", "position-ppl");
    /** The long-context metrics eval writes per length, as {@code NAME@LENGTH}, in table order. */
    private static final List<String> LONG_CONTEXT_METRICS = List.of("accuracy", "ppl", "last_bucket_ppl");
    private static final Pattern AT_LENGTH = Pattern.compile("(.+)@(\\d+)");
    /** The final training loss is averaged over this many last steps: one step's loss is noisy. */
    private static final int FINAL_STEPS = 10;

    private final TrainingReport.Chain chain;
    private final List<Phase> phases;
    private final List<Piece<Phase.MixtureSet>> mixtures = new ArrayList<>();
    private final Path htmlFile;
    private final Html body = new Html();
    private final List<String[]> nav = new ArrayList<>();
    private final List<String> notAvailable = new ArrayList<>();

    private TrainingReportHtml(TrainingReport.Chain chain, Path htmlFile) {
        this.chain = chain;
        this.phases = chain.phases();
        this.htmlFile = htmlFile;
        phases.forEach(phase -> mixtures.add(phase.mixture()));
    }

    static Page render(TrainingReport.Chain chain, Path htmlFile, Instant generated) {
        return new TrainingReportHtml(chain, htmlFile).render(generated);
    }

    private Page render(Instant generated) {
        overview();
        summary();
        lossCurves();
        data();
        longContext();
        evaluation();
        notes();
        String last = phases.get(phases.size() - 1).name();
        Html page = new Html();
        page.raw("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                        + "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                        + "style-src 'unsafe-inline'; img-src data:\"><title>")
                .text("phi4j run report — " + last).raw("</title><style>").raw(Html.stylesheet())
                .raw(resource("run-report.css")).raw("</style></head><body><header><h1>")
                .text("phi4j run report — " + last).raw("</h1><div class=\"meta\">")
                .text(phases.size() + " phase(s) · generated " + generated + " · from the run directories only")
                .raw("</div></header><nav>");
        for (String[] link : nav) {
            page.raw("<a href=\"#").text(link[0]).raw("\">").text(link[1]).raw("</a>");
        }
        page.raw("</nav><main>").raw(body.toString()).raw("</main><footer>")
                .text("phi4j report run: config.yaml, metrics.jsonl, checkpoints/LATEST, eval/TASK.json and report.md "
                        + "of each run, and the _mixture.json of the sets they trained on; see trainer/README.md.")
                .raw("</footer></body></html>\n");
        return new Page(page.toString(), notAvailable);
    }

    private void card(String id, String title, String subtitle) {
        nav.add(new String[] {id, title});
        body.card(id, title, subtitle);
    }

    /** "not available (why)" in the page, and the same line for the command to print. */
    private void missing(String what, String why) {
        notAvailable.add(what + ": " + why);
        body.raw("<p class=\"missing\">").text(what + ": not available (" + why + ")").raw("</p>");
    }

    private void overview() {
        card("overview", "Overview", null);
        body.raw("<p class=\"chain\">");
        for (int i = 0; i < phases.size(); i++) {
            body.raw(i == 0 ? "" : " → ").raw("<b>").text(phases.get(i).name()).raw("</b> <span class=\"sub\">")
                    .text(phases.get(i).kind(mixtures.get(i))).raw("</span>");
        }
        body.raw("</p>");
        chain.notes().forEach(note -> missing("earlier phase", note));
        long steps = 0;
        long tokens = 0;
        double seconds = 0;
        for (Phase phase : phases) {
            Optional<JsonNode> last = lastStep(phase);
            steps += last.map(s -> s.path("step").asLong()).orElse(0L);
            tokens += last.map(s -> s.path("tokens").asLong()).orElse(0L);
            seconds += last.map(s -> s.path("elapsed_s").asDouble()).orElse(0.0);
        }
        body.raw("<div class=\"tiles\">");
        tile(Integer.toString(phases.size()), "phases");
        tile(Html.count(steps), "optimizer steps");
        tile(Html.compact(tokens), "tokens trained on");
        tile(duration(seconds), "training wall time");
        Optional<JsonNode> finalEval = lastEvaluation(phases.get(phases.size() - 1));
        tile(finalEval.map(e -> number(e.path("val_loss").asDouble())).orElse("–"), "final validation loss ("
                + phases.get(phases.size() - 1).name() + ")");
        body.raw("</div>");
        datasetReports();
        body.endCard();
    }

    private void tile(String value, String label) {
        body.raw("<div class=\"t\"><b>").text(value).raw("</b><span>").text(label).raw("</span></div>");
    }

    /** Links to the dataset inspection report of each pipeline run the phases' mixture sets were built from. */
    private void datasetReports() {
        Map<Path, List<String>> runs = new LinkedHashMap<>();
        List<String> reasons = new ArrayList<>();
        for (int i = 0; i < phases.size(); i++) {
            Piece<Path> run = pipelineRun(phases.get(i), mixtures.get(i));
            if (run.present()) {
                runs.computeIfAbsent(run.value(), r -> new ArrayList<>()).add(phases.get(i).name());
            } else {
                reasons.add(phases.get(i).name() + ": " + run.missing());
            }
        }
        if (runs.isEmpty()) {
            missing("dataset inspection report", String.join("; ", reasons));
            return;
        }
        body.raw("<ul class=\"links\">");
        runs.forEach((run, names) -> {
            Path report = run.resolve("report.html");
            body.raw("<li>");
            if (Files.exists(report)) {
                body.raw("<a href=\"").text(relativeHref(report)).raw("\">").text("dataset inspection report of "
                        + display(run)).raw("</a> <span class=\"sub\">").text("data of " + String.join(", ", names))
                        .raw("</span>");
            } else {
                String why = display(run) + " has no report.html (phi4j report " + display(run) + " writes it)";
                notAvailable.add("dataset inspection report: " + why);
                body.raw("<span class=\"missing\">").text("dataset inspection report: not available (" + why + ")")
                        .raw("</span>");
            }
            body.raw("</li>");
        });
        body.raw("</ul>");
    }

    /** The pipeline run a phase's mixture set read its documents from ({@code inputs[].run} of its manifest). */
    private static Piece<Path> pipelineRun(Phase phase, Piece<Phase.MixtureSet> mixture) {
        if (!mixture.present()) {
            return Piece.missing("no mixture set (" + mixture.missing() + ")");
        }
        for (JsonNode input : mixture.value().manifest().path("inputs")) {
            if (input.path("run").isTextual() && !input.path("run").asText().isBlank()) {
                Path run = phase.resolve(input.path("run").asText());
                return Files.isDirectory(run) ? Piece.of(run)
                        : Piece.missing("its mixture set names the pipeline run " + input.path("run").asText()
                        + ", which is not at " + run);
            }
        }
        return Piece.missing("its mixture set " + mixture.value().manifest().path("name").asText()
                + " was built from files, not from a pipeline run");
    }

    private void summary() {
        card("phases", "Phases", "one column per phase, in training order");
        List<String[]> rows = new ArrayList<>();
        rows.add(row("kind", (i, p) -> Html.escape(p.kind(mixtures.get(i)))));
        rows.add(row("started from", (i, p) -> p.initFrom().map(f -> "<code>" + Html.escape(f) + "</code>")
                .orElse("nothing (new weights)")));
        rows.add(row("run directory", (i, p) -> "<code>" + Html.escape(display(p.dir())) + "</code>"));
        rows.add(row("layers", (i, p) -> integer(p.model().path("n_layers"))));
        rows.add(row("d_model", (i, p) -> integer(p.model().path("d_model"))));
        rows.add(row("heads / kv heads", (i, p) -> p.model().path("n_heads").isNumber() ? p.model().path("n_heads")
                .asInt() + " / " + p.model().path("n_kv_heads").asInt() : "–"));
        rows.add(row("SwiGLU hidden", (i, p) -> integer(p.model().path("ffn_hidden"))));
        rows.add(row("vocabulary", (i, p) -> integer(p.model().path("vocab_size"))));
        rows.add(row("parameters", (i, p) -> p.start().map(s -> Html.count(s.path("parameters").asLong()))
                .orElse("–")));
        rows.add(row("context length", (i, p) -> integer(p.model().path("context_length"))));
        rows.add(row("RoPE θ", (i, p) -> rope(p.model())));
        rows.add(row("objective", (i, p) -> Html.escape(p.trainer().path("objective").asText("next_token"))));
        rows.add(row("peak learning rate", (i, p) -> p.trainer().path("optimizer").path("lr").isNumber()
                ? String.format(Locale.ROOT, "%.2g", p.trainer().path("optimizer").path("lr").asDouble()) : "–"));
        rows.add(row("tokens per step", (i, p) -> p.start().map(s -> Html.count(s.path("tokens_per_step").asLong()))
                .orElse("–")));
        rows.add(row("steps", (i, p) -> lastStep(p).map(s -> Html.count(s.path("step").asLong())).orElse("–")
                + (p.trainer().path("max_steps").isNumber() ? " / " + Html.count(p.trainer().path("max_steps")
                .asLong()) : "")));
        rows.add(row("tokens", (i, p) -> lastStep(p).map(s -> Html.count(s.path("tokens").asLong())).orElse("–")));
        rows.add(row("wall time", (i, p) -> lastStep(p).map(s -> duration(s.path("elapsed_s").asDouble()))
                .orElse("–")));
        rows.add(row("tokens/s (whole run)", (i, p) -> lastStep(p).filter(s -> s.path("elapsed_s").asDouble() > 0)
                .map(s -> Html.count(Math.round(s.path("tokens").asDouble() / s.path("elapsed_s").asDouble())))
                .orElse("–")));
        rows.add(row("train loss, last step", (i, p) -> lastStep(p).map(s -> number(s.path("loss").asDouble()))
                .orElse("–")));
        rows.add(row("train loss, mean of last " + FINAL_STEPS + " steps", (i, p) -> finalTrainLoss(p)));
        rows.add(row("validation loss, last evaluation", (i, p) -> lastEvaluation(p).map(e -> number(
                e.path("val_loss").asDouble()) + " <span class=\"sub\">(step " + e.path("step").asLong() + ")</span>")
                .orElse("–")));
        if (phases.stream().anyMatch(p -> lastEvaluation(p).filter(e -> e.has("val_rewards/accuracies")).isPresent())) {
            rows.add(row("validation reward accuracy (DPO)", (i, p) -> lastEvaluation(p)
                    .filter(e -> e.has("val_rewards/accuracies"))
                    .map(e -> number(e.path("val_rewards/accuracies").asDouble())).orElse("–")));
            rows.add(row("validation reward margin (DPO)", (i, p) -> lastEvaluation(p)
                    .filter(e -> e.has("val_rewards/margins"))
                    .map(e -> number(e.path("val_rewards/margins").asDouble())).orElse("–")));
        }
        rows.add(row("newest checkpoint", (i, p) -> p.latestCheckpoint().map(Html::escape).orElse("–")));
        byPhase(rows);
        for (Phase phase : phases) {
            if (!phase.config().present()) {
                missing(phase.name() + " config", phase.config().missing());
            }
            if (!phase.events().present()) {
                missing(phase.name() + " metrics", phase.events().missing());
            }
        }
        body.endCard();
    }

    private interface Cell {
        String html(int index, Phase phase);
    }

    private String[] row(String label, Cell cell) {
        String[] row = new String[phases.size() + 1];
        row[0] = Html.escape(label);
        for (int i = 0; i < phases.size(); i++) {
            row[i + 1] = cell.html(i, phases.get(i));
        }
        return row;
    }

    /** A table with a row label and one column per phase (class by-phase: labels do not wrap). */
    private void byPhase(List<String[]> rows) {
        body.raw("<div class=\"by-phase\">").table(phaseHeaders(), rows).raw("</div>");
    }

    private String[] phaseHeaders() {
        String[] headers = new String[phases.size() + 1];
        headers[0] = "";
        for (int i = 0; i < phases.size(); i++) {
            headers[i + 1] = phases.get(i).name() + "#";
        }
        return headers;
    }

    private static String rope(JsonNode model) {
        if (!model.path("rope_theta").isNumber()) {
            return "–";
        }
        String theta = Html.count(Math.round(model.path("rope_theta").asDouble()));
        JsonNode scaling = model.path("rope_scaling");
        String kind = scaling.path("kind").asText("none");
        return kind.equals("none") ? theta : theta + " · " + Html.escape(kind) + " ×"
                + number(scaling.path("factor").asDouble());
    }

    private static String integer(JsonNode value) {
        return value.isNumber() ? Html.count(value.asLong()) : "–";
    }

    private static Optional<JsonNode> lastStep(Phase phase) {
        List<JsonNode> steps = phase.steps();
        return steps.isEmpty() ? Optional.empty() : Optional.of(steps.get(steps.size() - 1));
    }

    private static Optional<JsonNode> lastEvaluation(Phase phase) {
        List<JsonNode> evaluations = phase.evaluations();
        return evaluations.isEmpty() ? Optional.empty() : Optional.of(evaluations.get(evaluations.size() - 1));
    }

    /** The mean training loss of the last {@value #FINAL_STEPS} steps that were applied. */
    private static String finalTrainLoss(Phase phase) {
        List<MetricsLog.Point> train = MetricsLog.curves(phase.events().present() ? phase.events().value()
                : List.of()).train();
        if (train.isEmpty()) {
            return "–";
        }
        List<MetricsLog.Point> last = train.subList(Math.max(0, train.size() - FINAL_STEPS), train.size());
        return number(last.stream().mapToDouble(MetricsLog.Point::value).average().orElseThrow());
    }

    private void lossCurves() {
        card("curves", "Loss curves", "training loss per step, validation loss at each evaluation; one chart per phase");
        body.raw("<div class=\"curves\">");
        for (int i = 0; i < phases.size(); i++) {
            Phase phase = phases.get(i);
            if (!phase.events().present()) {
                missing(phase.name() + " loss curve", phase.events().missing());
                continue;
            }
            MetricsLog.Curves curves = MetricsLog.curves(phase.events().value());
            if (curves.train().isEmpty()) {
                missing(phase.name() + " loss curve", "no step logged yet in " + MetricsLog.FILE);
                continue;
            }
            String kind = phase.kind(mixtures.get(i));
            body.raw("<figure class=\"curve\">").raw(LossCurve.render(phase.name() + " — " + kind, curves.train(),
                    curves.validation())).raw("<figcaption class=\"caption\">")
                    .text(kind.equals("dpo") ? "DPO loss −log σ(β·margin): nats per preference pair, not per token"
                            : "cross-entropy in nats per target token" + (kind.equals("sft")
                            ? " (assistant tokens only)" : "")).raw("</figcaption></figure>");
        }
        body.raw("</div>").endCard();
    }

    private void data() {
        card("data", "Data: mixture per phase", "the set each phase trained on, from its _mixture.json");
        Map<Path, String> shown = new LinkedHashMap<>();
        for (int i = 0; i < phases.size(); i++) {
            Phase phase = phases.get(i);
            Piece<Phase.MixtureSet> mixture = mixtures.get(i);
            body.raw("<h3>").text(phase.name()).raw(" <span class=\"sub\">").text(phase.kind(mixture))
                    .raw("</span></h3>");
            if (!mixture.present()) {
                missing(phase.name() + " mixture", mixture.missing());
                continue;
            }
            Phase.MixtureSet set = mixture.value();
            JsonNode manifest = set.manifest();
            body.raw("<p class=\"kv\">").text("set " + manifest.path("name").asText() + " (" + manifest.path("kind")
                    .asText() + ") at ").raw("<code>").text(display(set.dir())).raw("</code>")
                    .text(" · linked by " + set.link()).raw("</p>");
            if (shown.containsKey(set.dir())) {
                body.raw("<p class=\"kv\">").text("the same set as " + shown.get(set.dir()) + ", above").raw("</p>");
                continue;
            }
            shown.put(set.dir(), phase.name());
            JsonNode table = manifest.path("sections").path("mixture.table");
            if (table.isObject()) {
                MixtureTable.render(body, table);
            } else {
                body.raw("<p class=\"kv\">").text("a " + manifest.path("kind").asText() + " set has no mixture "
                        + "table (one source of examples); its splits:").raw("</p>");
            }
            List<String[]> splits = new ArrayList<>();
            manifest.path("shards").path("splits").fields().forEachRemaining(split -> splits.add(new String[] {
                    Html.escape(split.getKey()), Html.count(split.getValue().path("sequences").asLong()),
                    Html.count(split.getValue().path("tokens").asLong()),
                    Html.count(split.getValue().path("loss_tokens").asLong()),
                    Html.count(split.getValue().path("padding_tokens").asLong())}));
            body.table(new String[] {"split", "rows#", "tokens#", "loss tokens#", "padding tokens#"}, splits);
        }
        body.endCard();
    }

    private void longContext() {
        card("long-context", "Long-context evaluation", "passkey retrieval and perplexity by position, per length "
                + "(phi4j eval --tasks passkey,position-ppl)");
        List<Map<String, Double>> perPhase = new ArrayList<>();
        List<String> checkpoints = new ArrayList<>();
        TreeMap<Integer, Set<String>> lengths = new TreeMap<>();
        List<Runnable> missingLines = new ArrayList<>();
        for (Phase phase : phases) {
            Map<String, Double> values = new LinkedHashMap<>();
            List<JsonNode> results = new ArrayList<>();
            Piece<Map<String, JsonNode>> tasks = phase.evaluationTasks();
            if (tasks.present()) {
                for (String task : LONG_CONTEXT_TASKS) {
                    JsonNode result = tasks.value().get(task);
                    if (result == null) {
                        continue;
                    }
                    results.add(result);
                    result.path("metrics").fields().forEachRemaining(metric -> {
                        Matcher m = AT_LENGTH.matcher(metric.getKey());
                        if (m.matches() && LONG_CONTEXT_METRICS.contains(m.group(1))) {
                            int length = Integer.parseInt(m.group(2));
                            lengths.computeIfAbsent(length, l -> new LinkedHashSet<>()).add(m.group(1));
                            values.put(metric.getKey(), metric.getValue().asDouble(Double.NaN));
                        }
                    });
                }
            }
            if (values.isEmpty()) {
                String why = tasks.present() ? "no passkey or position-ppl result in " + display(phase.dir()
                        .resolve(Phase.EVAL)) : tasks.missing();
                missingLines.add(() -> missing(phase.name() + " long-context evaluation", why));
            }
            perPhase.add(values);
            checkpoints.add(checkpoints(results));
        }
        if (!lengths.isEmpty()) {
            List<String[]> rows = new ArrayList<>();
            rows.add(row("checkpoint evaluated", (i, p) -> checkpoints.get(i)));
            lengths.forEach((length, metrics) -> LONG_CONTEXT_METRICS.stream().filter(metrics::contains)
                    .forEach(metric -> {
                        String key = metric + "@" + length;
                        rows.add(row(longContextLabel(metric) + " @ " + Html.count(length), (i, p) -> perPhase.get(i)
                                .containsKey(key) ? number(perPhase.get(i).get(key)) : "–"));
                    }));
            byPhase(rows);
        }
        missingLines.forEach(Runnable::run);
        body.endCard();
    }

    private static String longContextLabel(String metric) {
        return switch (metric) {
            case "accuracy" -> "passkey accuracy";
            case "ppl" -> "perplexity, all positions";
            default -> "perplexity, last position bucket";
        };
    }

    private void evaluation() {
        card("evaluation", "Evaluation per phase", "phi4j eval's tasks on each phase's checkpoint; "
                + "\"clean\" rows score only the items decontamination found clean");
        List<Map<String, JsonNode>> perPhase = new ArrayList<>();
        Set<String> taskNames = new LinkedHashSet<>(TASK_ORDER);
        List<Runnable> missingLines = new ArrayList<>();
        for (Phase phase : phases) {
            Piece<Map<String, JsonNode>> tasks = phase.evaluationTasks();
            Map<String, JsonNode> scored = new LinkedHashMap<>();
            if (tasks.present()) {
                tasks.value().forEach((task, result) -> {
                    if (!LONG_CONTEXT_TASKS.contains(task)) {
                        scored.put(task, result);
                    }
                });
            }
            if (scored.isEmpty()) {
                String why = tasks.present() ? "only long-context tasks in " + display(phase.dir().resolve(Phase.EVAL))
                        : tasks.missing();
                missingLines.add(() -> missing(phase.name() + " task evaluation", why));
            }
            scored.keySet().stream().sorted().forEach(taskNames::add);
            perPhase.add(scored);
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(row("checkpoint evaluated", (i, p) -> checkpoints(perPhase.get(i).values())));
        for (String task : taskNames) {
            Set<String> metrics = new LinkedHashSet<>();
            Set<String> cleanMetrics = new LinkedHashSet<>();
            for (Map<String, JsonNode> scored : perPhase) {
                JsonNode result = scored.get(task);
                if (result != null) {
                    result.path("metrics").fieldNames().forEachRemaining(metrics::add);
                    result.path("clean_metrics").fieldNames().forEachRemaining(cleanMetrics::add);
                }
            }
            if (metrics.isEmpty()) {
                continue;
            }
            for (String metric : metrics) {
                rows.add(row(task + " · " + metric, (i, p) -> cell(perPhase.get(i).get(task),
                        r -> r.path("metrics").has(metric) ? number(r.path("metrics").path(metric).asDouble()) : "–")));
            }
            for (String metric : cleanMetrics) {
                rows.add(row(task + " · " + metric + " (clean items)", (i, p) -> cell(perPhase.get(i).get(task),
                        r -> r.path("clean_metrics").has(metric)
                                ? number(r.path("clean_metrics").path(metric).asDouble()) : "–")));
            }
            rows.add(row(task + " · items", (i, p) -> cell(perPhase.get(i).get(task), r -> Html.count(r.path("items")
                    .asLong()) + (r.path("contamination").has("clean") ? " (" + Html.count(r.path("contamination")
                    .path("clean").asLong()) + " clean)" : ""))));
        }
        if (rows.size() > 1) {
            byPhase(rows);
        }
        missingLines.forEach(Runnable::run);
        body.endCard();
    }

    private static String cell(JsonNode result, Function<JsonNode, String> value) {
        return result == null ? "–" : value.apply(result);
    }

    /** The checkpoints the results were computed on, by folder name, or "–" for none. */
    private static String checkpoints(Collection<JsonNode> results) {
        List<String> names = results.stream().map(r -> checkpointName(r.path("model").asText())).distinct().toList();
        return names.isEmpty() ? "–" : Html.escape(String.join(", ", names));
    }

    /** {@code runs/tiny/checkpoints/step-00000200} → {@code step-00000200}: the column already names the run. */
    private static String checkpointName(String model) {
        int slash = model.lastIndexOf('/');
        return slash < 0 ? model : model.substring(slash + 1);
    }

    private void notes() {
        List<String[]> notes = new ArrayList<>();
        List<String[]> unreadable = new ArrayList<>();
        for (Phase phase : phases) {
            Piece<List<Phase.Note>> written = phase.notes();
            if (!written.present()) {
                unreadable.add(new String[] {phase.name() + " report.md", written.missing()});
                continue;
            }
            written.value().forEach(note -> notes.add(new String[] {phase.name(), note.heading(), note.body()}));
        }
        if (notes.isEmpty() && unreadable.isEmpty()) {
            return;            // report.md is written only by comparisons (eval --baseline, several checkpoints)
        }
        card("notes", "Notes from report.md", "sections evaluations wrote into each run's report.md, as written");
        unreadable.forEach(line -> missing(line[0], line[1]));
        for (String[] note : notes) {
            body.raw("<details open><summary>").text(note[0] + " — " + note[1]).raw("</summary><pre>").text(note[2])
                    .raw("</pre></details>");
        }
        body.endCard();
    }

    /** A path as the reader knows it: relative to the directory the last phase was started in, when inside it. */
    private String display(Path path) {
        Path launch = phases.get(phases.size() - 1).launchDirectory();
        Path absolute = path.toAbsolutePath().normalize();
        return absolute.startsWith(launch) && !absolute.equals(launch) ? launch.relativize(absolute).toString()
                : absolute.toString();
    }

    /** A link from the report's folder to {@code target}, relative so the pair of folders can move together. */
    private String relativeHref(Path target) {
        String relative = htmlFile.getParent().relativize(target.toAbsolutePath().normalize()).toString()
                .replace('\\', '/');
        try {
            return new URI(null, null, relative, null).getRawPath();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot link to " + target, e);
        }
    }

    static String number(double value) {
        if (!Double.isFinite(value)) {
            return "–";
        }
        return Math.abs(value) >= 100 ? String.format(Locale.ROOT, "%,.1f", value)
                : String.format(Locale.ROOT, "%.3f", value);
    }

    static String duration(double seconds) {
        if (seconds < 120) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        long s = Math.round(seconds);
        return s < 7200 ? String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60)
                : String.format(Locale.ROOT, "%dh %02dm", s / 3600, s / 60 % 60);
    }

    private static String resource(String name) {
        try (InputStream in = TrainingReportHtml.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " missing from the phi4j-trainer build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

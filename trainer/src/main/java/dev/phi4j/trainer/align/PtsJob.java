package dev.phi4j.trainer.align;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phi4j.core.config.ConfigJson;
import dev.phi4j.core.io.AtomicFiles;
import dev.phi4j.core.schema.IdKind;
import dev.phi4j.core.schema.Message;
import dev.phi4j.core.schema.PreferencePair;
import dev.phi4j.core.schema.RecordIds;
import dev.phi4j.trainer.eval.MathProblems;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code phi4j pts}: Pivotal Token Search over a question file, one question at a time, each outcome appended to
 * {@code questions.jsonl} as soon as it is known, so a stopped run resumes after the last question it finished.
 * At the end {@code pairs.jsonl} holds every pair once (PreferencePair fields, kind pts, plus the p's), in the format
 * the mixture's dpo set reads; {@code summary.json} accounts for every question (searched or dropped, and why) and
 * the rollouts; {@code report.html} shows each pivotal token in its context.
 */
public final class PtsJob {

    public static final String QUESTIONS = "questions.jsonl";
    public static final String PAIRS = "pairs.jsonl";
    public static final String SUMMARY = "summary.json";
    public static final String REPORT = "report.html";
    public static final String SEARCH = "search.json";

    /** What a run did: questions by status, pivotal tokens, pairs written, and questions resumed from disk. */
    public record Summary(int questions, Map<PivotalPairs.Status, Integer> byStatus, int pivotalTokens, int pairs,
                          int resumed, Path pairsFile) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private PtsJob() {}

    /** The questions of {@code pts.questions}, each with a seed id from its text and reference answer. */
    public static List<Solver.Question> questions(PtsConfig config) throws IOException {
        List<Solver.Question> questions = new ArrayList<>();
        for (MathProblems.Problem problem : MathProblems.read(config.questions(), config.questionField(),
                config.answerField(), config.maxQuestions())) {
            questions.add(new Solver.Question(RecordIds.of(IdKind.SEED, "pts-question", problem.question(),
                    problem.reference()), problem.question(), problem.reference()));
        }
        return questions;
    }

    /**
     * Searches every question not yet in {@code questions.jsonl}, then writes the pairs, summary and report.
     * {@code model} identifies the model searched (its weights hash): an output folder holding a search of another
     * model, or with other search settings, is refused rather than mixed. {@code progress} gets one line per question.
     */
    public static Summary run(PtsConfig config, String model, List<Solver.Question> questions, Solver solver,
                              Consumer<String> progress) throws IOException {
        Path out = config.output();
        Files.createDirectories(out);
        checkSameSearch(config, model);
        Path log = out.resolve(QUESTIONS);
        Map<String, ObjectNode> done = readDone(log);
        PivotalPairs miner = new PivotalPairs(config);
        int resumed = 0;
        try (BufferedWriter writer = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            List<Solver.Question> pending = new ArrayList<>();
            for (Solver.Question question : questions) {
                if (done.containsKey(question.id())) {
                    resumed++;
                } else {
                    pending.add(question);
                }
            }
            // The first M rollouts of several questions share the engine's batch; most questions end there.
            int together = Math.max(1, config.batchRows() / config.rollouts());
            for (int from = 0; from < pending.size(); from += together) {
                List<Solver.Question> chunk = pending.subList(from, Math.min(pending.size(), from + together));
                List<List<Solver.Solution>> samples = solver.sample(chunk, config.rollouts());
                for (int i = 0; i < chunk.size(); i++) {
                    Solver.Question question = chunk.get(i);
                    PivotalPairs.Outcome outcome = miner.mine(question, samples.get(i), solver);
                    ObjectNode line = toJson(outcome, solver);
                    writer.write(JSON.writeValueAsString(line));
                    writer.newLine();
                    writer.flush();
                    done.put(question.id(), line);
                    progress.accept(String.format(Locale.ROOT, "[%d/%d] %s p=%.2f %s: %d pivotal, %d pair(s)",
                            resumed + from + i + 1, questions.size(), question.id().substring(0, 17),
                            outcome.initialP(), outcome.status().name().toLowerCase(Locale.ROOT),
                            outcome.pivots().size(), outcome.pairs().size()));
                }
            }
        }
        List<ObjectNode> lines = new ArrayList<>();
        for (Solver.Question question : questions) {
            lines.add(done.get(question.id()));
        }
        return finish(config, lines, resumed);
    }

    /**
     * search.json records what the questions.jsonl beside it was searched with: the model and every setting that
     * changes an outcome (all but max_questions, batch_rows and output).
     */
    private static void checkSameSearch(PtsConfig config, String model) throws IOException {
        ObjectNode search = JSON.createObjectNode();
        search.put("model", model);
        ObjectNode settings = ConfigJson.toJson(config);
        settings.remove(List.of("max_questions", "batch_rows", "output"));
        search.set("settings", settings);
        Path file = config.output().resolve(SEARCH);
        if (Files.exists(file) && Files.exists(config.output().resolve(QUESTIONS))) {
            JsonNode previous = JSON.readTree(file.toFile());
            if (!previous.equals(JSON.readTree(JSON.writeValueAsString(search)))) {      // as read back: same types
                throw new IllegalArgumentException(config.output() + " holds a search of another model or with other "
                        + "settings (" + file + "); choose another output folder or delete it");
            }
            return;
        }
        writeAtomically(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(search) + "\n");
    }

    /** Outcomes already written; a last line cut short by a crash is dropped and its question searched again. */
    private static Map<String, ObjectNode> readDone(Path log) throws IOException {
        Map<String, ObjectNode> done = new LinkedHashMap<>();
        if (!Files.exists(log)) {
            return done;
        }
        List<String> kept = new ArrayList<>();
        for (String text : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            try {
                ObjectNode line = (ObjectNode) JSON.readTree(text);
                done.put(line.get("id").asText(), line);
                kept.add(text);
            } catch (IOException | RuntimeException cutShort) {
                break;
            }
        }
        writeAtomically(log, kept.isEmpty() ? "" : String.join("\n", kept) + "\n");
        return done;
    }

    private static ObjectNode toJson(PivotalPairs.Outcome outcome, Solver solver) {
        ObjectNode line = JSON.createObjectNode();
        line.put("id", outcome.question().id());
        line.put("question", outcome.question().text());
        line.put("reference", outcome.question().reference());
        line.put("status", outcome.status().name().toLowerCase(Locale.ROOT));
        line.put("p_initial", outcome.initialP());
        line.put("solution", solver.text(outcome.solution()));
        line.put("solution_tokens", outcome.solution().length);
        line.put("solution_correct", outcome.solutionCorrect());
        line.put("prefixes_estimated", outcome.prefixesEstimated());
        ArrayNode pivots = line.putArray("pivotal_tokens");
        for (PivotalPairs.Pivot pivot : outcome.pivots()) {
            ObjectNode p = pivots.addObject();
            p.put("index", pivot.index());
            p.put("prefix", solver.text(java.util.Arrays.copyOf(outcome.solution(), pivot.index())));
            p.put("token", solver.text(new int[] {pivot.token()}));
            p.put("p_before", pivot.before());
            p.put("p_after", pivot.after());
            pivot.counterpart().ifPresent(other -> {
                p.put("counterpart", solver.text(new int[] {other}));
                p.put("p_counterpart", pivot.counterpartP());
            });
            p.put("outcome", pivot.reason());
            pivot.pair().ifPresent(pair -> p.set("pair", pairJson(pair, pivot)));
        }
        return line;
    }

    /** A pair as the mixture's dpo set reads it, with the p's of its search alongside. */
    private static ObjectNode pairJson(PreferencePair pair, PivotalPairs.Pivot pivot) {
        ObjectNode json = JSON.createObjectNode();
        json.put("id", pair.id());
        ArrayNode prompt = json.putArray("prompt");
        for (Message message : pair.prompt()) {
            prompt.addObject().put("role", message.role().name().toLowerCase(Locale.ROOT))
                    .put("content", message.content());
        }
        json.put("chosen", pair.chosen());
        json.put("rejected", pair.rejected());
        json.put("kind", pair.kind().name().toLowerCase(Locale.ROOT));
        pair.lineage().forEach(json.putArray("lineage")::add);
        boolean raises = pivot.after() > pivot.before();
        json.put("p_before", pivot.before());
        json.put("p_chosen", raises ? pivot.after() : pivot.counterpartP());
        json.put("p_rejected", raises ? pivot.counterpartP() : pivot.after());
        return json;
    }

    private static Summary finish(PtsConfig config, List<ObjectNode> lines, int resumed) throws IOException {
        Map<PivotalPairs.Status, Integer> byStatus = new EnumMap<>(PivotalPairs.Status.class);
        Set<String> written = new LinkedHashSet<>();
        StringBuilder pairs = new StringBuilder();
        int pivotal = 0;
        for (ObjectNode line : lines) {
            byStatus.merge(PivotalPairs.Status.valueOf(line.get("status").asText().toUpperCase(Locale.ROOT)), 1,
                    Integer::sum);
            for (JsonNode pivot : line.path("pivotal_tokens")) {
                pivotal++;
                JsonNode pair = pivot.get("pair");
                if (pair != null && written.add(pair.get("id").asText())) {
                    pairs.append(JSON.writeValueAsString(pair)).append('\n');
                }
            }
        }
        Path pairsFile = config.output().resolve(PAIRS);
        writeAtomically(pairsFile, pairs.toString());
        Summary summary = new Summary(lines.size(), byStatus, pivotal, written.size(), resumed, pairsFile);
        writeAtomically(config.output().resolve(REPORT), PtsReport.html(config, lines, summary));
        return summary;
    }

    /** summary.json: the accounting of questions and the cost of the rollouts of this session. */
    public static void writeSummary(PtsConfig config, Summary summary, ModelSolver.Work work) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("questions", summary.questions());
        ObjectNode statuses = root.putObject("by_status");
        summary.byStatus().forEach((status, count) -> statuses.put(status.name().toLowerCase(Locale.ROOT), count));
        root.put("pivotal_tokens", summary.pivotalTokens());
        root.put("pairs", summary.pairs());
        int searched = summary.byStatus().getOrDefault(PivotalPairs.Status.SEARCHED, 0)
                + summary.byStatus().getOrDefault(PivotalPairs.Status.NO_PIVOTAL_TOKEN, 0);
        root.put("pairs_per_searched_question", searched == 0 ? 0 : (double) summary.pairs() / searched);
        root.put("resumed_questions", summary.resumed());
        ObjectNode rollouts = root.putObject("rollouts_this_session");
        rollouts.put("rollouts", work.rollouts());
        rollouts.put("tokens", work.tokens());
        rollouts.put("seconds", work.seconds());
        rollouts.put("tokens_per_s", work.tokensPerSecond());
        writeAtomically(config.output().resolve(SUMMARY), JSON.writerWithDefaultPrettyPrinter()
                .writeValueAsString(root) + "\n");
    }

    private static void writeAtomically(Path file, String text) {
        try {
            AtomicFiles.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write: " + e.getMessage(), e);
        }
    }
}

package dev.phi4j.pipeline.judge;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.phi4j.core.schema.Message;
import dev.phi4j.core.schema.PreferenceKind;
import dev.phi4j.core.schema.PreferencePair;
import dev.phi4j.core.schema.TeacherCall;
import dev.phi4j.pipeline.io.ShippedConfig;
import dev.phi4j.pipeline.stage.Manifest;
import dev.phi4j.pipeline.stage.ManifestJson;
import dev.phi4j.pipeline.synth.Placeholders;
import dev.phi4j.pipeline.synth.Sampling;
import dev.phi4j.pipeline.teacher.ChatRequest;
import dev.phi4j.pipeline.teacher.ChatResult;
import dev.phi4j.pipeline.teacher.Teacher;
import dev.phi4j.pipeline.teacher.TeacherException;
import dev.phi4j.pipeline.teacher.TeacherPanel;
import dev.phi4j.pipeline.teacher.TeacherUsage;
import dev.phi4j.pipeline.teacher.UsageAccumulator;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.stream.Stream;

/**
 * Judge-guided DPO pairs (report §4.2, round 2). For each prompt, every panel member answers; the judge scores each
 * answer (faults, then accuracy, style and detail from 1 to 5); the best answer (highest accuracy, then highest mean)
 * is chosen and the worst different answer rejected. A prompt is kept as a {@link PreferenceKind#JUDGE} pair, or
 * dropped with a reason: {@code invalid_prompt}, {@code too_few_scored} (under two responses scored),
 * {@code identical_responses}, {@code below_margin}. Every request goes through the response cache, so a re-run (or a
 * run resumed after a crash) asks no endpoint twice; outputs are written aside and renamed into place when complete.
 * <pre>
 * OUTPUT_DIR/pairs.jsonl        the pairs, as a mixture's dpo set reads them
 * OUTPUT_DIR/judgements.jsonl   per prompt: its outcome, each response with its scores, faults and judge reply
 * OUTPUT_DIR/summary.json       prompts and responses: in = kept + dropped, by reason; requests and usage
 * </pre>
 */
public final class JudgePairs {

    public static final String PAIRS = "pairs.jsonl";
    public static final String JUDGEMENTS = "judgements.jsonl";
    public static final String SUMMARY = "summary.json";

    static final String INVALID_PROMPT = "invalid_prompt";
    static final String TOO_FEW_SCORED = "too_few_scored";
    static final String IDENTICAL_RESPONSES = "identical_responses";
    static final String BELOW_MARGIN = "below_margin";
    static final String RESPONSE_TRUNCATED = "response_truncated";
    static final String RESPONSE_EMPTY = "response_empty";
    static final String JUDGE_TRUNCATED = "judge_truncated";

    /**
     * The seed of every judge request: a judgement belongs to the (prompt, response), not to the run, so it is one
     * cache entry every run finds.
     */
    static final long JUDGE_SEED = 0;
    /** Means are thirds; a difference of exactly the margin must not be lost to rounding. */
    private static final double TOLERANCE = 1e-9;
    private static final String PARTIAL = ".partial";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JudgePairsConfig config;
    private final Path prompts;
    private final Path outputDir;
    private final int promptCount;
    private final UsageAccumulator usage = new UsageAccumulator();
    private final TeacherPanel panel;
    private final List<Teacher> members;
    private final Teacher judge;

    /** A line of the prompts file and its number, counted from 1. */
    private record Line(int number, String text) {}

    /**
     * Checks that the prompts file is there and opens the endpoints' clients (an unset {@code api_key_env} or a base
     * URL that is not http(s) fails here, before any prompt is judged).
     */
    public JudgePairs(JudgePairsConfig config) {
        this.config = config;
        this.prompts = Path.of(config.prompts());
        if (!Files.isRegularFile(prompts)) {
            throw new IllegalArgumentException("prompts: " + prompts + " is not a file; give a JSONL file with one "
                    + "{\"prompt\": ...} per line");
        }
        this.outputDir = Path.of(config.outputDir());
        try (Stream<Line> lines = lines()) {
            this.promptCount = (int) lines.count();
        }
        // One JVM makes every call, so it is the only "executor" and has the whole requests_per_second.
        this.panel = new TeacherPanel(config.panel().stream().map(ShippedConfig::of).toList(), config.cacheDir(), 1);
        this.members = panel.open(usage);
        this.judge = new TeacherPanel(List.of(ShippedConfig.of(config.judge())), config.cacheDir(), 1).open(usage)
                .get(0);
    }

    /** How many prompts {@link #run} judges: the file's non-blank lines, at most {@code limit}. */
    public int prompts() {
        return promptCount;
    }

    public Path outputDir() {
        return outputDir;
    }

    /**
     * Judges every prompt, writes the pairs, judgements and summary, and returns the summary; {@code progress} is told
     * how many prompts are done. Prompts are judged on as many threads as the panel allows requests in flight.
     */
    public JudgePairsSummary run(IntConsumer progress) throws IOException {
        Files.createDirectories(outputDir);
        Path pairsFile = outputDir.resolve(PAIRS);
        Path judgementsFile = outputDir.resolve(JUDGEMENTS);
        Map<String, Long> promptDrops = new TreeMap<>();
        Map<String, Long> responseDrops = new TreeMap<>();
        long kept = 0;
        long responses = 0;
        long scored = 0;
        int done = 0;
        try (Stream<Line> lines = lines();
             BufferedWriter pairs = Files.newBufferedWriter(partial(pairsFile), StandardCharsets.UTF_8);
             BufferedWriter judgements = Files.newBufferedWriter(partial(judgementsFile), StandardCharsets.UTF_8)) {
            Iterator<PromptOutcome> outcomes = TeacherPanel.inBatches(lines.iterator(), 2 * panel.threads(),
                    batch -> panel.map(batch, this::judge));
            while (outcomes.hasNext()) {
                PromptOutcome outcome = outcomes.next();
                if (outcome.choice().isPresent()) {
                    kept++;
                    writeLine(pairs, JSON.writeValueAsString(outcome.pairJson(JSON.createObjectNode())));
                } else {
                    promptDrops.merge(outcome.outcome(), 1L, Long::sum);
                }
                for (JudgedResponse response : outcome.responses()) {
                    responses++;
                    if (response.scored()) {
                        scored++;
                    } else {
                        responseDrops.merge(response.outcome(), 1L, Long::sum);
                    }
                }
                writeLine(judgements, JSON.writeValueAsString(outcome.judgementJson(JSON.createObjectNode())));
                progress.accept(++done);
            }
        }
        commit(pairsFile);
        commit(judgementsFile);
        List<TeacherUsage> used = usage.value();
        long requests = used.stream().mapToLong(u -> u.calls() - u.cachedCalls() + u.failedCalls()).sum();
        JudgePairsSummary summary = new JudgePairsSummary(JudgePairsSummary.FORMAT, JudgePairsSummary.VERSION,
                config.prompts(), config.margin(), counts(done, kept, promptDrops),
                counts(responses, scored, responseDrops), requests, used, PAIRS, JUDGEMENTS);
        Path summaryFile = outputDir.resolve(SUMMARY);
        ManifestJson.MAPPER.writeValue(partial(summaryFile).toFile(), summary);
        commit(summaryFile);
        return summary;
    }

    private Stream<Line> lines() {
        AtomicInteger number = new AtomicInteger();
        Stream<Line> lines;
        try {
            lines = Files.lines(prompts, StandardCharsets.UTF_8).map(text -> new Line(number.incrementAndGet(), text))
                    .filter(line -> !line.text().isBlank());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the prompts file " + prompts, e);
        }
        return config.limit() > 0 ? lines.limit(config.limit()) : lines;
    }

    private PromptOutcome judge(Line line) {
        JudgePrompt prompt;
        try {
            prompt = JudgePrompt.parse(line.text(), line.number());
        } catch (IllegalArgumentException e) {
            return PromptOutcome.invalid("line-" + line.number(), e.getMessage());
        }
        List<JudgedResponse> responses = new ArrayList<>(members.size());
        for (Teacher member : members) {
            responses.add(respond(member, prompt));
        }
        return choose(prompt, responses);
    }

    /** One member's answer to {@code prompt}, judged; or why it was not. */
    private JudgedResponse respond(Teacher member, JudgePrompt prompt) {
        Sampling sampling = config.sampling();
        // The member's name is in the seed, so one endpoint listed twice under two names gives two samples.
        ChatRequest request = new ChatRequest(prompt.messages(), sampling.temperature(), sampling.topP(),
                sampling.maxTokens(), Placeholders.hash(config.seed() + "\u0000" + member.name() + "\u0000"
                + promptKey(prompt.messages())));
        String callId = TeacherCall.callId(member.cacheKey(request));
        ChatResult answer;
        try {
            answer = member.complete(request);
        } catch (TeacherException e) {
            return JudgedResponse.unjudged(member.name(), "", "", callId, e.reason(), e.getMessage());
        }
        if (answer.truncated()) {
            return JudgedResponse.unjudged(member.name(), answer.model(), answer.text(), callId, RESPONSE_TRUNCATED,
                    "cut at max_tokens = " + sampling.maxTokens());
        }
        if (answer.text().isBlank()) {
            return JudgedResponse.unjudged(member.name(), answer.model(), answer.text(), callId, RESPONSE_EMPTY, "");
        }
        ChatRequest judging = new ChatRequest(List.of(Message.user(Placeholders.fill(config.judgePrompt(),
                Map.of(JudgePairsConfig.PROMPT, prompt.forJudge(), JudgePairsConfig.RESPONSE, answer.text())))),
                config.judgeTemperature(), 1.0, config.judgeMaxTokens(), JUDGE_SEED);
        String judgeCallId = TeacherCall.callId(judge.cacheKey(judging));
        ChatResult verdict;
        try {
            verdict = judge.complete(judging);
        } catch (TeacherException e) {
            return new JudgedResponse(member.name(), answer.model(), answer.text(), callId, judgeCallId, e.raw(),
                    Optional.empty(), e.reason().replaceFirst("^teacher_", "judge_"), e.getMessage());
        }
        Judgement.Reading reading = Judgement.read(verdict.text());
        if (reading instanceof Judgement.Read read) {
            return new JudgedResponse(member.name(), answer.model(), answer.text(), callId, judgeCallId,
                    verdict.text(), Optional.of(read.judgement()), JudgedResponse.SCORED, "");
        }
        Judgement.Unreadable unreadable = (Judgement.Unreadable) reading;
        // A judgement cut at max_tokens usually lost its scores, which come after the faults: say so, not "invalid".
        String reason = verdict.truncated() ? JUDGE_TRUNCATED : unreadable.reason();
        String detail = verdict.truncated() ? "cut at judge_max_tokens = " + config.judgeMaxTokens() + "; "
                + unreadable.detail() : unreadable.detail();
        return new JudgedResponse(member.name(), answer.model(), answer.text(), callId, judgeCallId, verdict.text(),
                Optional.empty(), reason, detail);
    }

    /** The pair of {@code prompt}: best against worst different response, if they are far enough apart. */
    private PromptOutcome choose(JudgePrompt prompt, List<JudgedResponse> responses) {
        List<JudgedResponse> ranked = responses.stream().filter(JudgedResponse::scored)
                .sorted(Comparator.comparing(r -> r.judgement().orElseThrow(), Judgement.BETTER_FIRST)).toList();
        if (ranked.size() < 2) {
            return PromptOutcome.dropped(prompt, responses, TOO_FEW_SCORED, ranked.size() + " of "
                    + responses.size() + " responses scored; a pair needs two");
        }
        JudgedResponse chosen = ranked.get(0);
        Optional<JudgedResponse> worst = Optional.empty();
        for (int i = ranked.size() - 1; i > 0 && worst.isEmpty(); i--) {
            if (!ranked.get(i).text().equals(chosen.text())) {
                worst = Optional.of(ranked.get(i));
            }
        }
        if (worst.isEmpty()) {
            return PromptOutcome.dropped(prompt, responses, IDENTICAL_RESPONSES, "all " + ranked.size()
                    + " scored responses are the same text");
        }
        JudgedResponse rejected = worst.get();
        Judgement best = chosen.judgement().orElseThrow();
        Judgement bottom = rejected.judgement().orElseThrow();
        boolean byAccuracy = best.accuracy() != bottom.accuracy();
        double difference = byAccuracy ? best.accuracy() - bottom.accuracy() : best.mean() - bottom.mean();
        String detail = String.format(Locale.ROOT, "%s over %s: accuracy %s vs %s, mean %.2f vs %.2f; %s "
                        + "difference %.2f", chosen.member(), rejected.member(), score(best.accuracy()),
                score(bottom.accuracy()), best.mean(), bottom.mean(), byAccuracy ? "accuracy" : "mean", difference);
        if (difference < TOLERANCE || difference < config.margin() - TOLERANCE) {
            return PromptOutcome.dropped(prompt, responses, BELOW_MARGIN, detail + (difference < TOLERANCE
                    ? "; the scores tie" : String.format(Locale.ROOT, " < margin %s", score(config.margin()))));
        }
        List<String> lineage = new ArrayList<>(prompt.lineage());
        lineage.add(chosen.callId());
        lineage.add(rejected.callId());
        PreferencePair pair = PreferencePair.of(prompt.messages(), chosen.text(), rejected.text(),
                PreferenceKind.JUDGE, lineage);
        return PromptOutcome.kept(prompt, responses, new PromptOutcome.Choice(pair, chosen, rejected), detail);
    }

    /** Role and content of every message, unambiguous: the part of a request seed that names the prompt. */
    private static String promptKey(List<Message> messages) {
        StringBuilder key = new StringBuilder();
        for (Message message : messages) {
            key.append(message.role().name()).append('\u0000').append(message.content().length()).append(':')
                    .append(message.content());
        }
        return key.toString();
    }

    private static String score(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    private static Manifest.Counts counts(long in, long kept, Map<String, Long> dropped) {
        return new Manifest.Counts(in, kept, dropped.values().stream().mapToLong(Long::longValue).sum(),
                new TreeMap<>(dropped));
    }

    private static void writeLine(BufferedWriter out, String line) throws IOException {
        out.write(line);
        out.newLine();
    }

    private static Path partial(Path file) {
        return file.resolveSibling(file.getFileName() + PARTIAL);
    }

    private static void commit(Path file) throws IOException {
        Files.move(partial(file), file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}

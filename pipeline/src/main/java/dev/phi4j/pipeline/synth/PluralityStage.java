package dev.phi4j.pipeline.synth;

import dev.phi4j.core.schema.Message;
import dev.phi4j.core.schema.SyntheticSample;
import dev.phi4j.core.schema.TeacherCall;
import dev.phi4j.pipeline.io.ShippedConfig;
import dev.phi4j.pipeline.io.SparkRecords;
import dev.phi4j.pipeline.stage.Stage;
import dev.phi4j.pipeline.stage.StageContext;
import dev.phi4j.pipeline.stage.StageRows;
import dev.phi4j.pipeline.teacher.ChatRequest;
import dev.phi4j.pipeline.teacher.ChatResult;
import dev.phi4j.pipeline.teacher.Teacher;
import dev.phi4j.pipeline.teacher.TeacherException;
import dev.phi4j.pipeline.teacher.TeacherPanel;
import dev.phi4j.pipeline.teacher.UsageAccumulator;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.col;

/**
 * Questions → questions of the right difficulty, each with a reference answer and a solution reaching it (see
 * {@link PluralityConfig}). A kept sample's prompt is the question and its response the first solution (in answer
 * order) whose answer is the plurality answer; every answer call joins its calls and lineage.
 */
final class PluralityStage implements Stage {

    static final String TOO_EASY = "too_easy_all_agree";
    static final String TOO_HARD = "too_hard_none_agree";
    static final String NO_ANSWERS = "no_answers";
    private static final String ANSWER_STEP = "answer-";
    /** Questions in memory at once per task: enough to keep every teacher thread busy. */
    private static final int QUESTIONS_PER_BATCH = 64;

    private final PluralityConfig config;
    private long appliedAt;
    private UsageAccumulator usage;
    /** The questions read: summarize lists those of the samples it lists. */
    private Dataset<Row> questionRows;

    PluralityStage(PluralityConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "plurality";
    }

    @Override
    public Class<SyntheticSample> reads() {
        return SyntheticSample.class;
    }

    @Override
    public Class<SyntheticSample> writes() {
        return SyntheticSample.class;
    }

    @Override
    public Dataset<Row> apply(Dataset<Row> in, StageContext context) {
        appliedAt = System.nanoTime();
        questionRows = in;
        UsageAccumulator counted = usage = UsageAccumulator.register(context);
        ShippedConfig<PluralityConfig> settings = ShippedConfig.of(config);
        long runSeed = context.seed();
        TeacherPanel panel = TeacherPanel.of(config.teachers(), config.cacheDir(), context);
        return in.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> {
            List<Teacher> teachers = panel.open(counted);
            return TeacherPanel.inBatches(rows, QUESTIONS_PER_BATCH, batch -> panel.map(batch, row -> filter(
                    SparkRecords.fromRow(row, SyntheticSample.class), teachers, settings.get(), runSeed)));
        }, Encoders.row(StageRows.schema(SyntheticSample.class)));
    }

    /** One question's K answers, vote and verdict, as the output row. */
    static Row filter(SyntheticSample question, List<Teacher> teachers, PluralityConfig config, long runSeed) {
        Answers extraction = PluralityConfig.extraction(config.answerFormat());
        String prompt = Placeholders.fill(config.prompt(), Map.of("question", question.response()));
        List<Message> messages = List.of(Message.user(prompt));
        List<TeacherCall> calls = new ArrayList<>(question.calls());
        List<String> solutions = new ArrayList<>();
        List<Optional<String>> extracted = new ArrayList<>();
        String firstFailure = null;
        for (int k = 0; k < config.answers(); k++) {
            Teacher teacher = teachers.get(k % teachers.size());
            ChatRequest request = new ChatRequest(messages, config.sampling().temperature(), config.sampling().topP(),
                    config.sampling().maxTokens(), Placeholders.hash(runSeed + "\u0000" + question.id() + "\u0000" + k));
            String step = ANSWER_STEP + (k + 1);
            try {
                ChatResult result = teacher.complete(request);
                calls.add(TeacherCalls.answered(result, step));
                boolean usable = !result.truncated() && result.text() != null;
                solutions.add(usable ? result.text() : "");
                extracted.add(usable ? extraction.extract(result.text()) : Optional.empty());
                if (!usable && firstFailure == null) {
                    firstFailure = FlowRunner.TRUNCATED;
                }
            } catch (TeacherException e) {
                calls.add(TeacherCalls.failed(teacher, request, e, step));
                solutions.add("");
                extracted.add(Optional.empty());
                if (firstFailure == null) {
                    firstFailure = e.reason();
                }
            }
        }
        PluralityVote vote = PluralityVote.of(extracted);
        String reason = vote.answer().isEmpty() ? (firstFailure != null ? firstFailure : NO_ANSWERS)
                : vote.dropReason(config.minAgreeing(), config.upperAgreeing());
        String response = vote.answer().isEmpty() ? "" : solutions.get(extracted.indexOf(vote.answer()));

        Map<String, String> metadata = new LinkedHashMap<>(question.metadata());
        metadata.put("format", "qa");
        metadata.put("plurality.answer", vote.answer().orElse(""));
        metadata.put("plurality.agreeing", Integer.toString(vote.agreeing()));
        metadata.put("plurality.answers", String.join(" | ", extracted.stream().map(a -> a.orElse("∅")).toList()));
        Map<String, Double> scores = new LinkedHashMap<>(question.scores());
        scores.put("plurality_agreement", (double) vote.agreeing() / vote.answers());
        List<String> lineage = new ArrayList<>(question.lineage());
        lineage.add(question.id());
        calls.subList(question.calls().size(), calls.size()).forEach(call -> lineage.add(call.callId()));
        SyntheticSample kept = SyntheticSample.of(question.technique(), List.of(Message.user(question.response())),
                response, calls,
                question.revisions(), scores, question.validation(), metadata, lineage.stream().distinct().toList());
        return StageRows.row(kept, reason);
    }

    /** The histogram the report draws: questions by how many answers agree with the plurality answer. */
    record Bin(int agreeing, long questions) {}

    record Agreement(int answersPerQuestion, long questions, long kept, long droppedAllAgree, long droppedNoneAgree,
                     List<Bin> histogram) {}

    @Override
    public void summarize(Dataset<Row> output, StageContext context) {
        Map<Integer, Long> histogram = new TreeMap<>();
        long kept = 0;
        long easy = 0;
        long hard = 0;
        long questions = 0;
        for (Row row : output.select(col("metadata").getItem("plurality.agreeing"), col(DROP_REASON)).collectAsList()) {
            questions++;
            histogram.merge(row.isNullAt(0) ? 0 : Integer.parseInt(row.getString(0)), 1L, Long::sum);
            String reason = row.isNullAt(1) ? null : row.getString(1);
            kept += reason == null ? 1 : 0;
            easy += TOO_EASY.equals(reason) ? 1 : 0;
            hard += TOO_HARD.equals(reason) ? 1 : 0;
        }
        List<Bin> bins = new ArrayList<>();
        for (int agreeing = 0; agreeing <= config.answers(); agreeing++) {
            bins.add(new Bin(agreeing, histogram.getOrDefault(agreeing, 0L)));
        }
        context.report("plurality.agreement", new Agreement(config.answers(), questions, kept, easy, hard, bins));
        usage.report((System.nanoTime() - appliedAt) / 1e9, context);
        SampleLineage.report(output, questionRows, SyntheticSample.class, context);
    }
}

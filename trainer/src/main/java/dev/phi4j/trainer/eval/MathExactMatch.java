package dev.phi4j.trainer.eval;

import dev.phi4j.core.schema.Message;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Generative math exact match, as simple-evals and lm-evaluation-harness score GSM8K: each problem asked as a user
 * turn after {@code shots} solved examples (user/assistant pairs), n samples each; every sample's final answer read
 * with each extraction and compared with the reference. Per extraction: the mean accuracy over samples, and the
 * accuracy of the majority answer (the most frequent extracted answer, earliest first on a tie; none extracted
 * counts as wrong). With n = 1 at temperature 0 both are greedy exact match.
 */
public final class MathExactMatch {

    /** One problem: the samples, and per extraction what was read from each and whether it is the reference. */
    public record Item(MathProblems.Problem problem, List<String> outputs, Optional<String> refused,
                       Map<MathAnswers.Extraction, List<Optional<String>>> extracted,
                       Map<MathAnswers.Extraction, List<Boolean>> correct) {

        double meanAccuracy(MathAnswers.Extraction extraction) {
            List<Boolean> right = correct.get(extraction);
            return right.stream().filter(Boolean::booleanValue).count() / (double) right.size();
        }

        Optional<String> majority(MathAnswers.Extraction extraction) {
            Map<String, Integer> votes = new LinkedHashMap<>();
            for (Optional<String> answer : extracted.get(extraction)) {
                answer.map(MathAnswers::canonical).ifPresent(a -> votes.merge(a, 1, Integer::sum));
            }
            return votes.entrySet().stream().reduce((a, b) -> b.getValue() > a.getValue() ? b : a)
                    .map(Map.Entry::getKey);
        }

        boolean majorityCorrect(MathAnswers.Extraction extraction) {
            return MathAnswers.matches(majority(extraction), problem.reference());
        }
    }

    /** Accuracy of one extraction: mean over samples and majority vote. */
    public record Score(double mean, double majority) {}

    public record Result(List<Item> items, List<MathAnswers.Extraction> extractions, Completer.Request request,
                         int shots, double seconds) {

        public Score score(MathAnswers.Extraction extraction) {
            double mean = 0, majority = 0;
            for (Item item : items) {
                mean += item.meanAccuracy(extraction);
                majority += item.majorityCorrect(extraction) ? 1 : 0;
            }
            return new Score(mean / items.size(), majority / items.size());
        }

        public double itemsPerSecond() {
            return items.size() / seconds;
        }

        /**
         * As a task result: per problem what was asked, the outputs, the answers read by each extraction and the
         * scores, named by extraction ({@code strict}, and {@code strict_majority} with several samples). Problems
         * are numbered by their position in the file, as decontamination numbers them.
         */
        public TaskResult report(String model, Optional<Contamination.Benchmark> contamination) {
            List<TaskResult.ScoredItem> scored = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                Item item = items.get(i);
                Map<String, Double> scores = new LinkedHashMap<>();
                Map<String, Object> read = new LinkedHashMap<>();
                for (MathAnswers.Extraction extraction : extractions) {
                    String name = extraction.label();
                    scores.put(name, item.meanAccuracy(extraction));
                    if (request.n() > 1) {
                        scores.put(name + "_majority", item.majorityCorrect(extraction) ? 1.0 : 0.0);
                    }
                    read.put(name, item.extracted().get(extraction).stream().map(a -> a.orElse(null)).toList());
                }
                Map<String, Object> record = new LinkedHashMap<>();
                record.put("item", i + 1);
                record.put("location", item.problem().location());
                record.put("prompt", item.problem().question());
                record.put("reference", item.problem().reference());
                record.put("outputs", item.outputs());
                item.refused().ifPresent(reason -> record.put("refused", reason));
                record.put("extracted", read);
                int position = i;
                scored.add(new TaskResult.ScoredItem(scores, record,
                        contamination.map(benchmark -> benchmark.status(position, Optional.empty()))));
            }
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("samples", request.n());
            settings.put("temperature", request.temperature());
            settings.put("max_new_tokens", request.maxTokens());
            settings.put("shots", shots);
            settings.put("extractions", extractions.stream().map(MathAnswers.Extraction::label).toList());
            return TaskResult.ofItems("math", model, scored, seconds, settings);
        }
    }

    private MathExactMatch() {}

    /**
     * @param fewShot solved examples, the first {@code shots} of which precede every question (none may be one of
     *                the problems scored: the caller draws them from another split)
     */
    public static Result run(Completer completer, List<MathProblems.Problem> problems, List<MathProblems.Problem> fewShot,
                             int shots, List<MathAnswers.Extraction> extractions, Completer.Request request) {
        if (shots > fewShot.size()) {
            throw new IllegalArgumentException(shots + " shots asked for, " + fewShot.size() + " solved examples given");
        }
        long start = System.nanoTime();
        List<List<Message>> conversations = new ArrayList<>(problems.size());
        for (MathProblems.Problem problem : problems) {
            List<Message> conversation = new ArrayList<>();
            for (MathProblems.Problem example : fewShot.subList(0, shots)) {
                conversation.add(Message.user(example.question()));
                conversation.add(Message.assistant(example.solution()));
            }
            conversation.add(Message.user(problem.question()));
            conversations.add(conversation);
        }
        List<Completer.Answers> outputs = completer.complete(conversations, request);
        List<Item> items = new ArrayList<>(problems.size());
        for (int i = 0; i < problems.size(); i++) {
            Map<MathAnswers.Extraction, List<Optional<String>>> extracted = new EnumMap<>(MathAnswers.Extraction.class);
            Map<MathAnswers.Extraction, List<Boolean>> correct = new EnumMap<>(MathAnswers.Extraction.class);
            for (MathAnswers.Extraction extraction : extractions) {
                List<Optional<String>> answers = outputs.get(i).texts().stream().map(extraction::extract).toList();
                extracted.put(extraction, answers);
                String reference = problems.get(i).reference();
                correct.put(extraction, answers.stream().map(a -> MathAnswers.matches(a, reference)).toList());
            }
            items.add(new Item(problems.get(i), outputs.get(i).texts(), outputs.get(i).refused(), extracted, correct));
        }
        return new Result(items, extractions, request, shots, (System.nanoTime() - start) / 1e9);
    }
}

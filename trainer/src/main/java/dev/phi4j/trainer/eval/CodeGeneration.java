package dev.phi4j.trainer.eval;

import dev.phi4j.core.schema.Message;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HumanEval through a chat model, as simple-evals asks it: the function's signature and docstring in a user turn,
 * the answer's first fenced code block (or the whole answer without one) taken as the completion; when the answer
 * restates the signature, only what follows it is kept, since the program is the prompt + completion.
 */
public final class CodeGeneration {

    /** The reason of a sample never run because the model refused its prompt. */
    public static final String REFUSED = "refused";

    private static final Pattern FENCED = Pattern.compile("```(?:python|py)?[ \\t]*\\n(.*?)```", Pattern.DOTALL);

    private CodeGeneration() {}

    /**
     * What a problem and its samples came to: the completions run, why the model refused a problem (by task id),
     * and the sandbox's verdicts, pass@k.
     */
    public record Result(Map<String, List<String>> completions, Map<String, String> refused,
                         HumanEvalTask.Result execution, double seconds) {

        /**
         * As a task result: per problem the prompt, the completions, the sandbox's verdicts and pass@k for each k
         * (the unbiased estimator, averaged over problems). Problems are named by their task id where the
         * decontamination run named them so, else by position.
         */
        public TaskResult report(String model, List<HumanEvalTask.Problem> problems, List<Integer> ks,
                                 Optional<Contamination.Benchmark> contamination) {
            List<TaskResult.ScoredItem> scored = new ArrayList<>(problems.size());
            for (int i = 0; i < problems.size(); i++) {
                HumanEvalTask.Problem problem = problems.get(i);
                HumanEvalTask.ProblemResult outcome = execution.problems().get(i);
                Map<String, Double> scores = new LinkedHashMap<>();
                ks.forEach(k -> scores.put("pass@" + k, outcome.passAtK(k)));
                Map<String, Object> record = new LinkedHashMap<>();
                record.put("task_id", problem.taskId());
                record.put("prompt", problem.prompt());
                record.put("completions", completions.get(problem.taskId()));
                if (refused.containsKey(problem.taskId())) {
                    record.put("refused", refused.get(problem.taskId()));
                }
                record.put("verdicts", outcome.samples().stream().map(HumanEvalTask.Sample::reason).toList());
                record.put("n", outcome.n());
                record.put("c", outcome.c());
                int position = i;
                scored.add(new TaskResult.ScoredItem(scores, record, contamination.map(
                        benchmark -> benchmark.status(position, Optional.of(problem.taskId())))));
            }
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("samples", execution.problems().isEmpty() ? 0 : execution.problems().get(0).n());
            settings.put("k", ks);
            settings.put("verdicts", execution.reasons());
            return TaskResult.ofItems("humaneval", model, scored, seconds, settings);
        }
    }

    public static List<Message> conversation(HumanEvalTask.Problem problem) {
        return List.of(Message.user("Complete the following Python function. Reply with the function in a ```python "
                + "code block.\n\n```python\n" + problem.prompt() + "```"));
    }

    /** The body to append to the problem's prompt, read from a model's answer. */
    public static String completion(HumanEvalTask.Problem problem, String answer) {
        Matcher fenced = FENCED.matcher(answer);
        String code = fenced.find() ? fenced.group(1) : answer;
        Matcher signature = Pattern.compile("(?m)^def\\s+" + Pattern.quote(problem.entryPoint()) + "\\s*\\(.*?\\)[^:\\n]*:"
                + "[ \\t]*\\n").matcher(code);
        if (signature.find()) {
            code = code.substring(signature.end());
            code = stripDocstring(code);
        }
        return code;
    }

    /** A restated docstring would close the prompt's open one badly, so a leading one is dropped. */
    private static String stripDocstring(String body) {
        Matcher docstring = Pattern.compile("^\\s*(\"\"\"|''')(.*?)\\1[ \\t]*\\n", Pattern.DOTALL).matcher(body);
        return docstring.find() ? body.substring(docstring.end()) : body;
    }

    /**
     * Asks {@code completer} for {@code request.n()} answers per problem and runs them with {@code task}. A problem
     * the model refused (too long a prompt) is not run: its samples fail with the reason {@code refused}.
     */
    public static Result run(Completer completer, HumanEvalTask task, List<HumanEvalTask.Problem> problems,
                             Completer.Request request, List<Integer> ks) {
        long start = System.nanoTime();
        List<List<Message>> conversations = new ArrayList<>(problems.size());
        problems.forEach(problem -> conversations.add(conversation(problem)));
        List<Completer.Answers> answers = completer.complete(conversations, request);
        Map<String, List<String>> completions = new LinkedHashMap<>();
        Map<String, String> refused = new LinkedHashMap<>();
        for (int i = 0; i < problems.size(); i++) {
            HumanEvalTask.Problem problem = problems.get(i);
            completions.put(problem.taskId(), answers.get(i).texts().stream().map(a -> completion(problem, a)).toList());
            answers.get(i).refused().ifPresent(reason -> refused.put(problem.taskId(), reason));
        }
        Map<String, List<String>> runnable = new LinkedHashMap<>(completions);
        refused.keySet().forEach(runnable::remove);
        Map<String, HumanEvalTask.ProblemResult> ran = new LinkedHashMap<>();
        if (!runnable.isEmpty()) {
            task.evaluate(problems, runnable, ks).problems().forEach(result -> ran.put(result.taskId(), result));
        }
        List<HumanEvalTask.ProblemResult> results = new ArrayList<>(problems.size());
        for (HumanEvalTask.Problem problem : problems) {
            String reason = refused.get(problem.taskId());
            results.add(reason == null ? ran.get(problem.taskId()) : new HumanEvalTask.ProblemResult(problem.taskId(),
                    Collections.nCopies(request.n(), new HumanEvalTask.Sample(HumanEvalTask.Verdict.ERROR, REFUSED,
                            reason, 0))));
        }
        Map<Integer, Double> passAtK = new TreeMap<>();
        ks.forEach(k -> passAtK.put(k, results.stream().mapToDouble(r -> r.passAtK(k)).average().orElse(Double.NaN)));
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(completions, refused, new HumanEvalTask.Result(results, passAtK, seconds), seconds);
    }
}

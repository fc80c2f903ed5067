package dev.phi4j.trainer.eval;

import dev.phi4j.core.schema.Message;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HumanEval through a chat model, as simple-evals asks it: the function's signature and docstring in a user turn,
 * the answer's first fenced code block (or the whole answer without one) taken as the completion; when the answer
 * restates the signature, only what follows it is kept, since the program is the prompt + completion.
 */
public final class CodeGeneration {

    private static final Pattern FENCED = Pattern.compile("```(?:python|py)?[ \\t]*\\n(.*?)```", Pattern.DOTALL);

    private CodeGeneration() {}

    /** What a problem and its samples came to: the completions run and the sandbox's verdicts, pass@k. */
    public record Result(Map<String, List<String>> completions, HumanEvalTask.Result execution, double seconds) {}

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

    /** Asks {@code completer} for {@code request.n()} answers per problem and runs them with {@code task}. */
    public static Result run(Completer completer, HumanEvalTask task, List<HumanEvalTask.Problem> problems,
                             Completer.Request request, List<Integer> ks) {
        long start = System.nanoTime();
        List<List<Message>> conversations = new ArrayList<>(problems.size());
        problems.forEach(problem -> conversations.add(conversation(problem)));
        List<List<String>> answers = completer.complete(conversations, request);
        Map<String, List<String>> completions = new LinkedHashMap<>();
        for (int i = 0; i < problems.size(); i++) {
            HumanEvalTask.Problem problem = problems.get(i);
            completions.put(problem.taskId(), answers.get(i).stream().map(a -> completion(problem, a)).toList());
        }
        HumanEvalTask.Result execution = task.evaluate(problems, completions, ks);
        return new Result(completions, execution, (System.nanoTime() - start) / 1e9);
    }
}

package dev.phi4j.pipeline;

import dev.phi4j.pipeline.stage.Stage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which stages each stage of a pipeline reads, checked when the pipeline is built: every {@code input:} names a
 * stage listed before it whose record type is the one the stage reads, names are unique, a source stage reads
 * files only. A stage without {@code input:} reads the stage listed before it, so a plain list of stages is a line.
 * Errors name the config key, e.g. {@code stages[2].input}.
 */
final class StageGraph {

    private final List<List<Integer>> inputs;

    private StageGraph(List<List<Integer>> inputs) {
        this.inputs = inputs;
    }

    /** The positions of the stages {@code step} reads, in the order its config lists them. */
    List<Integer> inputsOf(int step) {
        return inputs.get(step);
    }

    static StageGraph of(List<Pipeline.Step> steps) {
        Map<String, Integer> positions = new HashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            Integer first = positions.putIfAbsent(steps.get(i).name(), i);
            if (first != null) {
                throw new IllegalArgumentException("stages[" + i + "].name: stage name '" + steps.get(i).name()
                        + "' is also the name of stages[" + first + "]; give one of them its own name with the "
                        + "name: key");
            }
        }
        List<List<Integer>> inputs = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            inputs.add(List.copyOf(inputsOf(i, steps, positions)));
        }
        return new StageGraph(List.copyOf(inputs));
    }

    private static List<Integer> inputsOf(int i, List<Pipeline.Step> steps, Map<String, Integer> positions) {
        Pipeline.Step step = steps.get(i);
        List<String> named = step.config().input();
        String key = "stages[" + i + "].input";
        if (step.stage().kind() == Stage.Kind.SOURCE) {
            if (!named.isEmpty()) {
                throw new IllegalArgumentException(key + ": '" + step.name() + "' is a source stage; it reads "
                        + "files, not other stages");
            }
            return List.of();
        }
        if (named.isEmpty()) {
            if (i == 0) {
                throw new IllegalArgumentException("stages[0] is '" + step.name() + "', which reads the output of "
                        + "a stage before it; a pipeline starts with a source stage (ingest)");
            }
            return List.of(checkedType(i - 1, i, steps, key + " (omitted: the stage listed before)"));
        }
        List<Integer> read = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String name : named) {
            Integer position = positions.get(name);
            if (position == null) {
                throw new IllegalArgumentException(key + ": no stage is named '" + name + "'; stages: "
                        + String.join(", ", steps.stream().map(Pipeline.Step::name).toList()));
            }
            if (position >= i) {
                throw new IllegalArgumentException(key + ": '" + name + "' is stages[" + position + "], not listed "
                        + "before this stage; a stage reads only stages listed before it");
            }
            if (!seen.add(name)) {
                throw new IllegalArgumentException(key + ": '" + name + "' is listed twice");
            }
            read.add(checkedType(position, i, steps, key));
        }
        return read;
    }

    private static int checkedType(int input, int reader, List<Pipeline.Step> steps, String key) {
        Class<? extends Record> written = steps.get(input).stage().writes();
        Class<? extends Record> read = steps.get(reader).stage().reads();
        if (!written.equals(read)) {
            throw new IllegalArgumentException(key + ": '" + steps.get(input).name() + "' writes "
                    + written.getSimpleName() + " records, but '" + steps.get(reader).name() + "' reads "
                    + read.getSimpleName() + " records");
        }
        return input;
    }
}

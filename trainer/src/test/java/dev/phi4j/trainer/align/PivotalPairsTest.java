package dev.phi4j.trainer.align;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phi4j.core.config.ConfigJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pivotal Token Search pairs ({@code phi4j pts}) on a scripted solver whose success probability is known for every
 * prefix: the planted pivotal tokens and only they are found, a pair needs a counterpart verified on the other side,
 * dropped questions say why, and a resumed run writes each pair once without asking the model again.
 */
class PivotalPairsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LENGTH = 12;
    private static final String MODEL = "sha256:scripted";

    /**
     * The solution is tokens 100..111 and wrong. p is 0.5 before token 3, 0.9 from token 3 to token 7, 0.1 after
     * token 8: token 3 raises p (pivotal, chosen) and token 8 lowers it (pivotal, rejected). Alternatives at each
     * position lead to the p's in {@code alternativeP}.
     */
    private static final class ScriptedSolver implements Solver {

        private final double initialP;
        private final Map<Integer, Double> alternativeP;
        private final Map<String, Integer> asked = new HashMap<>();

        ScriptedSolver(double initialP, Map<Integer, Double> alternativeP) {
            this.initialP = initialP;
            this.alternativeP = alternativeP;
        }

        static double p(int prefixLength) {
            return prefixLength <= 3 ? 0.5 : prefixLength <= 8 ? 0.9 : prefixLength < LENGTH ? 0.1 : 0.0;
        }

        @Override
        public List<List<Solution>> sample(List<Question> questions, int n) {
            return questions.stream().map(question -> sample(n)).toList();
        }

        private List<Solution> sample(int n) {
            int[] tokens = IntStream.range(100, 100 + LENGTH).toArray();
            double[] logProbs = new double[LENGTH];
            Arrays.fill(logProbs, -1);
            int[][] alternatives = new int[LENGTH][];
            for (int i = 0; i < LENGTH; i++) {
                alternatives[i] = new int[] {tokens[i], 50 + i, 70 + i, 90 + i};    // the sampled token first
            }
            List<Solution> solutions = new ArrayList<>();
            for (int j = 0; j < n; j++) {
                solutions.add(new Solution(tokens, logProbs, alternatives, j > 0 && j <= Math.round(initialP * n)));
            }
            return solutions;
        }

        @Override
        public double[] successGiven(Question question, List<int[]> prefixes) {
            double[] p = new double[prefixes.size()];
            for (int i = 0; i < prefixes.size(); i++) {
                int[] prefix = prefixes.get(i);
                asked.merge(question.id() + Arrays.toString(prefix), 1, Integer::sum);
                int last = prefix.length == 0 ? -1 : prefix[prefix.length - 1];
                p[i] = last < 0 || last >= 100 ? p(prefix.length) : alternativeP.getOrDefault(last, p(prefix.length - 1));
            }
            return p;
        }

        @Override
        public String text(int[] tokens) {
            StringBuilder text = new StringBuilder();
            for (int token : tokens) {
                text.append(" t").append(token);
            }
            return text.toString();
        }
    }

    @Test
    void exactlyThePlantedPivotalTokensArePairedWithAVerifiedCounterpartAndEachPairIsWrittenOnce(@TempDir Path dir)
            throws IOException {
        // At token 3 (raises p to 0.9): alternative 53 keeps p at 0.5 (not below), 73 drops it to 0.2 and 93 to 0.1:
        // the lowest, 93, is rejected. At token 8 (lowers p to 0.1): 58 → 0.95 becomes the chosen one.
        Map<Integer, Double> alternatives = Map.of(53, 0.5, 73, 0.2, 93, 0.1, 58, 0.95, 78, 0.4, 98, 0.05);
        PtsConfig config = config(dir, 3);
        List<Solver.Question> questions = List.of(question("q1", "7"), question("q2", "8"), question("q3", "9"));
        ScriptedSolver solver = new ScriptedSolver(0.5, alternatives);

        PtsJob.Summary summary = PtsJob.run(config, MODEL, questions, solver, line -> { });

        assertEquals(3, summary.questions());
        assertEquals(3, summary.byStatus().get(PivotalPairs.Status.SEARCHED));
        assertEquals(6, summary.pivotalTokens(), "tokens 3 and 8 of each solution");
        List<JsonNode> pairs = lines(dir.resolve("out/pairs.jsonl"));
        assertEquals(6, pairs.size());
        for (JsonNode pair : pairs) {
            assertEquals("pts", pair.get("kind").asText());
            assertTrue(pair.get("p_chosen").asDouble() - pair.get("p_rejected").asDouble() >= config.pGap(),
                    pair.toString());
        }
        JsonNode first = pairs.get(0), second = pairs.get(1);
        assertEquals(List.of(" t103", " t93"), List.of(first.get("chosen").asText(), first.get("rejected").asText()));
        assertEquals(" t100 t101 t102", first.get("prompt").get(1).get("content").asText(), "question + prefix");
        assertEquals(List.of(" t58", " t108"), List.of(second.get("chosen").asText(), second.get("rejected").asText()));
        assertEquals(List.of(0.9, 0.95, 0.1), List.of(second.get("p_before").asDouble(),
                second.get("p_chosen").asDouble(), second.get("p_rejected").asDouble()));
        assertTrue(solver.asked.values().stream().allMatch(times -> times == 1), "each prefix estimated once: "
                + solver.asked);

        ScriptedSolver again = new ScriptedSolver(0.5, alternatives);
        PtsJob.Summary resumed = PtsJob.run(config, MODEL, questions, again, line -> { });
        assertEquals(3, resumed.resumed());
        assertTrue(again.asked.isEmpty(), "a finished question is not searched again");
        assertEquals(pairs, lines(dir.resolve("out/pairs.jsonl")));
        Set<String> ids = new HashSet<>();
        pairs.forEach(pair -> assertTrue(ids.add(pair.get("id").asText()), "written once: " + pair));
    }

    @Test
    void withoutACounterpartOnTheOtherSideThereIsNoPairAndDroppedQuestionsSayWhy(@TempDir Path dir)
            throws IOException {
        // Every alternative at token 3 also raises p, every one at token 8 also lowers it: nothing verifies.
        Map<Integer, Double> sameSide = Map.of(53, 0.8, 73, 0.9, 93, 0.6, 58, 0.2, 78, 0.1, 98, 0.0);
        PtsConfig config = config(dir, 3);
        PtsJob.Summary summary = PtsJob.run(config, MODEL, List.of(question("q1", "7")),
                new ScriptedSolver(0.5, sameSide), line -> { });
        assertEquals(2, summary.pivotalTokens());
        assertEquals(0, summary.pairs());
        JsonNode line = lines(dir.resolve("out/questions.jsonl")).get(0);
        for (JsonNode pivot : line.get("pivotal_tokens")) {
            assertFalse(pivot.has("pair"));
            assertTrue(pivot.get("outcome").asText().startsWith("none of 3 alternatives"), pivot.toString());
        }

        PtsConfig other = config(dir.resolve("other"), 3);
        PtsJob.Summary easy = PtsJob.run(other, MODEL, List.of(question("easy", "1")),
                new ScriptedSolver(1.0, sameSide), text -> { });
        PtsJob.Summary hard = PtsJob.run(config(dir.resolve("hard"), 3), MODEL, List.of(question("hard", "2")),
                new ScriptedSolver(0.0, sameSide), text -> { });
        assertEquals(1, easy.byStatus().get(PivotalPairs.Status.TOO_EASY));
        assertEquals(1, hard.byStatus().get(PivotalPairs.Status.TOO_HARD));
        assertEquals(0, easy.pairs() + hard.pairs());
    }

    @Test
    void aQuestionLineCutShortByACrashIsSearchedAgain(@TempDir Path dir) throws IOException {
        Map<Integer, Double> alternatives = Map.of(93, 0.1, 58, 0.95);
        PtsConfig config = config(dir, 3);
        List<Solver.Question> questions = List.of(question("q1", "7"), question("q2", "8"));
        PtsJob.run(config, MODEL, questions, new ScriptedSolver(0.5, alternatives), line -> { });
        Path log = dir.resolve("out/questions.jsonl");
        String text = Files.readString(log);
        Files.writeString(log, text.substring(0, text.length() - 40));          // the second line half written

        ScriptedSolver resumed = new ScriptedSolver(0.5, alternatives);
        PtsJob.Summary summary = PtsJob.run(config, MODEL, questions, resumed, line -> { });
        assertEquals(1, summary.resumed());
        assertFalse(resumed.asked.isEmpty(), "the cut question was searched again");
        assertEquals(2, lines(log).size());
        assertEquals(4, lines(dir.resolve("out/pairs.jsonl")).size());
    }

    @Test
    void anOutputFolderOfAnotherModelsSearchIsRefusedRatherThanMixed(@TempDir Path dir) throws IOException {
        PtsConfig config = config(dir, 3);
        List<Solver.Question> questions = List.of(question("q1", "7"));
        PtsJob.run(config, MODEL, questions, new ScriptedSolver(0.5, Map.of()), line -> { });
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> PtsJob.run(config,
                "sha256:retrained", questions, new ScriptedSolver(0.5, Map.of()), line -> { }));
        assertTrue(error.getMessage().contains("holds a search of another model or with other settings"),
                error.getMessage());
    }

    private static Solver.Question question(String name, String answer) {
        return new Solver.Question("seed-" + "0".repeat(16 - name.length()) + name.hashCode(), "Question " + name,
                answer);
    }

    private static PtsConfig config(Path dir, int alternatives) {
        ObjectNode json = JSON.createObjectNode();
        json.put("checkpoint", dir.resolve("model").toString());
        json.put("questions", dir.resolve("questions.jsonl").toString());
        json.put("output", dir.resolve("out").toString());
        json.put("rollouts", 10);
        json.put("alternatives", alternatives);
        json.put("p_gap", 0.3);
        return ConfigJson.fromJson(json, PtsConfig.class, "test");
    }

    private static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }
}

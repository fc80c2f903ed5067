package dev.phi4j.trainer.eval;

import dev.phi4j.core.tokenizer.BpeTokenizer;
import dev.phi4j.trainer.generate.KvCacheModel;
import dev.phi4j.trainer.generate.TinyLm;
import dev.phi4j.trainer.model.PhiDecoder;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MultipleChoiceTest {

    /** Log-likelihoods looked up by continuation; the requests seen are kept. */
    private static final class Scripted implements MultipleChoice.LogLikelihood {
        final Map<String, Double> byContinuation;
        final List<MultipleChoice.Request> seen = new ArrayList<>();

        Scripted(Map<String, Double> byContinuation) {
            this.byContinuation = byContinuation;
        }

        @Override
        public double[] score(List<MultipleChoice.Request> requests) {
            seen.addAll(requests);
            return requests.stream().mapToDouble(r -> byContinuation.get(r.continuation())).toArray();
        }
    }

    /**
     * Log-likelihoods are negative, so dividing by a longer length only raises them: acc and acc_norm disagree when a
     * long choice has the lower total but the higher total per character.
     */
    @Test
    void accPrefersTheShortChoiceWithTheHigherTotalAndAccNormTheLongOneWithTheHigherPerCharacter() {
        String shortChoice = "no";                                   // -4 / 2 = -2 per character
        String longChoice = "a much longer answer";                  // -10 / 20 = -0.5 per character
        Scripted scorer = new Scripted(Map.of(" " + shortChoice, -4.0, " " + longChoice, -10.0, " maybe", -30.0));
        List<MultipleChoice.Item> items = List.of(
                new MultipleChoice.Item("Q1?", List.of("maybe", shortChoice, longChoice), 2, "q1"),
                new MultipleChoice.Item("Q2?", List.of(shortChoice, longChoice), 0, "q2"));

        MultipleChoice.Result result = MultipleChoice.run(scorer, items);

        assertEquals(List.of(new MultipleChoice.Request("Q1?", " maybe"), new MultipleChoice.Request("Q1?", " no"),
                new MultipleChoice.Request("Q1?", " a much longer answer"), new MultipleChoice.Request("Q2?", " no"),
                new MultipleChoice.Request("Q2?", " a much longer answer")), scorer.seen);
        MultipleChoice.Scored first = result.items().get(0);
        assertArrayEquals(new double[] {-30, -4, -10}, first.logLikelihoods());
        assertEquals(1, first.predicted());
        assertEquals(2, first.predictedNorm());
        MultipleChoice.Scored second = result.items().get(1);
        assertEquals(0, second.predicted());
        assertEquals(1, second.predictedNorm());
        assertEquals(0.5, result.acc());
        assertEquals(0.5, result.accNorm());
        assertTrue(first.correctNorm() && !first.correct() && second.correct() && !second.correctNorm());
        assertTrue(result.itemsPerSecond() > 0);
    }

    @Test
    void accNormCountsCharactersAsCodePointsNotUtf16Units() {
        // Per code point: -3/2 = -1.5 against -4/3 ≈ -1.33, "abc" wins; per UTF-16 unit the emoji would (-0.75).
        Scripted scorer = new Scripted(Map.of(" \uD83D\uDE00\uD83D\uDE00", -3.0, " abc", -4.0));
        MultipleChoice.Result result = MultipleChoice.run(scorer, List.of(
                new MultipleChoice.Item("Pick", List.of("\uD83D\uDE00\uD83D\uDE00", "abc"), 1, "q")));
        assertEquals(0, result.items().get(0).predicted());
        assertEquals(1, result.items().get(0).predictedNorm());
    }

    @Test
    void equalScoresPickTheFirstChoice() {
        Scripted scorer = new Scripted(Map.of(" ab", -2.0, " cd", -2.0));
        MultipleChoice.Scored scored = MultipleChoice.run(scorer,
                List.of(new MultipleChoice.Item("x", List.of("ab", "cd"), 1, "q"))).items().get(0);
        assertEquals(0, scored.predicted());
        assertEquals(0, scored.predictedNorm());
    }

    /** The model's scores against log-softmax of {@link PhiDecoder#logits} over context ++ " " + choice. */
    @Test
    void theModelsLogLikelihoodsAreTheGraphsSumsOverTheSpacedChoice() {
        ComputationGraph net = TinyLm.net(DataType.DOUBLE, PhiDecoder.Masking.CAUSAL, 3);
        BpeTokenizer tokenizer = TinyLm.tokenizer();
        List<MultipleChoice.Item> items = List.of(
                new MultipleChoice.Item("The lighthouse keeper counted the", List.of("ships", "stars", "waves"), 0,
                        "a"),
                new MultipleChoice.Item("Notes on counting: ", List.of("one", "two, three"), 1, "b"),
                new MultipleChoice.Item("", List.of("one", "two"), 0, "c"));

        MultipleChoice.Result result = MultipleChoice.run(MultipleChoice.model(
                new CheckpointScoring(new KvCacheModel(net), tokenizer, "tiny", 3)),
                items);

        int eot = tokenizer.specialTokens().endOfText();
        int[][] contexts = {tokenizer.encode("The lighthouse keeper counted the"),
                tokenizer.encode("Notes on counting:"), {eot}};
        String[] leading = {" ", "  ", " "};                         // the context's trailing space moves here
        for (int i = 0; i < items.size(); i++) {
            MultipleChoice.Scored scored = result.items().get(i);
            double[] expected = new double[items.get(i).choices().size()];
            for (int c = 0; c < expected.length; c++) {
                int[] continuation = tokenizer.encode(leading[i] + items.get(i).choices().get(c));
                int[] all = TinyLm.concat(contexts[i], continuation);
                INDArray logits = TinyLm.referenceLogits(net, all, contexts[i].length - 1);
                for (int t = 0; t < continuation.length; t++) {
                    expected[c] += TinyLm.referenceLogSoftmax(logits.getRow(t))[continuation[t]];
                }
            }
            assertArrayEquals(expected, scored.logLikelihoods(), 1e-9, "item " + i);
            int best = 0;
            for (int c = 1; c < expected.length; c++) {
                best = expected[c] > expected[best] ? c : best;
            }
            assertEquals(best, scored.predicted(), "item " + i);
        }
    }

    @Test
    void jsonlWithAnArrayOfChoicesAndLetterOrIndexGolds(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("arc.jsonl");
        Files.writeString(file, """
                {"question": "Which is a gas?", "choices": ["ice", "steam", "rock"], "answerKey": "B", "n": 1}

                {"question": "2+2?", "choices": ["3", 4, "5"], "answerKey": "c", "n": 2}
                """);
        List<MultipleChoice.Item> letters = MultipleChoiceItems.read(file, new MultipleChoiceItems.FieldMapping(
                "question", List.of("choices"), "answerKey", MultipleChoiceItems.GoldFormat.LETTER));
        assertEquals(List.of(
                new MultipleChoice.Item("Which is a gas?", List.of("ice", "steam", "rock"), 1, file + ":1"),
                new MultipleChoice.Item("2+2?", List.of("3", "4", "5"), 2, file + ":3")), letters);

        List<MultipleChoice.Item> indices = MultipleChoiceItems.read(file, new MultipleChoiceItems.FieldMapping(
                "question", List.of("choices"), "n", MultipleChoiceItems.GoldFormat.INDEX));
        assertEquals(List.of(1, 2), indices.stream().map(MultipleChoice.Item::gold).toList());
    }

    @Test
    void csvWithOneColumnPerChoiceQuotedCellsAndRecordLines(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("mmlu.csv");
        Files.writeString(file, "question,A,B,C,D,answer\r\n"
                + "\"Pick, the \"\"second\"\"\",w,x,y,z,B\r\n"
                + "\"Two\nlines\",p,q,r,s,d\n"
                + "last,1,2,3,4,A");
        List<MultipleChoice.Item> items = MultipleChoiceItems.read(file, new MultipleChoiceItems.FieldMapping(
                "question", List.of("A", "B", "C", "D"), "answer", MultipleChoiceItems.GoldFormat.LETTER));
        assertEquals(List.of(
                new MultipleChoice.Item("Pick, the \"second\"", List.of("w", "x", "y", "z"), 1, file + ":2"),
                new MultipleChoice.Item("Two\nlines", List.of("p", "q", "r", "s"), 3, file + ":3"),
                new MultipleChoice.Item("last", List.of("1", "2", "3", "4"), 0, file + ":5")), items);
    }

    @Test
    void csvWithAJsonArrayCellAndAnIndexGold(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("hellaswag.csv");
        Files.writeString(file, "ctx,endings,label\n\"A man\",\"[\"\"runs\"\", \"\"sits\"\"]\",1\n");
        List<MultipleChoice.Item> items = MultipleChoiceItems.read(file, new MultipleChoiceItems.FieldMapping(
                "ctx", List.of("endings"), "label", MultipleChoiceItems.GoldFormat.INDEX));
        assertEquals(List.of(new MultipleChoice.Item("A man", List.of("runs", "sits"), 1, file + ":2")), items);
    }

    @Test
    void errorsNameTheFileLineAndField(@TempDir Path dir) throws IOException {
        MultipleChoiceItems.FieldMapping letters = new MultipleChoiceItems.FieldMapping(
                "question", List.of("choices"), "label", MultipleChoiceItems.GoldFormat.LETTER);
        Path jsonl = dir.resolve("items.jsonl");
        Files.writeString(jsonl, """
                {"question": "a", "choices": ["x", "y"], "label": "A"}
                {"question": "b", "choices": ["x", "y"], "label": "B"}
                {"question": "c", "choices": ["x", "y"]}
                """);
        assertMessage(jsonl + ":3: field 'label' is missing", () -> MultipleChoiceItems.read(jsonl, letters));

        Files.writeString(jsonl, "{\"question\": \"a\", \"choices\": [\"x\", \"y\"], \"label\": \"C\"}\n");
        assertMessage(jsonl + ":1: field 'label' is 'C', but there are 2 choices",
                () -> MultipleChoiceItems.read(jsonl, letters));

        Files.writeString(jsonl, "{\"question\": \"a\", \"choices\": \"x\", \"label\": \"A\"}\n");
        assertMessage(jsonl + ":1: field 'choices'", () -> MultipleChoiceItems.read(jsonl, letters));

        Path csv = dir.resolve("items.csv");
        Files.writeString(csv, "question,A,B,label\nq,x,y,first\n");
        assertMessage(csv + ":2: field 'label' is 'first', not a choice index", () -> MultipleChoiceItems.read(csv,
                new MultipleChoiceItems.FieldMapping("question", List.of("A", "B"), "label",
                        MultipleChoiceItems.GoldFormat.INDEX)));

        Files.writeString(csv, "question,A,B,label\nq,x,y,0\nr,x,0\n");
        assertMessage(csv + ":3: 3 cells, but the header (line 1) has 4", () -> MultipleChoiceItems.read(csv,
                new MultipleChoiceItems.FieldMapping("question", List.of("A", "B"), "label",
                        MultipleChoiceItems.GoldFormat.INDEX)));

        Files.writeString(csv, "question,A,B,label\nq,x,y,0\n");
        assertMessage(csv + ":2: field 'C' is missing", () -> MultipleChoiceItems.read(csv,
                new MultipleChoiceItems.FieldMapping("question", List.of("A", "B", "C"), "label",
                        MultipleChoiceItems.GoldFormat.INDEX)));
    }

    private static void assertMessage(String prefix, org.junit.jupiter.api.function.Executable read) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, read);
        assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
    }
}

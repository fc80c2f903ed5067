package dev.phi4j.trainer.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class MathAnswersTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path ROOT = Path.of(System.getProperty("phi4j.root", "..")).toAbsolutePath().normalize();
    private static final Pattern EQUATION = Pattern.compile("(\\d+)([-+*/])(\\d+)=(\\d+)\\.");
    private static final Pattern WORKING = Pattern.compile("(?:" + EQUATION.pattern() + " )*" + EQUATION.pattern());

    static Stream<Arguments> numbers() {
        return Stream.of(
                arguments("1234", "1234"), arguments("1,234", "1234"), arguments("1,234,567", "1234567"),
                arguments("$1,234.00", "1234"), arguments("$-5.", "-5"), arguments("-$5", "-5"),
                arguments("+7", "7"), arguments("-12", "-12"), arguments("12.0", "12"), arguments("12.50", "12.5"),
                arguments(".5", "0.5"), arguments("-0", "0"), arguments("007", "7"), arguments(" 42 ", "42"),
                arguments("1,23", null), arguments("12,3456", null), arguments("--5", null), arguments("$", null),
                arguments("", null), arguments("twelve", null), arguments("5 apples", null));
    }

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @MethodSource("numbers")
    void numbersAreWrittenOneWay(String number, String canonical) {
        assertEquals(Optional.ofNullable(canonical), MathAnswers.normalize(number));
    }

    static Stream<Arguments> strictCases() {
        return Stream.of(
                arguments("9 * 2 = <<9*2=18>>18 dollars.\n#### 18", "18"),
                arguments("#### 1,234", "1234"),
                arguments("#### -5", "-5"),
                arguments("#### $-5.", "-5"),
                arguments("#### 12.50", "12.5"),
                arguments("####18", "18"),
                arguments("#### 3\n#### 4", "4"),
                arguments("#### 18\n\nQuestion: Tom has 3 apples and 4 pears.", "18"),
                arguments("So the answer is 18.", null),
                arguments("#### none", null),
                arguments("#### 5\nNo, wait.\n#### ?", null),
                arguments("", null));
    }

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @MethodSource("strictCases")
    void strictReadsOnlyTheNumberAfterTheLastMarker(String text, String answer) {
        assertEquals(Optional.ofNullable(answer), MathAnswers.strict(text));
    }

    static Stream<Arguments> flexibleCases() {
        return Stream.of(
                arguments("She sells 16 - 3 - 4 = 9 eggs and makes $18.", "18"),
                arguments("16-3=13", "13"),
                arguments("The total is 1,234 dollars", "1234"),
                arguments("It falls to -5 degrees.", "-5"),
                arguments("Each costs $12.50 now", "12.5"),
                arguments("Pick 1, 2, 3", "3"),
                arguments("Half is .5 of it", "0.5"),
                arguments("#### 18\n\nQuestion: Tom has 3 apples.", "3"),
                arguments("No number here.", null),
                arguments("", null));
    }

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @MethodSource("flexibleCases")
    void flexibleReadsTheLastNumberAnywhere(String text, String answer) {
        assertEquals(Optional.ofNullable(answer), MathAnswers.flexible(text));
    }

    static Stream<Arguments> boxedCases() {
        return Stream.of(
                arguments("so the answer is $\\boxed{42}$.", "42"),
                arguments("\\boxed{1,234}", "1234"),
                arguments("\\boxed{1{,}000}", "1000"),
                arguments("\\boxed{\\$5.00}", "5"),
                arguments("\\boxed{ -7 }", "-7"),
                arguments("\\boxed{\\frac{1}{2}}", "\\frac{1}{2}"),
                arguments("\\boxed{3} or rather \\boxed{4}", "4"),
                arguments("\\boxed{5", null),
                arguments("The answer is 5.", null));
    }

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @MethodSource("boxedCases")
    void boxedReadsTheLastBalancedBox(String text, String answer) {
        assertEquals(Optional.ofNullable(answer), MathAnswers.boxed(text));
    }

    @Test
    void matchingComparesNumbersNotSpellings() {
        assertTrue(MathAnswers.matches(Optional.of("1,234"), "1234"));
        assertTrue(MathAnswers.matches(Optional.of("12.0"), "12"));
        assertTrue(MathAnswers.matches(Optional.of("$-5."), "-5"));
        assertTrue(MathAnswers.matches(Optional.of("\\frac{1}{2}"), " \\frac{1}{2}"));
        assertFalse(MathAnswers.matches(Optional.of("5"), "-5"));
        assertFalse(MathAnswers.matches(Optional.of("0.5"), "\\frac{1}{2}"));
        assertFalse(MathAnswers.matches(Optional.empty(), "5"));
    }

    @Test
    void eachExtractionReadsItsOwnAnswer() {
        String text = "First I thought \\boxed{7}.\n#### 4\nThen 9";
        assertEquals(Optional.of("4"), MathAnswers.Extraction.STRICT.extract(text));
        assertEquals(Optional.of("9"), MathAnswers.Extraction.FLEXIBLE.extract(text));
        assertEquals(Optional.of("7"), MathAnswers.Extraction.BOXED.extract(text));
    }

    @Test
    void gsm8kReferenceSolutionsScoreOneUnderStrictAndFlexible() throws IOException {
        for (String split : List.of("test", "train")) {
            List<JsonNode> rows = jsonl(SharedData.find("datasets/gsm8k/" + split + ".jsonl"));
            assertEquals(split.equals("test") ? 1319 : 7473, rows.size(), split);
            List<String> solutions = rows.stream().map(row -> row.get("answer").asText()).toList();
            List<String> references = solutions.stream().map(s -> s.substring(s.lastIndexOf("#### ") + 5)).toList();
            for (Function<String, Optional<String>> extractor
                    : List.<Function<String, Optional<String>>>of(MathAnswers::strict, MathAnswers::flexible)) {
                List<String> misses = new ArrayList<>();
                for (int i = 0; i < solutions.size(); i++) {
                    if (!MathAnswers.matches(extractor.apply(solutions.get(i)), references.get(i))) {
                        misses.add(references.get(i) + " <- " + solutions.get(i));
                    }
                }
                assertEquals(List.of(), misses.subList(0, Math.min(5, misses.size())),
                        split + ": " + misses.size() + " of " + rows.size() + " solutions miss their own answer");
            }
            assertTrue(references.stream().anyMatch(r -> r.contains(",")),
                    split + " has references written with thousands commas, which must match");
        }
    }

    @Test
    void arithWorkingsHoldAndEndInTheirAnswer() throws IOException {
        for (String split : List.of("train", "test")) {
            List<JsonNode> rows = jsonl(ROOT.resolve("datasets/arith/" + split + ".jsonl"));
            assertEquals(split.equals("train") ? 6000 : 300, rows.size(), split);
            for (JsonNode row : rows) {
                String question = row.get("question").asText();
                String answer = row.get("answer").asText();
                String where = split + ": " + question + " / " + answer;
                int marker = answer.indexOf("\n#### ");
                assertTrue(marker > 0, "working then #### n: " + where);
                String working = answer.substring(0, marker);
                assertTrue(WORKING.matcher(working).matches(), "only equations a op b = c.: " + where);
                assertTrue((question + " " + answer).split("\\s+").length < 60, "under 60 words: " + where);

                // Every operand was given in the question or worked out in an earlier step.
                Set<Long> known = new HashSet<>();
                Matcher given = Pattern.compile("\\d+").matcher(question);
                while (given.find()) {
                    known.add(Long.parseLong(given.group()));
                }
                Matcher eq = EQUATION.matcher(working);
                long result = -1;
                while (eq.find()) {
                    long a = Long.parseLong(eq.group(1));
                    long b = Long.parseLong(eq.group(3));
                    result = Long.parseLong(eq.group(4));
                    boolean holds = switch (eq.group(2)) {
                        case "+" -> a + b == result;
                        case "-" -> a - b == result;
                        case "*" -> a * b == result;
                        case "/" -> b * result == a;
                        default -> throw new AssertionError(eq.group(2));
                    };
                    assertTrue(holds, eq.group() + " is false: " + where);
                    assertTrue(known.contains(a) && known.contains(b),
                            eq.group() + " uses an unknown number: " + where);
                    assertTrue(result >= 1 && result < 200, "results are 1..199: " + where);
                    known.add(result);
                }
                assertEquals(Optional.of(Long.toString(result)), MathAnswers.strict(answer), where);
            }
        }
    }

    @Test
    void arithTestQuestionsAreNotInTrainAndSftIsTrain() throws IOException {
        List<JsonNode> train = jsonl(ROOT.resolve("datasets/arith/train.jsonl"));
        Set<String> trainQuestions = new HashSet<>();
        train.forEach(row -> trainQuestions.add(row.get("question").asText()));
        assertEquals(train.size(), trainQuestions.size(), "train questions are distinct");
        for (JsonNode row : jsonl(ROOT.resolve("datasets/arith/test.jsonl"))) {
            assertFalse(trainQuestions.contains(row.get("question").asText()), "in train: " + row);
        }

        List<JsonNode> sft = jsonl(ROOT.resolve("datasets/arith/sft.jsonl"));
        assertEquals(train.size(), sft.size());
        for (int i = 0; i < sft.size(); i++) {
            JsonNode messages = sft.get(i).get("messages");
            assertEquals(2, messages.size(), sft.get(i).toString());
            assertEquals("user", messages.get(0).get("role").asText());
            assertEquals(train.get(i).get("question").asText(), messages.get(0).get("content").asText());
            assertEquals("assistant", messages.get(1).get("role").asText());
            assertEquals(train.get(i).get("answer").asText(), messages.get(1).get("content").asText());
            assertTrue(sft.get(i).get("lineage").isArray() && sft.get(i).get("lineage").isEmpty());
        }
    }

    private static List<JsonNode> jsonl(Path file) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            rows.add(JSON.readTree(line));
        }
        return rows;
    }
}

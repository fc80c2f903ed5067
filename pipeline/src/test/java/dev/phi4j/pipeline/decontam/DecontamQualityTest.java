package dev.phi4j.pipeline.decontam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.phi4j.core.schema.Document;
import dev.phi4j.core.schema.SourceClass;
import dev.phi4j.pipeline.TestSpark;
import dev.phi4j.pipeline.io.SparkRecords;
import dev.phi4j.pipeline.stage.RunningContext;
import dev.phi4j.pipeline.stage.StageRows;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The decontamination quality bar on real data: benchmark test items planted in real training text, verbatim and
 * lightly edited, must be found; untouched training documents must not be. Eligibility of an edited plant (it still
 * shares a non-allow-listed 13-gram with its item, or its 7-gram overlap ratio reaches the contaminated threshold)
 * is decided by a separate, string-based implementation of the rule, so the test checks the Spark stage against an
 * independent reading of the definition. The measured numbers are printed (and quoted in pipeline/README.md).
 */
class DecontamQualityTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double CONTAMINATED = 0.5;
    private static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        spark = TestSpark.session();
    }

    /** A planted document: its text, the item it carries, whether the item was edited. */
    private record Plant(String text, String item, boolean edited) {}

    private record Measured(double verbatimRecall, int verbatim, double editedRecall, int eligible, int edited,
                            double rawEditedRecall, double falsePositiveRate, int untouched, double partialRate) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "verbatim recall %.4f (%d plants), edited recall %.4f on %d eligible "
                            + "of %d edited (%.4f on all edited), false-positive rate %.4f on %d untouched documents "
                            + "(partial %.4f)", verbatimRecall, verbatim, editedRecall, eligible, edited,
                    rawEditedRecall, falsePositiveRate, untouched, partialRate);
        }
    }

    @Test
    void gsm8kTestQuestionsPlantedInTrainDocumentsAreFoundAndTrainDocumentsAreNot() throws IOException {
        List<String> train = new ArrayList<>();
        for (String line : Files.readAllLines(TestSpark.shared("gsm8k/train.jsonl"))) {
            JsonNode item = JSON.readTree(line);
            train.add(item.get("question").asText() + "\n\n" + item.get("answer").asText());
        }
        List<String> questions = new ArrayList<>();
        for (String line : Files.readAllLines(TestSpark.shared("gsm8k/test.jsonl"))) {
            questions.add(JSON.readTree(line).get("question").asText());
        }
        List<UnaryOperator<String>> edits = List.of(DecontamQualityTest::changeNumbers,
                DecontamQualityTest::changeNames, DecontamQualityTest::reorderSentences,
                DecontamQualityTest::insertWords);
        List<Plant> plants = new ArrayList<>();
        for (int k = 0; k < 400; k++) {
            String question = questions.get(k * 3);
            boolean edited = k % 4 != 0;
            String planted = edited ? edits.get(k % edits.size()).apply(question) : question;
            plants.add(new Plant(train.get(k) + "\n\n" + planted, question, edited));
        }
        Set<String> allowList = new HashSet<>();
        train.forEach(text -> allowList.addAll(grams(text, 13)));

        DecontamConfig config = new DecontamConfig(
                List.of(new BenchmarkConfig("gsm8k", BenchmarkConfig.Format.GSM8K,
                        TestSpark.shared("gsm8k/test.jsonl").toString(), List.of(), Optional.empty())),
                List.of(new BenchmarkConfig("gsm8k-train", BenchmarkConfig.Format.GSM8K,
                        TestSpark.shared("gsm8k/train.jsonl").toString(), List.of("question", "answer"),
                        Optional.empty())),
                1, 13, 7, CONTAMINATED, 0.2, DecontamConfig.Action.DROP, DecontamConfig.Action.KEEP, 100);
        Measured measured = measure(config, plants, train.subList(plants.size(), train.size()), allowList);

        System.out.println("QUALITY gsm8k: " + measured);
        assertTrue(measured.verbatimRecall() >= 0.99, measured.toString());
        assertTrue(measured.editedRecall() >= 0.9, measured.toString());
        assertTrue(measured.falsePositiveRate() <= 0.005, measured.toString());
    }

    @Test
    void humanEvalPromptsPlantedInRealPythonFilesAreFoundAndOtherFilesAreNot() throws IOException {
        Path stdlib = Path.of("/usr/lib/python3.11");
        Assumptions.assumeTrue(Files.isDirectory(stdlib), "needs a Python standard library as the code corpus");
        List<String> code = new ArrayList<>();
        try (Stream<Path> files = Files.walk(stdlib)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".py") && !f.toString().contains("/test"))
                    .sorted().toList()) {
                if (Files.size(file) > 2_000 && Files.size(file) < 60_000 && code.size() < 700) {
                    code.add(Files.readString(file, StandardCharsets.ISO_8859_1));
                }
            }
        }
        List<String[]> prompts = new ArrayList<>();
        Path humanEval = TestSpark.shared("humaneval/HumanEval.jsonl.gz");
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                Files.newInputStream(humanEval)), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                JsonNode item = JSON.readTree(line);
                prompts.add(new String[] {item.get("prompt").asText(), item.get("entry_point").asText()});
            }
        }
        List<Plant> plants = new ArrayList<>();
        for (int k = 0; k < prompts.size(); k++) {
            String prompt = prompts.get(k)[0];
            boolean edited = k % 2 == 1;
            String planted = !edited ? prompt : switch (k % 3) {
                case 0 -> changeNumbers(prompt.replace(prompts.get(k)[1], "solve_task"));
                case 1 -> insertWords(prompt);
                default -> changeNumbers(insertWords(prompt));
            };
            String host = code.get(k);
            int middle = host.indexOf("\n\n", host.length() / 2);
            plants.add(new Plant(host.substring(0, Math.max(0, middle)) + "\n\n" + planted + "\n"
                    + host.substring(Math.max(0, middle)), prompt, edited));
        }
        DecontamConfig config = new DecontamConfig(
                List.of(new BenchmarkConfig("humaneval", BenchmarkConfig.Format.HUMANEVAL, humanEval.toString(),
                        List.of(), Optional.empty())),
                List.of(), 1, 13, 7, CONTAMINATED, 0.2, DecontamConfig.Action.DROP, DecontamConfig.Action.KEEP, 100);
        Measured measured = measure(config, plants, code.subList(plants.size(), code.size()), Set.of());

        System.out.println("QUALITY humaneval: " + measured);
        assertTrue(measured.verbatimRecall() >= 0.99, measured.toString());
        assertTrue(measured.editedRecall() >= 0.9, measured.toString());
        assertTrue(measured.falsePositiveRate() <= 0.005, measured.toString());
    }

    private static Measured measure(DecontamConfig config, List<Plant> plants, List<String> untouched,
                                    Set<String> allowList) {
        List<Document> docs = new ArrayList<>();
        Map<String, Plant> plantById = new HashMap<>();
        for (int i = 0; i < plants.size(); i++) {
            Document doc = Document.of("plants", SourceClass.QA, "plant#" + i, plants.get(i).text(), Map.of(),
                    List.of());
            docs.add(doc);
            plantById.put(doc.id(), plants.get(i));
        }
        for (int i = 0; i < untouched.size(); i++) {
            docs.add(Document.of("corpus", SourceClass.QA, "doc#" + i, untouched.get(i), Map.of(), List.of()));
        }
        List<Row> rows = config.build().apply(SparkRecords.dataFrame(spark, Document.class, docs),
                new RunningContext(spark, 1)).collectAsList();

        int verbatim = 0;
        int verbatimFound = 0;
        int edited = 0;
        int eligible = 0;
        int eligibleFound = 0;
        int editedFound = 0;
        int falsePositives = 0;
        int partial = 0;
        for (Row row : rows) {
            String status = row.<String, String>getJavaMap(StageRows.METADATA).get("decontam.status");
            boolean found = "contaminated".equals(status);
            Plant plant = plantById.get(row.getString(StageRows.ID));
            if (plant == null) {
                falsePositives += found ? 1 : 0;
                partial += "partial".equals(status) ? 1 : 0;
            } else if (!plant.edited()) {
                verbatim++;
                verbatimFound += found ? 1 : 0;
            } else {
                edited++;
                editedFound += found ? 1 : 0;
                if (eligible(plant, allowList, config.contaminatedRatio())) {
                    eligible++;
                    eligibleFound += found ? 1 : 0;
                }
            }
        }
        return new Measured((double) verbatimFound / verbatim, verbatim, (double) eligibleFound / eligible, eligible,
                edited, (double) editedFound / edited, (double) falsePositives / untouched.size(), untouched.size(),
                (double) partial / untouched.size());
    }

    /** The rule read independently: string n-grams of lower-cased words with punctuation deleted. */
    private static boolean eligible(Plant plant, Set<String> allowList, double threshold) {
        Set<String> item13 = grams(plant.item(), 13);
        for (String gram : grams(plant.text(), 13)) {
            if (item13.contains(gram) && !allowList.contains(gram)) {
                return true;
            }
        }
        Set<String> doc7 = grams(plant.text(), 7);
        Set<String> item7 = grams(plant.item(), 7);
        long shared = doc7.stream().filter(item7::contains).count();
        return (double) shared / Math.min(doc7.size(), item7.size()) >= threshold;
    }

    private static Set<String> grams(String text, int n) {
        String[] words = text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}\\s]", "").trim().split("\\s+");
        Set<String> grams = new HashSet<>();
        for (int i = 0; i + n <= words.length; i++) {
            grams.add(String.join(" ", Arrays.copyOfRange(words, i, i + n)));
        }
        return grams;
    }

    private static String changeNumbers(String text) {
        Matcher numbers = Pattern.compile("\\d+").matcher(text);
        StringBuilder out = new StringBuilder();
        while (numbers.find()) {
            numbers.appendReplacement(out, Long.toString(Long.parseLong(numbers.group()) % 1000 + 7));
        }
        return numbers.appendTail(out).toString();
    }

    private static String changeNames(String text) {
        String[] words = text.split(" ");
        for (int i = 1; i < words.length; i++) {
            boolean sentenceStart = words[i - 1].matches(".*[.?!]");
            if (!sentenceStart && words[i].matches("[A-Z][a-z]+.*")) {
                words[i] = "Zephyrine" + words[i].replaceAll("^[A-Za-z]+", "");
            }
        }
        if (words[0].matches("[A-Z][a-z]+") && !Set.of("How", "What", "If", "The", "A", "In", "On", "There", "At",
                "Each", "Every", "An", "When", "After", "For").contains(words[0])) {
            words[0] = "Zephyrine";
        }
        return String.join(" ", words);
    }

    private static String reorderSentences(String text) {
        List<String> sentences = new ArrayList<>(List.of(text.split("(?<=[.?!])\\s+")));
        if (sentences.size() > 1) {
            sentences.add(0, sentences.remove(sentences.size() - 1));
        }
        return String.join(" ", sentences);
    }

    private static String insertWords(String text) {
        String[] words = text.split(" ");
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < words.length; i++) {
            out.append(i == 0 ? "" : " ").append(words[i]);
            if (i % 9 == 8) {
                out.append(" basically");
            }
        }
        return out.toString();
    }
}

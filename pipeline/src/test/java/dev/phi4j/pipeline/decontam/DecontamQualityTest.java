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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The decontamination quality bar on real data: every benchmark item (all 1,319 GSM8K test questions, all 164
 * HumanEval prompts) is planted once per edit kind into a real document (GSM8K train Q&A, tinyshakespeare
 * paragraphs, the Common Crawl WET page, Python standard-library modules), and recall is counted over <em>all</em>
 * plants of each kind: a plant is found when the document's {@code decontam.items} marks its item contaminated. An
 * edit that leaves an item's text unchanged (no number to change, no name to swap, one sentence) plants nothing
 * for that kind. False positives are untouched documents flagged contaminated: GSM8K train problems (the same
 * templates as the test set, not contamination), web and book text, and code. Each matcher runs alone and then all
 * together; the tables are printed (and quoted in pipeline/README.md).
 */
class DecontamQualityTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<DecontamConfig.MatcherKind> ALL = List.of(DecontamConfig.MatcherKind.PAPER,
            DecontamConfig.MatcherKind.NORMALIZED, DecontamConfig.MatcherKind.SENTENCES);
    private static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        spark = TestSpark.session();
    }

    /** The edit kinds, in table order. */
    enum Kind { VERBATIM, CASING, NAMES, REORDER, NUMBERS, PARAPHRASE }

    /** A planted document: its text, the id of the item it carries, the edit. */
    private record Plant(String text, String item, Kind kind) {}

    /** An untouched document and the set it belongs to for the false-positive rates. */
    private record Untouched(String text, String set) {}

    /** Recall per kind and false positives per set, for one matcher configuration. */
    private record Measured(Map<Kind, int[]> recall, Map<String, int[]> falsePositives) {
        double recall(Kind kind) {
            int[] r = recall.get(kind);
            return (double) r[1] / r[0];
        }

        double falsePositiveRate(String set) {
            int[] f = falsePositives.get(set);
            return (double) f[1] / f[0];
        }
    }

    @Test
    void gsm8kPlantsOfEveryEditKindAreFoundAndTrainProblemsAndWebTextAreNot() throws IOException {
        List<String> train = new ArrayList<>();
        for (String line : Files.readAllLines(TestSpark.shared("gsm8k/train.jsonl"))) {
            JsonNode item = JSON.readTree(line);
            train.add(item.get("question").asText() + "\n\n" + item.get("answer").asText());
        }
        List<String> questions = new ArrayList<>();
        for (String line : Files.readAllLines(TestSpark.shared("gsm8k/test.jsonl"))) {
            questions.add(JSON.readTree(line).get("question").asText());
        }
        List<String> books = new ArrayList<>();
        for (String block : Files.readString(TestSpark.shared("tinyshakespeare/input.txt")).split("\n\n")) {
            if (block.length() > 200) {
                books.add(block);
            }
        }
        String wet = wetPage();
        // hosts: GSM8K train documents (the hardest: same phrasing), book paragraphs and the web page, in turn
        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            hosts.add(train.get(i));
            hosts.add(books.get(i % 400));
        }
        hosts.add(wet);
        List<Plant> plants = new ArrayList<>();
        for (int k = 0; k < questions.size(); k++) {
            String question = questions.get(k);
            String id = Integer.toString(k + 1);
            for (Kind kind : Kind.values()) {
                String edited = edit(kind, question, null, k);
                if (kind == Kind.VERBATIM || !edited.equals(question)) {
                    plants.add(new Plant(plantInto(hosts.get((k * Kind.values().length + kind.ordinal())
                            % hosts.size()), edited), id, kind));
                }
            }
        }
        List<Untouched> untouched = new ArrayList<>();
        train.subList(1500, train.size()).forEach(text -> untouched.add(new Untouched(text, "gsm8k-train")));
        books.subList(400, books.size()).forEach(text -> untouched.add(new Untouched(text, "web+books")));
        untouched.add(new Untouched(wet, "web+books"));

        List<BenchmarkConfig> benchmark = List.of(new BenchmarkConfig("gsm8k", BenchmarkConfig.Format.GSM8K,
                TestSpark.shared("gsm8k/test.jsonl").toString(), List.of(), Optional.empty()));
        List<BenchmarkConfig> allowList = List.of(new BenchmarkConfig("gsm8k-train", BenchmarkConfig.Format.GSM8K,
                TestSpark.shared("gsm8k/train.jsonl").toString(), List.of("question", "answer"), Optional.empty()));
        Map<String, Measured> byMatcher = measureEach("gsm8k", benchmark, allowList, plants, untouched);

        Measured all = byMatcher.get("all");
        assertGoals(all);
        assertEquals(1.0, byMatcher.get("paper").recall(Kind.VERBATIM), "the paper's rule finds verbatim copies");
        assertTrue(all.falsePositiveRate("gsm8k-train") <= 0.005, "false positives on GSM8K train");
        assertTrue(all.falsePositiveRate("web+books") <= 0.005, "false positives on web and book text");
    }

    @Test
    void humanEvalPlantsOfEveryEditKindAreFoundInRealPythonFilesAndOtherFilesAreNot() throws IOException {
        Path stdlib = Path.of("/usr/lib/python3.11");
        Assumptions.assumeTrue(Files.isDirectory(stdlib), "needs a Python standard library as the code corpus");
        List<String> code = new ArrayList<>();
        try (Stream<Path> files = Files.walk(stdlib)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".py") && !f.toString().contains("/test"))
                    .sorted().toList()) {
                if (Files.size(file) > 2_000 && Files.size(file) < 60_000 && code.size() < 1_000) {
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
                prompts.add(new String[] {item.get("task_id").asText(), item.get("prompt").asText(),
                        item.get("entry_point").asText()});
            }
        }
        int hostCount = 200;
        List<Plant> plants = new ArrayList<>();
        for (int k = 0; k < prompts.size(); k++) {
            String prompt = prompts.get(k)[1];
            for (Kind kind : Kind.values()) {
                String edited = edit(kind, prompt, prompts.get(k)[2], k);
                if (kind == Kind.VERBATIM || !edited.equals(prompt)) {
                    String host = code.get((k * Kind.values().length + kind.ordinal()) % hostCount);
                    int middle = host.indexOf("\n\n", host.length() / 2);
                    middle = middle < 0 ? host.length() : middle;
                    plants.add(new Plant(host.substring(0, middle) + "\n\n" + edited + "\n" + host.substring(middle),
                            prompts.get(k)[0], kind));
                }
            }
        }
        List<Untouched> untouched = new ArrayList<>();
        code.subList(hostCount, code.size()).forEach(text -> untouched.add(new Untouched(text, "python")));
        List<BenchmarkConfig> benchmark = List.of(new BenchmarkConfig("humaneval", BenchmarkConfig.Format.HUMANEVAL,
                humanEval.toString(), List.of(), Optional.empty()));
        Map<String, Measured> byMatcher = measureEach("humaneval", benchmark, List.of(), plants, untouched);

        Measured all = byMatcher.get("all");
        assertGoals(all);
        assertEquals(1.0, byMatcher.get("paper").recall(Kind.VERBATIM), "the paper's rule finds verbatim copies");
        assertTrue(all.falsePositiveRate("python") <= 0.005, "false positives on Python modules");
    }

    /** The issue's goals, over all plants of each kind. */
    private static void assertGoals(Measured all) {
        assertEquals(1.0, all.recall(Kind.VERBATIM), "verbatim");
        assertEquals(1.0, all.recall(Kind.CASING), "casing and punctuation noise");
        assertTrue(all.recall(Kind.NAMES) >= 0.98, "names swapped: " + all.recall(Kind.NAMES));
        assertTrue(all.recall(Kind.REORDER) >= 0.98, "sentences reordered: " + all.recall(Kind.REORDER));
        assertTrue(all.recall(Kind.NUMBERS) >= 0.90, "numbers changed: " + all.recall(Kind.NUMBERS));
    }

    /** Runs each matcher alone and all together over the same documents; prints one table per benchmark. */
    private static Map<String, Measured> measureEach(String name, List<BenchmarkConfig> benchmark,
                                                    List<BenchmarkConfig> allowList, List<Plant> plants,
                                                    List<Untouched> untouched) {
        List<Document> docs = new ArrayList<>();
        Map<String, Plant> plantById = new HashMap<>();
        Map<String, Untouched> untouchedById = new HashMap<>();
        for (int i = 0; i < plants.size(); i++) {
            Document doc = Document.of("plants", SourceClass.QA, "plant#" + i, plants.get(i).text(), Map.of(),
                    List.of());
            docs.add(doc);
            plantById.put(doc.id(), plants.get(i));
        }
        for (int i = 0; i < untouched.size(); i++) {
            Document doc = Document.of("corpus", SourceClass.QA, "doc#" + i, untouched.get(i).text(), Map.of(),
                    List.of());
            docs.add(doc);
            untouchedById.put(doc.id(), untouched.get(i));
        }
        Map<String, List<DecontamConfig.MatcherKind>> runs = new LinkedHashMap<>();
        for (DecontamConfig.MatcherKind kind : ALL) {
            runs.put(kind.label(), List.of(kind));
        }
        runs.put("all", ALL);
        Map<String, Measured> results = new LinkedHashMap<>();
        for (Map.Entry<String, List<DecontamConfig.MatcherKind>> run : runs.entrySet()) {
            DecontamConfig config = new DecontamConfig(benchmark, allowList, 1, 13, 7, 0.5, 0.2, run.getValue(),
                    DecontamConfig.Action.DROP, DecontamConfig.Action.KEEP, 100);
            List<Row> rows = config.build().apply(SparkRecords.dataFrame(spark, Document.class, docs),
                    new RunningContext(spark, 1)).collectAsList();
            Map<Kind, int[]> recall = new LinkedHashMap<>();
            for (Kind kind : Kind.values()) {
                recall.put(kind, new int[2]);
            }
            Map<String, int[]> falsePositives = new LinkedHashMap<>();
            untouched.forEach(u -> falsePositives.putIfAbsent(u.set(), new int[2]));
            for (Row row : rows) {
                Map<String, String> metadata = row.getJavaMap(StageRows.METADATA);
                Plant plant = plantById.get(row.getString(StageRows.ID));
                if (plant != null) {
                    int[] r = recall.get(plant.kind());
                    r[0]++;
                    boolean found = contaminates(metadata.get("decontam.items"), name, plant.item());
                    r[1] += found ? 1 : 0;
                    if (!found && run.getKey().equals("all") && System.getenv("DECONTAM_DEBUG") != null) {
                        System.out.println("MISSED " + plant.kind() + " " + plant.item());
                    }
                } else {
                    int[] f = falsePositives.get(untouchedById.get(row.getString(StageRows.ID)).set());
                    f[0]++;
                    boolean flagged = "contaminated".equals(metadata.get("decontam.status"));
                    f[1] += flagged ? 1 : 0;
                    if (flagged && run.getKey().equals("all") && System.getenv("DECONTAM_DEBUG") != null) {
                        System.out.println("FALSE POSITIVE " + metadata.get("decontam.rule") + " item "
                                + metadata.get("decontam.item") + ": " + row.getString(StageRows.TEXT)
                                .replace('\n', ' ').substring(0, 200));
                    }
                }
            }
            results.put(run.getKey(), new Measured(recall, falsePositives));
        }
        System.out.println(table(name, results));
        return results;
    }

    private static boolean contaminates(String itemsJson, String benchmark, String item) {
        if (itemsJson == null) {
            return false;
        }
        try {
            return "contaminated".equals(JSON.readTree(itemsJson).path(benchmark).path(item).asText());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String table(String name, Map<String, Measured> results) {
        StringBuilder out = new StringBuilder("QUALITY " + name + ": recall over all plants of each kind, "
                + "false positives on untouched documents\n");
        out.append(String.format(Locale.ROOT, "%-11s %7s", "kind", "plants"));
        results.keySet().forEach(m -> out.append(String.format(Locale.ROOT, " %20s", m)));
        out.append('\n');
        for (Kind kind : Kind.values()) {
            int plants = results.values().iterator().next().recall().get(kind)[0];
            out.append(String.format(Locale.ROOT, "%-11s %7d", kind.name().toLowerCase(Locale.ROOT), plants));
            for (Measured m : results.values()) {
                int[] r = m.recall().get(kind);
                out.append(String.format(Locale.ROOT, " %7d %5.1f%%      ", r[1], 100.0 * r[1] / r[0]));
            }
            out.append('\n');
        }
        for (String set : results.values().iterator().next().falsePositives().keySet()) {
            int docs = results.values().iterator().next().falsePositives().get(set)[0];
            out.append(String.format(Locale.ROOT, "FP %-8s %7d", set, docs));
            for (Measured m : results.values()) {
                int[] f = m.falsePositives().get(set);
                out.append(String.format(Locale.ROOT, " %7d %6.2f%%     ", f[1], 100.0 * f[1] / f[0]));
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** The WET capture's page text (the conversion record's body). */
    private static String wetPage() throws IOException {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                Files.newInputStream(TestSpark.shared("commoncrawl/whirlwind.warc.wet.gz"))), StandardCharsets.UTF_8))) {
            String all = reader.lines().reduce("", (a, b) -> a + b + "\n");
            int conversion = all.indexOf("WARC-Type: conversion");
            int body = all.indexOf("\n\n", conversion);
            return all.substring(body + 2).strip();
        }
    }

    /** The item placed at a paragraph break near the middle of the host. */
    private static String plantInto(String host, String item) {
        int middle = host.indexOf("\n\n", host.length() / 2);
        if (middle < 0) {
            return host + "\n\n" + item;
        }
        return host.substring(0, middle) + "\n\n" + item + host.substring(middle);
    }

    static String edit(Kind kind, String text, String entryPoint, int seed) {
        return switch (kind) {
            case VERBATIM -> text;
            case CASING -> noise(text, seed);
            case NAMES -> swapNames(entryPoint == null ? text
                    : text.replaceAll("\\b" + Pattern.quote(entryPoint) + "\\b", "solve_task"));
            case REORDER -> reorderSentences(text);
            case NUMBERS -> changeNumbers(text);
            case PARAPHRASE -> paraphrase(text);
        };
    }

    /** Casing and punctuation noise: words lower- or upper-cased, trailing punctuation dropped or added. */
    static String noise(String text, int seed) {
        SplittableRandom random = new SplittableRandom(seed);
        String[] words = text.split(" ", -1);
        for (int i = 0; i < words.length; i++) {
            String word = words[i];
            int r = random.nextInt(10);
            if (r < 3) {
                word = word.toLowerCase(Locale.ROOT);
            } else if (r < 4) {
                word = word.toUpperCase(Locale.ROOT);
            }
            if (word.length() > 1 && !Character.isLetterOrDigit(word.charAt(word.length() - 1))
                    && !Character.isWhitespace(word.charAt(word.length() - 1)) && random.nextInt(2) == 0) {
                word = word.substring(0, word.length() - 1);
            } else if (random.nextInt(10) == 0 && !word.isEmpty() && !word.endsWith("\n")) {
                word = word + ",";
            }
            words[i] = word;
        }
        String noisy = String.join(" ", words);
        return noisy.equals(text) ? text.toUpperCase(Locale.ROOT) : noisy;
    }

    private static final String[] NAMES = {"Zephyrine", "Bartholomew", "Ingrid", "Oluwaseun", "Tobias", "Priya",
        "Mateo", "Yukiko", "Cassius", "Leocadia"};
    private static final Pattern WORD = Pattern.compile("\\p{L}+");
    private static final java.util.Set<String> NOT_NAMES = new java.util.HashSet<>(List.of("I", "How", "What", "If", "The", "A",
            "In", "On", "There", "At", "Each", "Every", "An", "When", "After", "For", "He", "She", "They", "It", "His",
            "Her", "Their", "This", "That", "Then", "Which", "Who", "Return", "Returns", "Given", "For", "Write",
            "Check", "Find", "Example", "Examples", "Note", "You", "We", "Create", "Input", "Output", "True", "False",
            "None", "List", "Tuple", "Dict", "Optional", "Any"));

    /**
     * Name swaps: every capitalised word that stands inside a sentence somewhere in the text is a name, and each
     * name is replaced everywhere by a name from another culture (a consistent mapping).
     */
    static String swapNames(String text) {
        Map<String, String> names = new LinkedHashMap<>();
        Matcher words = WORD.matcher(text);
        while (words.find()) {
            String word = words.group();
            int before = words.start() - 1;
            while (before >= 0 && text.charAt(before) == ' ') {
                before--;
            }
            boolean sentenceStart = before < 0 || ".?!\n\"".indexOf(text.charAt(before)) >= 0;
            if (!sentenceStart && Character.isUpperCase(word.charAt(0)) && word.length() > 1
                    && Character.isLowerCase(word.charAt(1)) && !NOT_NAMES.contains(word)) {
                names.putIfAbsent(word, NAMES[names.size() % NAMES.length]);
            }
        }
        Matcher first = WORD.matcher(text);
        if (first.find() && first.start() == 0 && !NOT_NAMES.contains(first.group())
                && Character.isUpperCase(first.group().charAt(0))) {
            names.putIfAbsent(first.group(), NAMES[names.size() % NAMES.length]);
        }
        StringBuilder out = new StringBuilder();
        Matcher replace = WORD.matcher(text);
        while (replace.find()) {
            replace.appendReplacement(out, names.getOrDefault(replace.group(), replace.group()));
        }
        return replace.appendTail(out).toString();
    }

    /** The sentences in reverse order. */
    static String reorderSentences(String text) {
        List<String> sentences = new ArrayList<>(List.of(text.strip().split("(?<=[.?!])\\s+")));
        java.util.Collections.reverse(sentences);
        return String.join(" ", sentences);
    }

    /** Every number replaced by another. */
    static String changeNumbers(String text) {
        Matcher numbers = Pattern.compile("\\d+").matcher(text);
        StringBuilder out = new StringBuilder();
        while (numbers.find()) {
            String digits = numbers.group();
            long value = digits.length() > 15 ? 7 : Long.parseLong(digits);
            long changed = value % 1000 + 7;
            numbers.appendReplacement(out, Long.toString(changed == value ? value + 1 : changed));
        }
        return numbers.appendTail(out).toString();
    }

    private static final Map<String, String> SYNONYMS = Map.ofEntries(Map.entry("has", "owns"),
            Map.entry("have", "own"), Map.entry("buys", "purchases"), Map.entry("bought", "purchased"),
            Map.entry("each", "every"), Map.entry("total", "overall"), Map.entry("gets", "receives"),
            Map.entry("If", "Suppose"), Map.entry("then", "afterwards"), Map.entry("wants", "would like"),
            Map.entry("needs", "requires"), Map.entry("makes", "produces"), Map.entry("uses", "employs"),
            Map.entry("Return", "Give back"), Map.entry("returns", "gives back"), Map.entry("given", "provided"),
            Map.entry("list", "sequence"), Map.entry("string", "text"), Map.entry("number", "value"),
            Map.entry("numbers", "values"), Map.entry("find", "determine"), Map.entry("check", "verify"),
            Map.entry("many", "numerous"), Map.entry("much", "a great deal"), Map.entry("spends", "pays out"),
            Map.entry("more", "additional"), Map.entry("takes", "needs"), Map.entry("every", "each single"));

    /** Light paraphrase: common words replaced by synonyms. */
    static String paraphrase(String text) {
        StringBuilder out = new StringBuilder();
        Matcher replace = WORD.matcher(text);
        while (replace.find()) {
            replace.appendReplacement(out, SYNONYMS.getOrDefault(replace.group(), replace.group()));
        }
        return replace.appendTail(out).toString();
    }
}

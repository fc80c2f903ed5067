package dev.phi4j.pipeline.decontam;

import org.junit.jupiter.api.Test;
import java.util.*;
import java.nio.file.*;
import com.fasterxml.jackson.databind.*;

class SpeedTmpTest {
    @Test
    void speed() throws Exception {
        var spark = dev.phi4j.pipeline.TestSpark.session();
        ObjectMapper json = new ObjectMapper();
        List<String> math = new ArrayList<>();
        for (String line : Files.readAllLines(dev.phi4j.pipeline.TestSpark.shared("gsm8k/train.jsonl"))) {
            var n = json.readTree(line); math.add(n.get("question").asText() + "\n\n" + n.get("answer").asText());
        }
        List<String> books = List.of(Files.readString(dev.phi4j.pipeline.TestSpark.shared("tinyshakespeare/input.txt")).split("\n\n"));
        String d = dev.phi4j.pipeline.TestSpark.shared("").toString();
        for (List<DecontamConfig.MatcherKind> kinds : List.of(List.of(DecontamConfig.MatcherKind.PAPER), List.of(DecontamConfig.MatcherKind.values()))) {
            DecontamConfig config = new DecontamConfig(List.of(
                new BenchmarkConfig("gsm8k", BenchmarkConfig.Format.GSM8K, d + "/gsm8k/test.jsonl", List.of(), Optional.empty()),
                new BenchmarkConfig("humaneval", BenchmarkConfig.Format.HUMANEVAL, d + "/humaneval/HumanEval.jsonl.gz", List.of(), Optional.empty())),
                List.of(), 1, 13, 7, 0.5, 0.2, kinds, DecontamConfig.Action.DROP, DecontamConfig.Action.KEEP, 100);
            var judge = ((DecontamStage) config.build()).judge(spark);
            for (var entry : Map.of("math", math, "books", books).entrySet()) {
                long bytes = entry.getValue().stream().mapToLong(String::length).sum();
                for (int round = 0; round < 4; round++) {
                    long t0 = System.nanoTime(); int f = 0;
                    for (String s : entry.getValue()) f += judge.apply(s) != null ? 1 : 0;
                    double sec = (System.nanoTime() - t0) / 1e9;
                    System.out.printf("SPEED %s %s %.1f MB/s flagged %d%n", kinds.size(), entry.getKey(), bytes / 1e6 / sec, f);
                }
            }
            long t0 = System.nanoTime(); long words = 0;
            Tokens t = new Tokens();
            long bytes = 0;
            for (int r = 0; r < 4; r++) { t0 = System.nanoTime(); bytes = 0; for (String s : math) { words += t.scan(s).count; bytes += s.length(); } }
            System.out.printf("SCAN %.1f MB/s%n", bytes / 1e6 / ((System.nanoTime() - t0) / 1e9));
        }
    }
}

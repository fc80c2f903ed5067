package dev.phi4j.pipeline.stage;

import dev.phi4j.core.io.Sha256;

import org.apache.spark.sql.Row;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything a manifest counts about a stage's output, gathered in one pass over its rows: rows and characters per
 * (source class, outcome), an order-independent content fingerprint, and the first rows of each outcome. Computed
 * per partition on the executors and merged on the driver, so only this small summary is collected.
 */
public final class Tally implements Serializable {

    private static final long serialVersionUID = 1L;
    static final String KEPT = "kept";

    /** Per (source class, outcome): rows, chars, and two sums of row hashes (mod 2⁶⁴) making a 128-bit fingerprint. */
    record Cell(long rows, long chars, long hashA, long hashB) implements Serializable {
        Cell plus(Cell other) {
            return new Cell(rows + other.rows, chars + other.chars, hashA + other.hashA, hashB + other.hashB);
        }
    }

    record Sample(String outcome, String id, String sourceClass, String originUri, int chars, String excerpt,
                  Map<String, String> metadata) implements Serializable {}

    private final Map<String, Map<String, Cell>> cells = new TreeMap<>();
    private final Map<String, List<Sample>> samples = new TreeMap<>();
    private final int examples;

    private Tally(int examples) {
        this.examples = examples;
    }

    /** The tally of one partition's rows; rows arrive sorted by id, so the first of each outcome are its smallest. */
    static Iterator<Tally> ofPartition(Iterator<Row> rows, int examples, int excerptChars) {
        Tally tally = new Tally(examples);
        while (rows.hasNext()) {
            Row row = rows.next();
            String reason = StageRows.reason(row);
            String outcome = reason == null ? KEPT : reason;
            String text = row.getString(StageRows.TEXT);
            long a = rowHash(row, 0x9E3779B97F4A7C15L);
            long b = rowHash(row, 0xC2B2AE3D27D4EB4FL);
            tally.cells.computeIfAbsent(row.getString(StageRows.SOURCE_CLASS), c -> new TreeMap<>())
                    .merge(outcome, new Cell(1, text.length(), a, b), Cell::plus);
            List<Sample> list = tally.samples.computeIfAbsent(outcome, o -> new ArrayList<>());
            if (list.size() < examples) {
                list.add(new Sample(outcome, row.getString(StageRows.ID), row.getString(StageRows.SOURCE_CLASS),
                        row.getString(StageRows.ORIGIN_URI), text.length(),
                        StageRows.excerpt(text, excerptChars),
                        new TreeMap<>(StageRows.metadata(row))));
            }
        }
        return List.of(tally).iterator();
    }

    static Tally merge(List<Tally> parts, int examples) {
        Tally total = new Tally(examples);
        for (Tally part : parts) {
            part.cells.forEach((sourceClass, outcomes) -> outcomes.forEach((outcome, cell) ->
                    total.cells.computeIfAbsent(sourceClass, c -> new TreeMap<>()).merge(outcome, cell, Cell::plus)));
            part.samples.forEach((outcome, list) -> total.samples.computeIfAbsent(outcome, o -> new ArrayList<>())
                    .addAll(list));
        }
        total.samples.replaceAll((outcome, list) -> list.stream().sorted(Comparator.comparing(Sample::id))
                .limit(examples).toList());
        return total;
    }

    Map<String, Map<String, Cell>> cells() {
        return cells;
    }

    Map<String, List<Sample>> samples() {
        return samples;
    }

    /** Sum over every source class and outcome for which {@code include} holds. */
    Cell total(java.util.function.Predicate<String> include) {
        Cell sum = new Cell(0, 0, 0, 0);
        for (Map<String, Cell> outcomes : cells.values()) {
            for (Map.Entry<String, Cell> entry : outcomes.entrySet()) {
                if (include.test(entry.getKey())) {
                    sum = sum.plus(entry.getValue());
                }
            }
        }
        return sum;
    }

    static String fingerprint(Cell cell) {
        return Sha256.tagged(cell.rows() + ":" + Long.toHexString(cell.hashA()) + ":" + Long.toHexString(cell.hashB()));
    }

    /** A 64-bit hash of every Document column (metadata in key order), seeded so two seeds give independent hashes. */
    private static long rowHash(Row row, long seed) {
        long h = seed;
        for (int column = 0; column < StageRows.METADATA; column++) {
            h = mix(h, row.getString(column));
        }
        for (Map.Entry<String, String> entry : new TreeMap<>(StageRows.metadata(row)).entrySet()) {
            h = mix(mix(h, entry.getKey()), entry.getValue());
        }
        for (String parent : StageRows.lineage(row)) {
            h = mix(h, parent);
        }
        return h;
    }

    private static long mix(long h, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        h = splitMix(h ^ bytes.length);
        for (byte b : bytes) {
            h = (h ^ (b & 0xff)) * 0x100000001B3L;
        }
        return splitMix(h);
    }

    private static long splitMix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

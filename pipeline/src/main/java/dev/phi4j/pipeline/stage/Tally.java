package dev.phi4j.pipeline.stage;

import dev.phi4j.core.io.Sha256;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

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
 * per partition on the executors and merged on the driver, so only this small summary is collected. Any record type
 * with an {@code id} can be tallied; characters count its {@code text} (a synthetic sample's {@code response}), and a
 * type without {@code source_class} is tallied under {@link #NO_CLASS}.
 */
public final class Tally implements Serializable {

    private static final long serialVersionUID = 1L;
    static final String KEPT = "kept";
    static final String NO_CLASS = "none";

    /** Positions of the columns the tally reads in a stage's rows; -1 where the record type has no such column. */
    record Columns(int id, int sourceClass, int originUri, int text, int metadata, int reason) implements Serializable {

        static Columns of(StructType written) {
            List<String> names = List.of(written.fieldNames());
            int text = names.contains("text") ? names.indexOf("text") : names.indexOf("response");
            return new Columns(names.indexOf("id"), names.indexOf("source_class"), names.indexOf("origin_uri"),
                    text, names.indexOf("metadata"), names.indexOf(Stage.DROP_REASON));
        }

        private String string(Row row, int column) {
            return column < 0 ? "" : row.getString(column);
        }
    }

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
    static Iterator<Tally> ofPartition(Iterator<Row> rows, Columns columns, int examples, int excerptChars) {
        Tally tally = new Tally(examples);
        while (rows.hasNext()) {
            Row row = rows.next();
            String reason = row.isNullAt(columns.reason()) ? null : row.getString(columns.reason());
            String outcome = reason == null ? KEPT : reason;
            String text = columns.string(row, columns.text());
            String sourceClass = columns.sourceClass() < 0 ? NO_CLASS : row.getString(columns.sourceClass());
            long a = rowHash(row, columns.reason(), 0x9E3779B97F4A7C15L);
            long b = rowHash(row, columns.reason(), 0xC2B2AE3D27D4EB4FL);
            tally.cells.computeIfAbsent(sourceClass, c -> new TreeMap<>())
                    .merge(outcome, new Cell(1, text.length(), a, b), Cell::plus);
            List<Sample> list = tally.samples.computeIfAbsent(outcome, o -> new ArrayList<>());
            if (list.size() < examples) {
                Map<String, String> metadata = columns.metadata() < 0 ? Map.of()
                        : new TreeMap<>(row.<String, String>getJavaMap(columns.metadata()));
                list.add(new Sample(outcome, row.getString(columns.id()), sourceClass,
                        columns.string(row, columns.originUri()), text.length(), StageRows.excerpt(text, excerptChars),
                        metadata));
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

    /**
     * A 64-bit hash of every column but the drop reason, seeded so two seeds give independent hashes: maps in key
     * order, lists item by item, anything else by its string form.
     */
    private static long rowHash(Row row, int reason, long seed) {
        long h = seed;
        for (int column = 0; column < row.length(); column++) {
            if (column == reason) {
                continue;
            }
            Object value = row.get(column);
            if (value instanceof scala.collection.Map<?, ?>) {
                for (Map.Entry<Object, Object> entry : new TreeMap<>(row.getJavaMap(column)).entrySet()) {
                    h = mix(mix(h, String.valueOf(entry.getKey())), String.valueOf(entry.getValue()));
                }
            } else if (value instanceof scala.collection.Seq<?>) {
                for (Object item : row.getList(column)) {
                    h = mix(h, String.valueOf(item));
                }
            } else {
                h = mix(h, String.valueOf(value));
            }
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

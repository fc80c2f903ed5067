package dev.phi4j.pipeline.mixture;


import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which shard file each part becomes: parts are numbered across splits in order ({@code train} parts 0 … n-1, then
 * {@code validation} parts), and part p of a split is its file {@code <split>-<p>.bin}. One Spark task packs one part
 * at a time, so a shard's content depends only on the instances sorted into it, never on the cluster.
 */
record PartLayout(LinkedHashMap<String, Integer> parts) implements Serializable {

    record Target(String split, int shard) implements Serializable {}

    static PartLayout of(Map<String, Integer> partsPerSplit) {
        LinkedHashMap<String, Integer> copy = new LinkedHashMap<>();
        partsPerSplit.forEach((split, count) -> {
            if (count < 0) {
                throw new IllegalArgumentException(split + ": negative part count " + count);
            }
            copy.put(split, count);
        });
        return new PartLayout(copy);
    }

    int total() {
        return parts.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The first part of {@code split}. */
    int first(String split) {
        int first = 0;
        for (Map.Entry<String, Integer> entry : parts.entrySet()) {
            if (entry.getKey().equals(split)) {
                return first;
            }
            first += entry.getValue();
        }
        throw new IllegalArgumentException("no split " + split + " in " + parts.keySet());
    }

    int count(String split) {
        return parts.getOrDefault(split, 0);
    }

    /** The part of {@code split} that a key in [0, 1) falls into: keys are spread evenly over the split's parts. */
    int part(String split, double key) {
        int count = count(split);
        return first(split) + Math.min(count - 1, (int) (key * count));
    }

    Target target(int part) {
        int first = 0;
        for (Map.Entry<String, Integer> entry : parts.entrySet()) {
            if (part < first + entry.getValue()) {
                return new Target(entry.getKey(), part - first);
            }
            first += entry.getValue();
        }
        throw new IllegalArgumentException("part " + part + " is outside the " + total() + " parts of " + parts);
    }

    List<String> splits() {
        return new ArrayList<>(parts.keySet());
    }
}

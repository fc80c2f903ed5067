package dev.phi4j.pipeline.mixture;

import dev.phi4j.core.schema.MixtureGroup;
import dev.phi4j.core.schema.SourceClass;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which plan buckets a document's copies count towards. Pretraining: its mixture group. Midtraining: its group (the
 * recall part, the pretraining distribution) and, when it is long, one of the long buckets ({@code long}, or
 * {@code long_upweighted} for the longest), whose copies are sampled independently.
 */
final class DocumentBuckets implements Serializable {

    static final String LONG = "long";
    static final String LONG_UPWEIGHTED = "long_upweighted";
    static final String LONG_CONTEXT = "long_context";

    private final List<String> names;
    private final List<String> groups;
    private final List<String> families;
    private final boolean longBuckets;
    private final int longMinTokens;
    private final int upweightAboveTokens;
    private final int syntheticMinTokens;

    private DocumentBuckets(boolean longBuckets, int longMinTokens, int upweightAboveTokens, int syntheticMinTokens) {
        this.longBuckets = longBuckets;
        this.longMinTokens = longMinTokens;
        this.upweightAboveTokens = upweightAboveTokens;
        this.syntheticMinTokens = syntheticMinTokens;
        List<String> bucketNames = new ArrayList<>();
        List<String> bucketGroups = new ArrayList<>();
        List<String> bucketFamilies = new ArrayList<>();
        for (MixtureGroup group : MixtureGroup.values()) {
            bucketNames.add(groupName(group));
            bucketGroups.add(groupName(group));
            bucketFamilies.add(longBuckets ? "recall" : "mixture");
        }
        if (longBuckets) {
            bucketNames.add(LONG);
            bucketNames.add(LONG_UPWEIGHTED);
            bucketGroups.add(LONG_CONTEXT);
            bucketGroups.add(LONG_CONTEXT);
            bucketFamilies.add(LONG_CONTEXT);
            bucketFamilies.add(LONG_CONTEXT);
        }
        this.names = List.copyOf(bucketNames);
        this.groups = List.copyOf(bucketGroups);
        this.families = List.copyOf(bucketFamilies);
    }

    static DocumentBuckets pretrain() {
        return new DocumentBuckets(false, 0, 0, 0);
    }

    static DocumentBuckets midtrain(MidtrainSetConfig config) {
        return new DocumentBuckets(true, config.longMinTokens(), config.upweightAboveTokens(),
                config.syntheticMinTokens());
    }

    static String groupName(MixtureGroup group) {
        return group.name().toLowerCase(Locale.ROOT);
    }

    /** The mixture group of a stored source class ({@code qa} → {@code acquired}); unknown classes are an error. */
    static String groupOf(String sourceClass) {
        try {
            return groupName(SourceClass.valueOf(sourceClass.toUpperCase(Locale.ROOT)).group());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown source class '" + sourceClass + "'");
        }
    }

    List<String> names() {
        return names;
    }

    List<String> groups() {
        return groups;
    }

    /** Which buckets share a total: the five groups, or for midtraining the recall groups and the long buckets. */
    List<String> families() {
        return families;
    }

    int size() {
        return names.size();
    }

    int index(String name) {
        int index = names.indexOf(name);
        if (index < 0) {
            throw new IllegalArgumentException("no bucket " + name + " in " + names);
        }
        return index;
    }

    /** The buckets of a document with {@code tokens} tokens (without the separator). */
    int[] of(String group, String sourceClass, int tokens) {
        int groupIndex = MixtureGroup.valueOf(group.toUpperCase(Locale.ROOT)).ordinal();
        if (!longBuckets) {
            return new int[] {groupIndex};
        }
        boolean synthetic = sourceClass.equals("synthetic") && syntheticMinTokens > 0 && tokens >= syntheticMinTokens;
        if (tokens >= upweightAboveTokens) {
            return new int[] {groupIndex, index(LONG_UPWEIGHTED)};
        }
        if (tokens >= longMinTokens || synthetic) {
            return new int[] {groupIndex, index(LONG)};
        }
        return new int[] {groupIndex};
    }
}

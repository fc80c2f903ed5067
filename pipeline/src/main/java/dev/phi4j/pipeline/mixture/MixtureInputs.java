package dev.phi4j.pipeline.mixture;

import dev.phi4j.core.schema.Document;
import dev.phi4j.core.schema.MixtureGroup;
import dev.phi4j.core.schema.SourceClass;
import dev.phi4j.pipeline.io.SparkRecords;
import dev.phi4j.pipeline.stage.Manifest;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import static org.apache.spark.sql.functions.col;

/**
 * The pipeline stages whose kept documents the pretraining-style sets mix, from the config's {@code inputs}: each
 * mixture group reads the stage named for it, else the {@code default} one. A stage named for several groups is
 * read once, keeping the documents of those groups only (all of them when it serves every group). A group with no
 * stage has no documents; the plan spreads its share over the present groups and says so.
 */
record MixtureInputs(List<Source> sources) {

    static final String DEFAULT = "default";

    /** One stage and the groups whose documents are taken from it, in {@link MixtureGroup} order. */
    record Source(InputStage stage, List<String> groups) {

        boolean allGroups() {
            return groups.size() == MixtureGroup.values().length;
        }

        /** The stored source classes whose group this source serves. */
        List<String> sourceClasses() {
            return Arrays.stream(SourceClass.values())
                    .filter(c -> groups.contains(DocumentBuckets.groupName(c.group())))
                    .map(c -> c.name().toLowerCase(Locale.ROOT)).toList();
        }

        /** Documents this source contributes, from its stage's per-class counts. */
        long documents() {
            Manifest manifest = stage.manifest();
            if (allGroups()) {
                return manifest.counts().kept();
            }
            return sourceClasses().stream().map(manifest.bySourceClass()::get).filter(java.util.Objects::nonNull)
                    .mapToLong(Manifest.Counts::kept).sum();
        }

        /** {@code RUN_DIR/STAGE_DIR}, followed by its groups when it does not serve all of them. */
        String location() {
            String location = stage.runDir() + "/" + stage.dir();
            return allGroups() ? location : location + " (" + String.join(", ", groups) + ")";
        }
    }

    /** The stages {@code inputs} (group or {@code default} → {@code RUN_DIR/STAGE}) names, each resolved once. */
    static MixtureInputs resolve(Map<String, String> inputs, Configuration conf) {
        Map<String, List<String>> groupsByReference = new LinkedHashMap<>();
        for (MixtureGroup group : MixtureGroup.values()) {
            String name = DocumentBuckets.groupName(group);
            String reference = inputs.getOrDefault(name, inputs.get(DEFAULT));
            if (reference != null) {
                groupsByReference.computeIfAbsent(reference, r -> new ArrayList<>()).add(name);
            }
        }
        List<Source> sources = new ArrayList<>();
        groupsByReference.forEach((reference, groups) ->
                sources.add(new Source(InputStage.resolve(reference, conf), List.copyOf(groups))));
        return new MixtureInputs(List.copyOf(sources));
    }

    /** The documents every source contributes: what the pretraining-style sets account for. */
    long documents() {
        return sources.stream().mapToLong(Source::documents).sum();
    }

    /** The kept documents of every source, each narrowed to its groups, unioned in source order. */
    Dataset<Row> read(SparkSession spark) {
        Dataset<Row> union = null;
        for (Source source : sources) {
            Dataset<Row> documents = SparkRecords.read(spark, source.stage().dataPath(), Document.class);
            if (!source.allGroups()) {
                documents = documents.filter(col("source_class").isin(source.sourceClasses().toArray()));
            }
            union = union == null ? documents : union.union(documents);
        }
        return union;
    }

    /** What the sets were mixed from: one location per source, {@code ; } between them. */
    String location() {
        return sources.stream().map(Source::location).collect(Collectors.joining("; "));
    }

    /** Changes when any source's stage or the groups it serves change: part of every dependent identity. */
    String fingerprint() {
        return sources.stream().map(s -> String.join(",", s.groups()) + " " + s.stage().manifest().identity() + " "
                + s.stage().manifest().outputs().kept().fingerprint()).collect(Collectors.joining("\n"));
    }

    /** The manifest's record of each source. */
    List<MixtureManifest.InputInfo> infos() {
        return sources.stream().map(s -> {
            Manifest.Output kept = s.stage().manifest().outputs().kept();
            return new MixtureManifest.InputInfo(s.groups(), s.stage().runDir(), s.stage().dir(), kept.fingerprint(),
                    List.of(s.stage().dataPath()), kept.files(), kept.bytes());
        }).toList();
    }
}

package dev.phi4j.pipeline.mixture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phi4j.pipeline.stage.ManifestJson;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.apache.spark.sql.functions.col;

/**
 * The {@code mixture.samples} section: a few packed rows decoded, each segment with the document it came from —
 * source, origin (file and location), metadata and lineage ids — looked up in the input stage by id, so the report's
 * sample browser can follow a training token back to its source file.
 */
final class MixtureSamples {

    private MixtureSamples() {}

    static JsonNode withLineage(ArrayNode samples, MixtureInputs inputs, SetContext context) {
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode sample : samples) {
            for (JsonNode segment : sample.path("segments")) {
                if (segment.hasNonNull("id")) {
                    ids.add(segment.get("id").asText());
                }
            }
        }
        ObjectNode documents = ManifestJson.MAPPER.createObjectNode();
        if (!ids.isEmpty()) {
            List<Row> rows = inputs.read(context.spark())
                    .filter(col("id").isin(ids.toArray()))
                    .select(col("id"), col("source"), col("source_class"), col("origin_uri"), col("metadata"),
                            col("lineage"))
                    .collectAsList();
            for (Row row : rows) {
                ObjectNode document = documents.putObject(row.getString(0));
                document.put("source", row.getString(1));
                document.put("source_class", row.getString(2));
                document.put("origin_uri", row.getString(3));
                ObjectNode metadata = document.putObject("metadata");
                for (Map.Entry<String, String> entry : new java.util.TreeMap<>(row.<String, String>getJavaMap(4))
                        .entrySet()) {
                    metadata.put(entry.getKey(), entry.getValue());
                }
                ArrayNode lineage = document.putArray("lineage");
                new ArrayList<>(row.<String>getList(5)).forEach(lineage::add);
            }
        }
        ObjectNode section = ManifestJson.MAPPER.createObjectNode();
        section.put("stage_dir", inputs.location());
        section.set("rows", samples);
        section.set("documents", documents);
        return section;
    }
}

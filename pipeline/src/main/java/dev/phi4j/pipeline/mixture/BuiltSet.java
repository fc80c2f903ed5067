package dev.phi4j.pipeline.mixture;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phi4j.pipeline.stage.Manifest;

import java.util.List;
import java.util.Map;

/** What a set builder made, for its manifest: the shard summary, the accounting, notes and report sections. */
record BuiltSet(List<MixtureManifest.InputInfo> inputs, MixtureManifest.Shards shards, Manifest.Counts counts,
                List<String> notes, Map<String, JsonNode> sections) {}

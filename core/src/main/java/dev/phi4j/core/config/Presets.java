package dev.phi4j.core.config;

import java.util.List;

/**
 * Named instances of a config record, e.g. the model shapes {@code tiny}, {@code small}, {@code phi-4}.
 * A YAML value may name a preset ({@code model: tiny}) or start from one and override fields
 * ({@code model: {preset: tiny, n_layers: 4}}).
 */
public interface Presets<R extends Record> {

    List<String> names();

    /** The preset, or null when there is none of that name. */
    R find(String name);
}

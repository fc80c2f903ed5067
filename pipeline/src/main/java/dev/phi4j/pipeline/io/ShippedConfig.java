package dev.phi4j.pipeline.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.phi4j.core.config.ConfigJson;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;

/**
 * A config record on its way to Spark executors. Config records use {@code Optional} components, which Java
 * serialization refuses, so the record travels as its JSON and is bound again, and validated again, where it is
 * used: the executor sees exactly the config the driver checked.
 */
public final class ShippedConfig<R extends Record> implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Class<R> type;
    private final String json;
    private transient R value;

    private ShippedConfig(Class<R> type, String json, R value) {
        this.type = type;
        this.json = json;
        this.value = value;
    }

    @SuppressWarnings("unchecked")
    public static <R extends Record> ShippedConfig<R> of(R record) {
        return new ShippedConfig<>((Class<R>) record.getClass(), ConfigJson.toJson(record).toString(), record);
    }

    public R get() {
        if (value == null) {
            try {
                value = ConfigJson.fromJson(JSON.readTree(json), type, "shipped " + type.getSimpleName());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return value;
    }
}

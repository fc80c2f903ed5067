package dev.phi4j.core.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Marks a config record whose YAML value may name a preset; the class has a public no-arg constructor. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface PresetSource {
    @SuppressWarnings("rawtypes")
    Class<? extends Presets> value();
}

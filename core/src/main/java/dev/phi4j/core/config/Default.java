package dev.phi4j.core.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The value a config key takes when a file leaves it out, written as it would be in YAML
 * ({@code "3e-4"}, {@code "linear"}, {@code "[]"}). Keys without a default are required, except
 * nested records, which are built from their own defaults.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Default {
    String value();
}

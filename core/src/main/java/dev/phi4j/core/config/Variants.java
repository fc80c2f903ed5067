package dev.phi4j.core.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an interface whose config value is one of several records, chosen by a tag key written in the same
 * mapping: with {@code @Variants(key = "stage", value = {IngestConfig.class, CleanConfig.class})}, the YAML item
 * {@code {stage: clean, min_chars: 200}} binds to {@code CleanConfig} and {@code min_chars} is one of its keys.
 * Each listed record implements the interface and names its tag with {@link Variant}. (A sealed interface would
 * say this too, but its records could then not live in the packages of the stages they configure.)
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Variants {

    /** The key whose value names the variant, e.g. {@code stage} or {@code format}. */
    String key();

    Class<? extends Record>[] value();
}

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
 *
 * <p>On a record component whose type is such an interface (or a list, map or optional of one), it lists the
 * variants there instead: the interface then knows none of its implementations, so a framework's interface needs
 * no import of its plug-ins, and the config that assembles them names them (a registry).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.RECORD_COMPONENT})
public @interface Variants {

    /** The key whose value names the variant, e.g. {@code stage} or {@code format}. */
    String key();

    Class<? extends Record>[] value();
}

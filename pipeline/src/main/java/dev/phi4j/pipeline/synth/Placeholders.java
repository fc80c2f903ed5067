package dev.phi4j.pipeline.synth;

import dev.phi4j.core.io.Sha256;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code {name}} placeholders in prompt templates: the names used, and filling them in. */
public final class Placeholders {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_][a-z0-9_]*(?:\\.[a-z0-9_]+)?)}");

    private Placeholders() {}

    public static List<String> names(String text) {
        List<String> names = new ArrayList<>();
        Matcher matcher = PLACEHOLDER.matcher(text);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    /** {@code text} with each known placeholder replaced by its value; values are not scanned again. */
    public static String fill(String text, Map<String, String> values) {
        Matcher matcher = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder(text.length() + 256);
        while (matcher.find()) {
            String value = values.get(matcher.group(1));
            matcher.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : matcher.group()));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** A stable 64-bit hash for choices that must not change between runs or JVMs. */
    public static long hash(String text) {
        String hex = Sha256.hex(text);
        return Long.parseUnsignedLong(hex.substring(0, 16), 16);
    }
}

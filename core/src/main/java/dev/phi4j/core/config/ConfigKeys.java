package dev.phi4j.core.config;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Naming and typing conventions shared by the binder, the printer and the reference generator. */
final class ConfigKeys {

    /** Reserved top-level key naming the file(s) a config extends. */
    static final String EXTENDS = "extends";
    /** Reserved key inside a preset-capable section naming the preset to start from. */
    static final String PRESET = "preset";

    private ConfigKeys() {}

    /** The YAML key of a record component: {@code nKvHeads} → {@code n_kv_heads}. */
    static String yamlKey(String componentName) {
        StringBuilder key = new StringBuilder(componentName.length() + 4);
        for (char c : componentName.toCharArray()) {
            if (Character.isUpperCase(c)) {
                key.append('_').append(Character.toLowerCase(c));
            } else {
                key.append(c);
            }
        }
        return key.toString();
    }

    static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    static String enumText(Enum<?> value) {
        return value.name().toLowerCase(java.util.Locale.ROOT);
    }

    static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        return (Class<?>) ((ParameterizedType) type).getRawType();
    }

    static Type typeArgument(Type type, int index) {
        return ((ParameterizedType) type).getActualTypeArguments()[index];
    }

    static boolean isOptional(Type type) {
        return rawClass(type) == Optional.class;
    }

    /** The {@link Variants} of a config type, or null when the type is not a tagged choice of records. */
    static Variants variants(Class<?> type) {
        return type.isInterface() ? type.getAnnotation(Variants.class) : null;
    }

    /**
     * The {@link Variants} of the interface values {@code type} holds (itself, or the items of a list, map or
     * optional), the ones {@code listed} on the record component first; null when it holds no tagged choice.
     */
    static Variants variants(Type type, Variants listed) {
        Class<?> raw = rawClass(type);
        if (raw == List.class || raw == Optional.class) {
            return variants(typeArgument(type, 0), listed);
        }
        if (raw == Map.class) {
            return variants(typeArgument(type, 1), listed);
        }
        return raw.isInterface() && listed != null ? listed : variants(raw);
    }

    /** The tag of a variant record, from its {@link Variant} annotation. */
    static String tag(Class<?> variant) {
        Variant tag = variant.getAnnotation(Variant.class);
        if (tag == null) {
            throw new IllegalStateException(variant.getName() + " is listed in @Variants but has no @Variant tag");
        }
        return tag.value();
    }

    /** The variant record of {@code variants} whose tag is {@code tag}, if any. */
    static Optional<Class<? extends Record>> variant(Variants variants, String tag) {
        return java.util.Arrays.stream(variants.value()).filter(type -> tag(type).equals(tag)).findFirst();
    }

    static List<String> tags(Variants variants) {
        return java.util.Arrays.stream(variants.value()).map(ConfigKeys::tag).toList();
    }

    /** The candidate closest to a mistyped key, if it is close enough to be a likely typo. */
    static Optional<String> closest(String typed, List<String> candidates) {
        return candidates.stream()
                .min(Comparator.comparingInt(candidate -> editDistance(typed, candidate)))
                .filter(best -> editDistance(typed, best) <= Math.max(2, typed.length() / 3));
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}

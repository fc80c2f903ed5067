package dev.phi4j.core.tokenizer;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The one place that decides where allowed special-token strings sit in a text, so that both tokenizers
 * follow the same rule: scanning left to right, the first position where an allowed string starts wins,
 * and of several strings starting there the longest. The text between matches is ordinary text.
 */
final class SpecialTokenSplitter {

    private SpecialTokenSplitter() {}

    static int[] encode(String text, Set<String> allowed, SpecialTokens specials, Function<String, int[]> ordinary) {
        if (allowed.isEmpty()) {
            return ordinary.apply(text);
        }
        for (String token : allowed) {
            if (!specials.ids().containsKey(token)) {
                throw new IllegalArgumentException("'" + token + "' is not a special token of this tokenizer");
            }
        }
        List<String> longestFirst = allowed.stream()
                .sorted(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()))
                .toList();
        String firstChars = longestFirst.stream()
                .map(token -> token.substring(0, 1)).distinct().collect(Collectors.joining());
        IntList out = new IntList(text.length() / 3);
        int pieceStart = 0;
        for (int i = 0; i < text.length(); i++) {
            if (firstChars.indexOf(text.charAt(i)) < 0) {
                continue;
            }
            String match = matchAt(text, i, longestFirst);
            if (match != null) {
                out.addAll(ordinary.apply(text.substring(pieceStart, i)));
                out.add(specials.ids().get(match));
                i += match.length() - 1;
                pieceStart = i + 1;
            }
        }
        out.addAll(ordinary.apply(text.substring(pieceStart)));
        return out.toArray();
    }

    private static String matchAt(String text, int i, List<String> longestFirst) {
        for (String token : longestFirst) {
            if (text.startsWith(token, i)) {
                return token;
            }
        }
        return null;
    }
}

package dev.phi4j.core.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A page being written: escaping, numbers as people read them, and a few building blocks (cards, tables), shared by
 * the dataset inspection report (pipeline) and the training run report (trainer), with the stylesheet they share.
 */
public final class Html {

    private final StringBuilder out = new StringBuilder(1 << 16);

    public Html raw(String html) {
        out.append(html);
        return this;
    }

    public Html text(String text) {
        out.append(escape(text));
        return this;
    }

    public Html tag(String tag, String cssClass, String text) {
        out.append('<').append(tag);
        if (cssClass != null) {
            out.append(" class=\"").append(cssClass).append('"');
        }
        out.append('>').append(escape(text)).append("</").append(tag).append('>');
        return this;
    }

    /** A card with an anchor id and a title; close it with {@link #endCard}. */
    public Html card(String id, String title, String subtitle) {
        out.append("<section class=\"card\" id=\"").append(escape(id)).append("\"><h2>").append(escape(title));
        if (subtitle != null && !subtitle.isEmpty()) {
            out.append(" <span class=\"sub\">").append(escape(subtitle)).append("</span>");
        }
        out.append("</h2>");
        return this;
    }

    public Html endCard() {
        out.append("</section>");
        return this;
    }

    /** A table whose cells are already HTML; numeric columns (by header name ending in '#') align right. */
    public Html table(String[] headers, Iterable<String[]> rows) {
        out.append("<div class=\"scroll\"><table><thead><tr>");
        boolean[] numeric = new boolean[headers.length];
        for (int i = 0; i < headers.length; i++) {
            numeric[i] = headers[i].endsWith("#");
            String header = numeric[i] ? headers[i].substring(0, headers[i].length() - 1) : headers[i];
            out.append("<th").append(numeric[i] ? " class=\"num\"" : "").append('>').append(escape(header))
                    .append("</th>");
        }
        out.append("</tr></thead><tbody>");
        for (String[] row : rows) {
            out.append("<tr>");
            for (int i = 0; i < row.length; i++) {
                out.append("<td").append(i < numeric.length && numeric[i] ? " class=\"num\"" : "").append('>')
                        .append(row[i] == null ? "" : row[i]).append("</td>");
            }
            out.append("</tr>");
        }
        out.append("</tbody></table></div>");
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }

    /** The shared stylesheet ({@code report.css} beside this class): page, cards, tables, tiles, charts, legends. */
    public static String stylesheet() {
        try (InputStream in = Html.class.getResourceAsStream("report.css")) {
            if (in == null) {
                throw new IllegalStateException("report.css missing from the phi4j-core build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder s = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> s.append("&lt;");
                case '>' -> s.append("&gt;");
                case '&' -> s.append("&amp;");
                case '"' -> s.append("&quot;");
                case '\'' -> s.append("&#39;");
                default -> s.append(c);
            }
        }
        return s.toString();
    }

    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** 1,234 → 1.2K, 5,600,000 → 5.6M: for axis labels and tiles. */
    public static String compact(double n) {
        double a = Math.abs(n);
        if (a >= 1e12) {
            return String.format(Locale.ROOT, "%.1fT", n / 1e12);
        }
        if (a >= 1e9) {
            return String.format(Locale.ROOT, "%.1fB", n / 1e9);
        }
        if (a >= 1e6) {
            return String.format(Locale.ROOT, "%.1fM", n / 1e6);
        }
        if (a >= 1e4) {
            return String.format(Locale.ROOT, "%.1fK", n / 1e3);
        }
        return a == Math.rint(a) ? String.format(Locale.ROOT, "%,d", (long) n) : String.format(Locale.ROOT, "%.2f", n);
    }

    public static String percent(double share) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * share);
    }

    public static String decimal(double value, int digits) {
        return String.format(Locale.ROOT, "%." + digits + "f", value);
    }

    public static String bytes(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        }
        if (bytes >= 1L << 10) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return bytes + " B";
    }

    /** Text with the given [start, end) character spans wrapped in {@code <mark>}; bad spans are ignored. */
    public static String highlight(String text, int[][] spans) {
        StringBuilder s = new StringBuilder();
        int at = 0;
        java.util.Arrays.sort(spans, java.util.Comparator.comparingInt(span -> span[0]));
        for (int[] span : spans) {
            int start = Math.max(at, Math.min(span[0], text.length()));
            int end = Math.max(start, Math.min(span[1], text.length()));
            if (end <= start) {
                continue;
            }
            s.append(escape(text.substring(at, start))).append("<mark>").append(escape(text.substring(start, end)))
                    .append("</mark>");
            at = end;
        }
        return s.append(escape(text.substring(at))).toString();
    }
}

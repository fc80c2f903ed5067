package dev.phi4j.pipeline.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phi4j.core.report.Html;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Any section as tables: an object of plain values as a key/value table, a list of flat objects as a table with a
 * column per key, nested objects as headed parts; whatever is left as JSON. Unregistered sections are shown this
 * way, and registered ones that need nothing more ({@link Tabular}).
 */
final class GenericSection {

    private static final int MAX_DEPTH = 3;

    private GenericSection() {}

    static void render(Html html, JsonNode value) {
        render(html, value, 0);
    }

    private static void render(Html html, JsonNode value, int depth) {
        if (value.isValueNode()) {
            html.raw("<p class=\"kv\">").text(value.asText()).raw("</p>");
        } else if (value.isArray() && flatObjects(value)) {
            Set<String> keys = new LinkedHashSet<>();
            value.forEach(item -> item.fieldNames().forEachRemaining(keys::add));
            List<String[]> rows = new ArrayList<>();
            for (JsonNode item : value) {
                rows.add(keys.stream().map(k -> cell(item.get(k))).toArray(String[]::new));
            }
            html.table(keys.stream().map(k -> numeric(value, k) ? k + "#" : k).toArray(String[]::new), rows);
        } else if (value.isObject() && flat(value)) {
            List<String[]> rows = new ArrayList<>();
            value.fields().forEachRemaining(e -> rows.add(new String[] {Html.escape(e.getKey()), cell(e.getValue())}));
            html.table(new String[] {"key", "value"}, rows);
        } else if (value.isObject() && depth < MAX_DEPTH) {
            List<String[]> plain = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isValueNode() || (e.getValue().isArray() && e.getValue().size() <= 8
                        && allValues(e.getValue()))) {
                    plain.add(new String[] {Html.escape(e.getKey()), cell(e.getValue())});
                }
            }
            if (!plain.isEmpty()) {
                html.table(new String[] {"key", "value"}, plain);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!(e.getValue().isValueNode() || (e.getValue().isArray() && e.getValue().size() <= 8
                        && allValues(e.getValue())))) {
                    html.raw("<h4>").text(e.getKey()).raw("</h4>");
                    render(html, e.getValue(), depth + 1);
                }
            }
        } else {
            html.raw("<pre>").text(ReportHtml.pretty(value)).raw("</pre>");
        }
    }

    private static boolean flat(JsonNode object) {
        for (Iterator<JsonNode> it = object.elements(); it.hasNext(); ) {
            JsonNode v = it.next();
            if (!v.isValueNode() && !(v.isArray() && v.size() <= 8 && allValues(v))) {
                return false;
            }
        }
        return true;
    }

    private static boolean flatObjects(JsonNode array) {
        if (array.isEmpty()) {
            return false;
        }
        for (JsonNode item : array) {
            if (!item.isObject() || !flat(item)) {
                return false;
            }
        }
        return true;
    }

    private static boolean allValues(JsonNode array) {
        for (JsonNode item : array) {
            if (!item.isValueNode()) {
                return false;
            }
        }
        return true;
    }

    private static boolean numeric(JsonNode array, String key) {
        for (JsonNode item : array) {
            JsonNode v = item.get(key);
            if (v != null && !v.isNull() && !v.isNumber()) {
                return false;
            }
        }
        return true;
    }

    private static String cell(JsonNode value) {
        if (value == null || value.isNull()) {
            return "";
        }
        if (value.isIntegralNumber()) {
            return Html.count(value.asLong());
        }
        if (value.isNumber()) {
            return Html.decimal(value.asDouble(), 4);
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(v -> items.add(Html.escape(v.asText())));
            return String.join(", ", items);
        }
        return Html.escape(value.asText());
    }

    /** A registered section that the generic tables show well: named, titled, documented. */
    static final class Tabular implements SectionRenderer {
        private final String name;
        private final String title;
        private final String writer;

        Tabular(String name, String title, String writer) {
            this.name = name;
            this.title = title;
            this.writer = writer;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String title() {
            return title;
        }

        @Override
        public String writer() {
            return writer;
        }

        @Override
        public void render(Html html, RunReport.Section section, ReportContext context) {
            GenericSection.render(html, section.value());
        }
    }
}

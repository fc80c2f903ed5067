package dev.phi4j.trainer.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Multiple-choice items from any JSONL ({@code .jsonl}, {@code .json}) or CSV ({@code .csv}, a header row, RFC 4180
 * quoting) file, the fields named by a {@link FieldMapping}, so a benchmark's own export is read as it is. Every
 * error names the file, the line and the field.
 */
public final class MultipleChoiceItems {

    /** How the right answer is written: a 0-based index ({@code 2}) or a letter ({@code C}, A being the first choice). */
    public enum GoldFormat { INDEX, LETTER }

    /**
     * Where an item's parts are.
     *
     * @param context the question (or context) field; may hold an empty string, not be absent
     * @param choices one name: a field holding a JSON array of the choices (in CSV, a cell holding one); several: one
     *                field per choice in order, e.g. {@code A, B, C, D}
     * @param gold    the field holding the right answer, written as {@code goldFormat} says
     */
    public record FieldMapping(String context, List<String> choices, String gold, GoldFormat goldFormat) {
        public FieldMapping {
            choices = List.copyOf(choices);
            if (choices.isEmpty()) {
                throw new IllegalArgumentException("the field mapping names no choices field");
            }
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private MultipleChoiceItems() {}

    public static List<MultipleChoice.Item> read(Path file, FieldMapping mapping) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no such file of multiple-choice items");
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        List<Row> rows;
        if (name.endsWith(".jsonl") || name.endsWith(".json")) {
            rows = jsonl(file);
        } else if (name.endsWith(".csv")) {
            rows = csv(file);
        } else {
            throw new IllegalArgumentException(file + ": unknown format; name it .jsonl, .json or .csv");
        }
        List<MultipleChoice.Item> items = new ArrayList<>(rows.size());
        for (Row row : rows) {
            items.add(item(row, mapping));
        }
        return items;
    }

    /** A record's fields as JSON (a CSV cell is a text node) and its location, {@code FILE:LINE}. */
    private record Row(Map<String, JsonNode> fields, String where) {

        JsonNode field(String field) {
            JsonNode value = fields.get(field);
            if (value == null || value.isNull()) {
                throw new IllegalArgumentException(where + ": field '" + field + "' is missing");
            }
            return value;
        }

        String text(String field) {
            JsonNode value = field(field);
            if (value.isContainerNode()) {
                throw new IllegalArgumentException(where + ": field '" + field + "' is " + value.getNodeType()
                        + ", not text");
            }
            return value.asText();
        }
    }

    private static MultipleChoice.Item item(Row row, FieldMapping mapping) {
        String context = row.text(mapping.context());
        List<String> choices = new ArrayList<>();
        if (mapping.choices().size() == 1) {
            String field = mapping.choices().get(0);
            JsonNode array = row.field(field);
            if (array.isTextual()) {
                try {
                    array = JSON.readTree(array.asText());
                } catch (IOException e) {
                    throw new IllegalArgumentException(row.where() + ": field '" + field
                            + "' is not a JSON array of choices: " + e.getMessage());
                }
            }
            if (!array.isArray()) {
                throw new IllegalArgumentException(row.where() + ": field '" + field + "' is not an array of choices");
            }
            array.forEach(choice -> choices.add(choice.asText()));
        } else {
            mapping.choices().forEach(field -> choices.add(row.text(field)));
        }
        if (choices.size() < 2) {
            throw new IllegalArgumentException(row.where() + ": field '" + mapping.choices().get(0) + "' holds "
                    + choices.size() + " choice(s); at least 2 needed");
        }
        int gold = gold(row, mapping, choices.size());
        return new MultipleChoice.Item(context, choices, gold, row.where());
    }

    private static int gold(Row row, FieldMapping mapping, int choices) {
        String field = mapping.gold();
        String written = row.text(field).strip();
        int gold;
        if (mapping.goldFormat() == GoldFormat.INDEX) {
            try {
                gold = Integer.parseInt(written);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(row.where() + ": field '" + field + "' is '" + written
                        + "', not a choice index");
            }
        } else {
            char letter = written.length() == 1 ? Character.toUpperCase(written.charAt(0)) : 0;
            if (letter < 'A' || letter > 'Z') {
                throw new IllegalArgumentException(row.where() + ": field '" + field + "' is '" + written
                        + "', not a choice letter");
            }
            gold = letter - 'A';
        }
        if (gold < 0 || gold >= choices) {
            throw new IllegalArgumentException(row.where() + ": field '" + field + "' is '" + written + "', but there "
                    + (choices == 1 ? "is 1 choice" : "are " + choices + " choices"));
        }
        return gold;
    }

    private static List<Row> jsonl(Path file) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (JsonLines.Line read : JsonLines.read(file, "file of multiple-choice items", 0)) {
            JsonNode line = read.json();
            String where = read.where();
            if (!line.isObject()) {
                throw new IllegalArgumentException(where + ": not a JSON object");
            }
            Map<String, JsonNode> fields = new HashMap<>();
            line.fields().forEachRemaining(field -> fields.put(field.getKey(), field.getValue()));
            rows.add(new Row(fields, where));
        }
        return rows;
    }

    /** RFC 4180: a quoted cell may hold commas, doubled quotes and line breaks; a record's line is where it starts. */
    private static List<Row> csv(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<List<String>> records = new ArrayList<>();
        List<Integer> startLines = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        boolean recordStarted = false;
        int line = 1;
        int quoteLine = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!recordStarted) {
                startLines.add(line);
                recordStarted = true;
            }
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    line += c == '\n' ? 1 : 0;
                    cell.append(c);
                }
            } else if (c == '"' && cell.isEmpty()) {
                quoted = true;
                quoteLine = line;
            } else if (c == ',') {
                record.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                record.add(cell.toString());
                cell.setLength(0);
                records.add(record);
                record = new ArrayList<>();
                recordStarted = false;
                line++;
            } else {
                cell.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException(file + ":" + quoteLine + ": a quoted cell is never closed");
        }
        if (recordStarted) {
            record.add(cell.toString());
            records.add(record);
        }
        if (records.isEmpty()) {
            throw new IllegalArgumentException(file + ":1: no header row");
        }
        List<String> header = records.get(0);
        List<Row> rows = new ArrayList<>(records.size() - 1);
        for (int r = 1; r < records.size(); r++) {
            List<String> cells = records.get(r);
            String where = file + ":" + startLines.get(r);
            if (cells.size() == 1 && cells.get(0).isBlank()) {
                continue;
            }
            if (cells.size() != header.size()) {
                throw new IllegalArgumentException(where + ": " + cells.size() + " cells, but the header (line 1) has "
                        + header.size());
            }
            Map<String, JsonNode> fields = new HashMap<>();
            for (int c = 0; c < header.size(); c++) {
                fields.put(header.get(c), JSON.getNodeFactory().textNode(cells.get(c)));
            }
            rows.add(new Row(fields, where));
        }
        return rows;
    }
}

package dev.phi4j.trainer.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The evaluation files' common shape: JSON lines, gzipped when the name ends in {@code .gz}, blank lines skipped,
 * each line read with its place ({@code FILE:LINE}) so that an error about it names where it is.
 */
final class JsonLines {

    /** One line's JSON and where it was read. */
    record Line(JsonNode json, String where) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonLines() {}

    /**
     * The first {@code limit} non-blank lines of {@code file} (0: all); {@code what} names the file's contents in the
     * error for a missing file. A line that is not JSON is an error naming its place; lines after the limit are not
     * read.
     */
    static List<Line> read(Path file, String what, int limit) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no such " + what);
        }
        List<Line> lines = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            int number = 0;
            for (String text = reader.readLine(); text != null && (limit == 0 || lines.size() < limit);
                 text = reader.readLine()) {
                number++;
                if (text.isBlank()) {
                    continue;
                }
                String where = file + ":" + number;
                try {
                    lines.add(new Line(JSON.readTree(text), where));
                } catch (IOException e) {
                    throw new IllegalArgumentException(where + ": not JSON: " + e.getMessage());
                }
            }
        }
        return lines;
    }
}

package org.cpisgateway.upload;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads upload rows from CSV (header row; columns {@code nhs_number, plan_type, start_date, end_date, action,
 * authority_code}, the last three optional) or JSON (an array of objects with the same names, or
 * {@code {"plans": [...]}}).
 */
public final class PlanRowReader {

    static final List<String> REQUIRED = List.of("nhs_number", "plan_type", "start_date");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CSVFormat CSV = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true)
            .setIgnoreEmptyLines(true).setTrim(true).setIgnoreHeaderCase(true).setCommentMarker('#').get();

    private PlanRowReader() {
    }

    /** Thrown when the upload as a whole cannot be read. */
    public static class UnreadableUpload extends Exception {
        public UnreadableUpload(String message) {
            super(message);
        }
    }

    public static boolean looksLikeJson(String text) {
        String t = text.stripLeading();
        return t.startsWith("[") || t.startsWith("{");
    }

    public static List<PlanRow> read(String text) throws UnreadableUpload {
        return looksLikeJson(text) ? readJson(text) : readCsv(text);
    }

    static List<PlanRow> readCsv(String text) throws UnreadableUpload {
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
            text = text.substring(1); // spreadsheet byte order mark
        }
        try (CSVParser parser = CSV.parse(new StringReader(text))) {
            Map<String, Integer> header = parser.getHeaderMap();
            for (String column : REQUIRED) {
                if (header.keySet().stream().noneMatch(h -> h.trim().equalsIgnoreCase(column))) {
                    throw new UnreadableUpload("header row must name the columns " + REQUIRED
                            + " (and optionally end_date, action, authority_code); missing " + column);
                }
            }
            List<PlanRow> rows = new ArrayList<>();
            int n = 0;
            for (CSVRecord r : parser) {
                n++;
                rows.add(new PlanRow(n, cell(r, "nhs_number"), cell(r, "plan_type"), cell(r, "start_date"),
                        cell(r, "end_date"), cell(r, "action"), cell(r, "authority_code")));
            }
            return rows;
        } catch (IOException | java.io.UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            throw new UnreadableUpload("not readable as CSV: " + e.getMessage());
        }
    }

    private static String cell(CSVRecord r, String column) {
        return r.isMapped(column) && r.isSet(column) ? emptyToNull(r.get(column)) : null;
    }

    static List<PlanRow> readJson(String text) throws UnreadableUpload {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UnreadableUpload("not readable as JSON: " + e.getOriginalMessage());
        }
        JsonNode array = root.isObject() ? root.path("plans") : root;
        if (!array.isArray()) {
            throw new UnreadableUpload("JSON upload must be an array of plans or {\"plans\": [...]}");
        }
        List<PlanRow> rows = new ArrayList<>();
        int n = 0;
        for (Iterator<JsonNode> it = array.elements(); it.hasNext(); ) {
            JsonNode o = it.next();
            n++;
            rows.add(new PlanRow(n, text(o, "nhs_number"), text(o, "plan_type"), text(o, "start_date"),
                    text(o, "end_date"), text(o, "action"), text(o, "authority_code")));
        }
        return rows;
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : emptyToNull(v.asText().trim());
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    static String upper(String s) {
        return s == null ? null : s.toUpperCase(Locale.ROOT);
    }
}

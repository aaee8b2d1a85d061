package org.cpisgateway.upload;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads an upload in one pass over a {@link Reader}, never holding its text: CSV (header row; columns
 * {@code nhs_number, plan_type, start_date, end_date, action, authority_code}, the last three optional; options in
 * {@code # cpis:} comment lines) with Commons CSV, or JSON (an array of objects with the same names, or
 * {@code {"plans": [...], "sequence": ...}}) with Jackson's streaming parser, one row's object at a time. At most
 * {@code maxRows} rows are read: one more and the upload is refused whole ({@link TooManyRows}).
 */
public final class PlanRowReader {

    static final List<String> REQUIRED = List.of("nhs_number", "plan_type", "start_date");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory JSON_FACTORY = JSON.getFactory();
    private static final CSVFormat CSV = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true)
            .setIgnoreEmptyLines(true).setTrim(true).setIgnoreHeaderCase(true).setCommentMarker('#').get();

    private PlanRowReader() {
    }

    /** An upload as read: its format ({@code csv} or {@code json}), the options it carries, its rows in order. */
    public record ReadUpload(String format, UploadOptions options, List<PlanRow> rows) {
    }

    /** Thrown when the upload has more rows than allowed; nothing of it is applied. */
    public static class TooManyRows extends Exception {
        public TooManyRows(int maxRows) {
            super("more than " + maxRows + " rows (cpis.uploads.max-rows): nothing applied; send the rows in "
                    + "several uploads, or ask for the limit to be raised");
        }
    }

    /** {@code json} when the text's first character (after white space and a byte order mark) opens JSON, else csv. */
    public static String formatOf(BufferedReader in) throws IOException {
        in.mark(1);
        int c = in.read();
        if (c == '\uFEFF') { // a spreadsheet's byte order mark: not part of the upload
            in.mark(1);
            c = in.read();
        }
        while (c != -1 && Character.isWhitespace(c)) {
            in.mark(1);
            c = in.read();
        }
        in.reset();
        return c == '[' || c == '{' ? "json" : "csv";
    }

    /** Reads the upload's options and rows; the reader is read once, to its end, and not closed. */
    public static ReadUpload read(Reader reader, int maxRows) throws UnreadableUpload, TooManyRows {
        BufferedReader in = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
        try {
            return "json".equals(formatOf(in)) ? readJson(in, maxRows) : readCsv(in, maxRows);
        } catch (IOException | UncheckedIOException e) {
            throw new UnreadableUpload("could not be read: " + e.getMessage(), "could not be read ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    static ReadUpload readCsv(Reader in, int maxRows) throws UnreadableUpload, TooManyRows {
        try (CSVParser parser = CSV.parse(in)) {
            Map<String, Integer> header = parser.getHeaderMap();
            for (String column : REQUIRED) {
                if (header.keySet().stream().noneMatch(h -> h.trim().equalsIgnoreCase(column))) {
                    throw new UnreadableUpload("header row must name the columns " + REQUIRED
                            + " (and optionally end_date, action, authority_code); missing " + column);
                }
            }
            UploadOptions.Directives directives = new UploadOptions.Directives();
            directives.read(parser.getHeaderComment());
            List<PlanRow> rows = new ArrayList<>();
            int n = 0;
            for (CSVRecord r : parser) {
                directives.read(r.getComment());
                if (++n > maxRows) {
                    throw new TooManyRows(maxRows);
                }
                rows.add(new PlanRow(n, cell(r, "nhs_number"), cell(r, "plan_type"), cell(r, "start_date"),
                        cell(r, "end_date"), cell(r, "action"), cell(r, "authority_code")));
            }
            directives.read(parser.getTrailerComment());
            return new ReadUpload("csv", directives.options(), rows);
        } catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            throw new UnreadableUpload("not readable as CSV: " + e.getMessage(), "not readable as CSV ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private static String cell(CSVRecord r, String column) {
        return r.isMapped(column) && r.isSet(column) ? emptyToNull(r.get(column)) : null;
    }

    static ReadUpload readJson(Reader in, int maxRows) throws UnreadableUpload, TooManyRows {
        try (JsonParser p = JSON_FACTORY.createParser(in)) {
            p.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
            JsonToken root = p.nextToken();
            if (root == JsonToken.START_ARRAY) {
                return new ReadUpload("json", UploadOptions.DELTA, plans(p, maxRows));
            }
            if (root != JsonToken.START_OBJECT) {
                throw new UnreadableUpload("JSON upload must be an array of plans or {\"plans\": [...]}");
            }
            List<PlanRow> rows = null;
            JsonNode sequence = null;
            JsonNode mode = null;
            JsonNode dryRun = null;
            JsonNode force = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "plans" -> {
                        if (value != JsonToken.START_ARRAY) {
                            throw new UnreadableUpload("JSON upload must be an array of plans or {\"plans\": [...]}");
                        }
                        rows = plans(p, maxRows);
                    }
                    case "sequence" -> sequence = p.readValueAsTree();
                    case "mode" -> mode = p.readValueAsTree();
                    case "dryRun" -> dryRun = p.readValueAsTree();
                    case "force" -> force = p.readValueAsTree();
                    default -> p.skipChildren();
                }
            }
            if (rows == null) {
                throw new UnreadableUpload("JSON upload must be an array of plans or {\"plans\": [...]}");
            }
            return new ReadUpload("json", UploadOptions.ofJson(sequence, mode, dryRun, force), rows);
        } catch (JsonProcessingException e) {
            throw new UnreadableUpload("not readable as JSON: " + e.getOriginalMessage(), "not readable as JSON"
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr()));
        } catch (IOException e) {
            throw new UnreadableUpload("could not be read: " + e.getMessage(), "could not be read ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /** The plans array, the parser on its START_ARRAY: one element's tree at a time. */
    private static List<PlanRow> plans(JsonParser p, int maxRows) throws IOException, TooManyRows {
        List<PlanRow> rows = new ArrayList<>();
        int n = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() == null) {
                throw new com.fasterxml.jackson.core.JsonParseException(p, "the plans array is not closed");
            }
            JsonNode o = p.readValueAsTree();
            if (++n > maxRows) {
                throw new TooManyRows(maxRows);
            }
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
}

package org.cpisgateway.mapping;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/** Reads the integrator-edited tables in {@code mappings/}: CSV with a header row, {@code #} comments, trimmed cells. */
public final class CsvTable {

    static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder()
            .setHeader().setSkipHeaderRecord(true)
            .setCommentMarker('#').setIgnoreEmptyLines(true)
            .setIgnoreSurroundingSpaces(true).setTrim(true)
            .get();

    private CsvTable() {
    }

    /** One data row and the line of the file it ends on (for error messages that name the line). */
    public record Row(CSVRecord cells, long line) {
    }

    public static List<Row> read(Path file, String... requiredColumns) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("Mapping table " + file + " is missing");
        }
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            var parser = FORMAT.parse(reader);
            for (String column : requiredColumns) {
                if (!parser.getHeaderMap().containsKey(column)) {
                    throw new IllegalStateException(file + " line 1: missing column '" + column + "' in the header row");
                }
            }
            List<Row> rows = new java.util.ArrayList<>();
            for (CSVRecord record : parser) {
                rows.add(new Row(record, parser.getCurrentLineNumber()));
            }
            return rows;
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new IllegalStateException("Cannot read mapping table " + file + ": " + e.getMessage(), e);
        }
    }

    /** The cell, or null when the column is absent or the cell is empty. */
    public static String cell(Row row, String column) {
        CSVRecord cells = row.cells();
        if (!cells.isMapped(column) || !cells.isSet(column)) {
            return null;
        }
        String value = cells.get(column);
        return value == null || value.isEmpty() ? null : value;
    }
}

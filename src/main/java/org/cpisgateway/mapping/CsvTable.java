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

    public static List<CSVRecord> read(Path file, String... requiredColumns) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            var parser = FORMAT.parse(reader);
            for (String column : requiredColumns) {
                if (!parser.getHeaderMap().containsKey(column)) {
                    throw new IllegalStateException(file + ": missing column '" + column + "' in the header row");
                }
            }
            return parser.getRecords();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read mapping table " + file + ": " + e.getMessage(), e);
        }
    }

    /** The cell, or null when the column is absent or the cell is empty. */
    public static String cell(CSVRecord row, String column) {
        if (!row.isMapped(column) || !row.isSet(column)) {
            return null;
        }
        String value = row.get(column);
        return value == null || value.isEmpty() ? null : value;
    }
}

package org.cpisgateway.mapping;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code mappings/nhs-number-locations.csv}: where each sending facility puts the NHS number. The {@code *} row is the
 * default (PID-3). A location is a list of fields tried in order, separated by spaces: {@code PID-3}, {@code PID-2},
 * {@code PID-4}, {@code PID-19}.
 */
public class NhsNumberLocations {

    private static final Pattern FIELD = Pattern.compile("PID-(2|3|4|19)");
    public static final List<String> DEFAULT = List.of("PID-3");

    private volatile Map<String, List<String>> byFacility;

    public NhsNumberLocations(Map<String, List<String>> byFacility) {
        this.byFacility = Map.copyOf(byFacility);
    }

    public static NhsNumberLocations load(Path file) {
        Map<String, List<String>> byFacility = new HashMap<>();
        for (var row : CsvTable.read(file, "sending_facility", "fields")) {
            String facility = CsvTable.cell(row, "sending_facility");
            String fields = CsvTable.cell(row, "fields");
            List<String> list = fields == null ? List.of() : List.of(fields.toUpperCase(Locale.ROOT).split("\\s+"));
            if (facility == null || list.isEmpty() || !list.stream().allMatch(f -> FIELD.matcher(f).matches())) {
                throw new IllegalStateException(file + " line " + row.line()
                        + ": fields must be one or more of PID-3 PID-2 PID-4 PID-19");
            }
            byFacility.put(facility.toUpperCase(Locale.ROOT), list);
        }
        return new NhsNumberLocations(byFacility);
    }

    /** Takes the other table's rows (a live edit of the file). */
    public void replaceWith(NhsNumberLocations other) {
        this.byFacility = other.byFacility;
    }

    public List<String> fieldsFor(String sendingFacility) {
        List<String> fields = sendingFacility == null ? null : byFacility.get(sendingFacility.toUpperCase(Locale.ROOT));
        if (fields == null) {
            fields = byFacility.getOrDefault("*", DEFAULT);
        }
        return fields;
    }
}

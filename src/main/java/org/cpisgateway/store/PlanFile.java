package org.cpisgateway.store;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.cpisgateway.check.NhsNumber;
import org.cpisgateway.check.Plan;
import org.cpisgateway.check.PlanType;

/**
 * A CSV file of plans: header {@code nhs_number,plan_type,start_date,end_date,authority_code}, dates as
 * {@code YYYY-MM-DD}, end date empty while the plan is open. Used for the demo data; the authority upload format
 * builds on it.
 */
public final class PlanFile {

    static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder()
            .setHeader().setSkipHeaderRecord(true).setCommentMarker('#').setIgnoreEmptyLines(true).setTrim(true)
            .get();

    private PlanFile() {
    }

    public static List<Plan> read(Path file) {
        List<Plan> plans = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (CSVRecord row : FORMAT.parse(reader)) {
                plans.add(parse(row, file));
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read plan file " + file + ": " + e.getMessage(), e);
        }
        return plans;
    }

    private static Plan parse(CSVRecord row, Path file) {
        String where = file + " line " + row.getParser().getCurrentLineNumber() + ": ";
        String nhs = NhsNumber.normalise(row.get("nhs_number"));
        if (!NhsNumber.isValid(nhs)) {
            throw new IllegalArgumentException(where + NhsNumber.problem(nhs));
        }
        PlanType type = PlanType.fromCode(row.get("plan_type"));
        if (type == null) {
            throw new IllegalArgumentException(where + "plan_type must be CPP, LAC or UCP");
        }
        try {
            String end = row.get("end_date");
            return new Plan(nhs, type, LocalDate.parse(row.get("start_date")),
                    end == null || end.isEmpty() ? null : LocalDate.parse(end), row.get("authority_code"));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(where + "dates must be YYYY-MM-DD");
        }
    }

    /** Loads every plan in one transaction. */
    public static int load(FlagStore store, Path file) throws SQLException {
        List<Plan> plans = read(file);
        try (Connection c = store.dataSource().getConnection()) {
            c.setAutoCommit(false);
            for (Plan plan : plans) {
                store.upsert(c, plan);
            }
            c.commit();
        }
        return plans.size();
    }
}

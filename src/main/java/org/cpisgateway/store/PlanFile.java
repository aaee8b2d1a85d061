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
import org.cpisgateway.core.NhsNumber;
import org.cpisgateway.core.Plan;
import org.cpisgateway.core.PlanType;

/**
 * A CSV file of plans: header {@code nhs_number,plan_type,start_date,end_date,authority_code}, dates as
 * {@code YYYY-MM-DD} or relative to the day the file is loaded ({@code today}, {@code today-2y}, {@code today-3m},
 * {@code today+10d}, {@code today-1y-2m}: years, months, weeks, days), end date empty while the plan is open.
 * Relative dates keep the demo data meaningful on any date: a plan that started "two years ago" is open today and
 * next year alike. Used for the demo data; the authority upload format builds on it (uploads take absolute dates).
 */
public final class PlanFile {

    static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder()
            .setHeader().setSkipHeaderRecord(true).setCommentMarker('#').setIgnoreEmptyLines(true).setTrim(true)
            .get();

    private PlanFile() {
    }

    private static final java.util.regex.Pattern RELATIVE =
            java.util.regex.Pattern.compile("today((?:[+-]\\d{1,4}[dwmy])*)", java.util.regex.Pattern.CASE_INSENSITIVE);
    private static final java.util.regex.Pattern STEP = java.util.regex.Pattern.compile("([+-])(\\d{1,4})([dwmyDWMY])");

    /** A date cell: {@code YYYY-MM-DD}, or {@code today} with steps such as {@code -2y}, {@code +3m}, {@code -10d}. */
    public static LocalDate date(String cell, LocalDate today) {
        java.util.regex.Matcher relative = RELATIVE.matcher(cell.trim());
        if (!relative.matches()) {
            return LocalDate.parse(cell.trim());
        }
        LocalDate date = today;
        java.util.regex.Matcher step = STEP.matcher(relative.group(1));
        while (step.find()) {
            long n = Long.parseLong(step.group(2)) * (step.group(1).equals("-") ? -1 : 1);
            date = switch (Character.toLowerCase(step.group(3).charAt(0))) {
                case 'y' -> date.plusYears(n);
                case 'm' -> date.plusMonths(n);
                case 'w' -> date.plusWeeks(n);
                default -> date.plusDays(n);
            };
        }
        return date;
    }

    public static List<Plan> read(Path file, LocalDate today) {
        List<Plan> plans = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (CSVRecord row : FORMAT.parse(reader)) {
                plans.add(parse(row, file, today));
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read plan file " + file + ": " + e.getMessage(), e);
        }
        return plans;
    }

    private static Plan parse(CSVRecord row, Path file, LocalDate today) {
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
            return new Plan(nhs, type, date(row.get("start_date"), today),
                    end == null || end.isEmpty() ? null : date(end, today), row.get("authority_code"));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(where + "dates must be YYYY-MM-DD or relative to today (today-2y)");
        }
    }

    /** Loads every plan in one transaction. */
    public static int load(PlanTable store, Path file, LocalDate today) throws SQLException {
        List<Plan> plans = read(file, today);
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

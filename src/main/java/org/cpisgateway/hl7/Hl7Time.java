package org.cpisgateway.hl7;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** HL7 v2 DTM/TS values (YYYY[MM[DD[HH[MM[SS[.S+]]]]]][+/-ZZZZ]); a value without an offset is local to {@code zone}. */
public final class Hl7Time {

    private static final Pattern DTM = Pattern.compile(
            "(\\d{4})(\\d{2})?(\\d{2})?(\\d{2})?(\\d{2})?(\\d{2})?(?:\\.\\d{1,4})?([+-]\\d{4})?");

    private static final java.time.format.DateTimeFormatter DTM_WITH_OFFSET =
            java.time.format.DateTimeFormatter.ofPattern("yyyyMMddHHmmssZ");

    private Hl7Time() {
    }

    /** The instant, or null when the value is empty or not a DTM. */
    public static OffsetDateTime parse(String value, ZoneId zone) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Matcher m = DTM.matcher(value.trim());
        if (!m.matches()) {
            return null;
        }
        try {
            LocalDateTime local = LocalDateTime.of(Integer.parseInt(m.group(1)), num(m.group(2), 1), num(m.group(3), 1),
                    num(m.group(4), 0), num(m.group(5), 0), num(m.group(6), 0));
            if (m.group(7) != null) {
                String z = m.group(7);
                int sign = z.charAt(0) == '-' ? -1 : 1;
                ZoneOffset offset = ZoneOffset.ofHoursMinutes(sign * Integer.parseInt(z.substring(1, 3)),
                        sign * Integer.parseInt(z.substring(3, 5)));
                return local.atOffset(offset);
            }
            return local.atZone(zone).toOffsetDateTime();
        } catch (RuntimeException outOfRange) {
            return null;
        }
    }

    /** The calendar date of a DTM/TS/DT value, or null. */
    public static LocalDate parseDate(String value) {
        OffsetDateTime t = parse(value, ZoneOffset.UTC);
        return t == null ? null : t.toLocalDate();
    }

    private static int num(String group, int dflt) {
        return group == null ? dflt : Integer.parseInt(group);
    }

    public static String format(OffsetDateTime t) {
        return t == null ? "" : t.format(DTM_WITH_OFFSET);
    }

    public static String format(LocalDate d) {
        return d == null ? "" : d.format(java.time.format.DateTimeFormatter.BASIC_ISO_DATE);
    }
}

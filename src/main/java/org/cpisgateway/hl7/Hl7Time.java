package org.cpisgateway.hl7;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** HL7 v2 DTM/TS values (YYYY[MM[DD[HH[MM[SS[.S+]]]]]][+/-ZZZZ]); a value without an offset is local to {@code zone}. */
public final class Hl7Time {

    private static final java.time.format.DateTimeFormatter DTM_WITH_OFFSET =
            java.time.format.DateTimeFormatter.ofPattern("yyyyMMddHHmmssZ");

    private Hl7Time() {
    }

    /**
     * The instant, or null when the value is empty or not a DTM: after trimming, 4 to 14 digits in pairs after the
     * year, then optionally a fraction of 1 to 4 digits (ignored) and an offset of a sign and four digits.
     */
    public static OffsetDateTime parse(String value, ZoneId zone) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        int n = v.length();
        int digits = digitsFrom(v, 0);
        if (digits < 4 || digits > 14 || digits % 2 != 0) {
            return null;
        }
        int at = digits;
        if (at < n && v.charAt(at) == '.') {
            int fraction = digitsFrom(v, at + 1);
            if (fraction < 1 || fraction > 4) {
                return null;
            }
            at += 1 + fraction;
        }
        int offsetAt = -1;
        if (at < n && (v.charAt(at) == '+' || v.charAt(at) == '-')) {
            if (n - at != 5 || digitsFrom(v, at + 1) != 4) {
                return null;
            }
            offsetAt = at;
            at = n;
        }
        if (at != n) {
            return null;
        }
        try {
            LocalDateTime local = LocalDateTime.of(number(v, 0, 4), pair(v, digits, 4, 1), pair(v, digits, 6, 1),
                    pair(v, digits, 8, 0), pair(v, digits, 10, 0), pair(v, digits, 12, 0));
            if (offsetAt >= 0) {
                int sign = v.charAt(offsetAt) == '-' ? -1 : 1;
                return local.atOffset(ZoneOffset.ofHoursMinutes(sign * number(v, offsetAt + 1, offsetAt + 3),
                        sign * number(v, offsetAt + 3, offsetAt + 5)));
            }
            return local.atZone(zone).toOffsetDateTime();
        } catch (RuntimeException outOfRange) {
            return null;
        }
    }

    /** How many ASCII digits follow from {@code from}. */
    private static int digitsFrom(String v, int from) {
        int i = from;
        while (i < v.length() && v.charAt(i) >= '0' && v.charAt(i) <= '9') {
            i++;
        }
        return i - from;
    }

    /** The two digits at {@code from} when the value has them, else {@code absent}. */
    private static int pair(String v, int digits, int from, int absent) {
        return digits >= from + 2 ? number(v, from, from + 2) : absent;
    }

    private static int number(String v, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            value = value * 10 + (v.charAt(i) - '0');
        }
        return value;
    }

    /** The calendar date of a DTM/TS/DT value, or null. */
    public static LocalDate parseDate(String value) {
        OffsetDateTime t = parse(value, ZoneOffset.UTC);
        return t == null ? null : t.toLocalDate();
    }

    public static String format(OffsetDateTime t) {
        return t == null ? "" : t.format(DTM_WITH_OFFSET);
    }

    public static String format(LocalDate d) {
        return d == null ? "" : d.format(java.time.format.DateTimeFormatter.BASIC_ISO_DATE);
    }
}

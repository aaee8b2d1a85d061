package org.cpisgateway.logging;

import java.util.regex.Pattern;

/**
 * Masks what could be patient data in text the gateway does not write itself: the messages of exceptions (a parser's
 * error can quote the message; a database's constraint error quotes the row) before they reach the application log.
 * HL7 v2 segments lose everything after their name, values in single quotes (as databases quote a row's values) are
 * blanked, and numbers of NHS-number length and dates lose their digits. The
 * gateway's own log lines never carry patient data in the first place.
 */
public final class PatientDataMask {

    private static final Pattern QUOTED = Pattern.compile("'[^'\\r\\n]*'");
    private static final Pattern SEGMENT = Pattern.compile("\\b([A-Z][A-Z0-9]{2})\\|[^\\r\\n]*");
    private static final Pattern TEN_DIGITS = Pattern.compile("(?<![0-9])[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}(?![0-9])");
    private static final Pattern DATE = Pattern.compile(
            "(?<![0-9])(19|20)[0-9]{2}-?(0[1-9]|1[0-2])-?(0[1-9]|[12][0-9]|3[01])(?![0-9])");

    private PatientDataMask() {
    }

    public static String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String masked = SEGMENT.matcher(text).replaceAll("$1|[masked]");
        masked = QUOTED.matcher(masked).replaceAll("'[masked]'");
        masked = TEN_DIGITS.matcher(masked).replaceAll("[number masked]");
        return DATE.matcher(masked).replaceAll("[date masked]");
    }
}

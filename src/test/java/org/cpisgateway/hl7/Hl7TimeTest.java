package org.cpisgateway.hl7;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The DTM reader against the grammar written as a regular expression, over valid, near-valid and random values. */
class Hl7TimeTest {

    private static final ZoneId LONDON = ZoneId.of("Europe/London");

    /** The grammar, the way HL7 v2 writes it: YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]. */
    private static final Pattern DTM = Pattern.compile(
            "(\\d{4})(\\d{2})?(\\d{2})?(\\d{2})?(\\d{2})?(\\d{2})?(?:\\.\\d{1,4})?([+-]\\d{4})?");

    private static OffsetDateTime byGrammar(String value, ZoneId zone) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Matcher m = DTM.matcher(value.trim());
        if (!m.matches()) {
            return null;
        }
        try {
            LocalDateTime local = LocalDateTime.of(Integer.parseInt(m.group(1)), num(m.group(2), 1),
                    num(m.group(3), 1), num(m.group(4), 0), num(m.group(5), 0), num(m.group(6), 0));
            if (m.group(7) != null) {
                String z = m.group(7);
                int sign = z.charAt(0) == '-' ? -1 : 1;
                return local.atOffset(ZoneOffset.ofHoursMinutes(sign * Integer.parseInt(z.substring(1, 3)),
                        sign * Integer.parseInt(z.substring(3, 5))));
            }
            return local.atZone(zone).toOffsetDateTime();
        } catch (RuntimeException outOfRange) {
            return null;
        }
    }

    private static int num(String group, int absent) {
        return group == null ? absent : Integer.parseInt(group);
    }

    @Test
    void readsWhatTheGrammarReads() {
        String[] values = {"2030", "203006", "20300615", "2030061512", "203006151230", "20300615123045",
            "20300615123045.1", "20300615123045.1234", "20300615123045.12345", "20300615123045+0100",
            "20300615123045.12-0530", "2030+0000", "203006151230-1200", " 20300615 ", "20300615\t", "203",
            "20300", "2030061512304", "203006151230456", "20300615123045.", "20300615+010", "20300615+01000",
            "20301315", "20300230", "20300615246000", "20300615+2400", "2030.5", "2030061512.99+0100", "",
            "   ", null, "x2030", "2030x", "２０３０", "20300615 1230", "+0100", "2030-06-15", "2030\u00a0"};
        for (String v : values) {
            assertThat(Hl7Time.parse(v, LONDON)).as("«%s»", v).isEqualTo(byGrammar(v, LONDON));
        }
    }

    @Test
    void readsWhatTheGrammarReadsForRandomValues() {
        Random random = new Random(20300615);
        String alphabet = "0123456789012345678901234567890123456789.+- x";
        for (int n = 0; n < 200_000; n++) {
            StringBuilder v = new StringBuilder();
            if (random.nextBoolean()) {
                v.append(1900 + random.nextInt(200)); // most values start as a year would
            }
            for (int i = random.nextInt(20); i > 0; i--) {
                v.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            assertThat(Hl7Time.parse(v.toString(), LONDON)).as("«%s»", v).isEqualTo(byGrammar(v.toString(), LONDON));
        }
    }
}

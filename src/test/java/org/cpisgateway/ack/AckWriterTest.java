package org.cpisgateway.ack;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.util.Terser;

import org.cpisgateway.core.AccessRecord;
import org.cpisgateway.core.CheckResult;
import org.cpisgateway.core.Plan;
import org.cpisgateway.core.PlanType;
import org.cpisgateway.hl7.HapiSetup;
import org.cpisgateway.hl7.MshHeader;
import org.cpisgateway.core.Authority;
import org.cpisgateway.mapping.AuthorityDirectory;
import org.cpisgateway.core.CareSetting;
import org.junit.jupiter.api.Test;

/**
 * The ACK is written as text (not built through HAPI's model: that was a large share of the CPU under load), so
 * HAPI's own parser and encoder are the reference: parsing our ACK and encoding it again must give the same text,
 * and every field must read back as what we meant, delimiters in the data included.
 */
class AckWriterTest {

    private final HapiContext hapi = HapiSetup.lenientContext();
    private final PipeParser parser = hapi.getPipeParser();
    private final AckWriter writer = new AckWriter(new AuthorityDirectory(Map.of(
            "LA901", new Authority("LA901", "Borough of A|B ^ C & D ~ E \\ F", "0100 000 0001", ""))),
            "CPIS-GATEWAY", "2.5", java.time.Clock.fixed(java.time.Instant.parse("2026-11-22T09:30:00Z"), ZoneId.of("Europe/London")));

    private final MshHeader msh = MshHeader.read(
            "MSH|^~\\&|PAS^1.2.3^ISO|R9Z01^Riverside|CPIS|CPISF|20261122||ADT^A04^ADT_A01|C\\F\\1|P|2.4\rPID|1");

    private final CheckResult flagged = new CheckResult(CheckResult.Status.FLAGGED, "CP-IS", "Child protection plan",
            List.of(new Plan("9990000018", PlanType.CPP, LocalDate.of(2026, 1, 2), null, "LA901")),
            List.of(new AccessRecord(OffsetDateTime.of(2026, 11, 1, 10, 0, 0, 0, ZoneOffset.UTC), "R9Z02",
                    "Urgent & treatment|centre", "UTC", false)),
            new CareSetting("R9Z01", "Riverside ED", "ED", false, true), List.of("LA901"));

    @Test
    void escapingIsHapisForAnyValueAndAnyDelimiters() {
        java.util.Random random = new java.util.Random(42);
        String alphabet = "ABCxyz019 .-_/|^~\\&#!$*{}\r\n\téü€中";
        for (String delimiters : List.of("|^~\\&", "|^~\\&#", "!$*{}")) {
            var enc = new ca.uhn.hl7v2.parser.EncodingCharacters(delimiters.charAt(0), delimiters.substring(1));
            var hapi = new ca.uhn.hl7v2.parser.DefaultEscaping();
            for (int n = 0; n < 20_000; n++) {
                StringBuilder value = new StringBuilder();
                for (int len = random.nextInt(12); len > 0; len--) {
                    value.append(random.nextInt(4) == 0 ? alphabet.charAt(random.nextInt(alphabet.length()))
                            : (char) ('a' + random.nextInt(26)));
                }
                assertThat(writer.escape(value.toString(), enc)).as("escaped %s", value)
                        .isEqualTo(hapi.escape(value.toString(), enc));
            }
        }
    }

    @Test
    void aFlaggedAckIsWhatHapiWouldEncode() throws Exception {
        String ack = writer.forResult(msh, flagged);
        assertThat(parser.encode(parser.parse(ack))).isEqualTo(ack);
        Terser t = new Terser(parser.parse(ack));
        assertThat(t.get("/MSH-3-1")).isEqualTo("CPIS");
        assertThat(t.get("/MSH-4-1")).isEqualTo("CPISF");
        assertThat(t.get("/MSH-5-2")).isEqualTo("1.2.3");
        assertThat(t.get("/MSH-6-2")).isEqualTo("Riverside");
        assertThat(t.get("/MSH-9-2")).isEqualTo("A04");
        assertThat(t.get("/MSH-12")).isEqualTo("2.4");
        assertThat(t.get("/MSA-1")).isEqualTo("AA");
        assertThat(t.get("/MSA-2")).isEqualTo("C|1");
        assertThat(t.get("/ZCS-1")).isEqualTo("FLAGGED");
        assertThat(t.get("/ZCS-5")).isEqualTo("QUEUED");
        assertThat(t.get("/ZCS-6-2")).isEqualTo("Riverside ED");
        assertThat(t.get("/ZCS-7")).isEqualTo("U");
        assertThat(t.get("/ZCP-2-1")).isEqualTo(PlanType.CPP.snomedCode());
        assertThat(t.get("/ZCP-4")).isNull();
        assertThat(t.get("/ZCP-6")).isEqualTo("Borough of A|B ^ C & D ~ E \\ F");
        assertThat(t.get("/ZCA-3")).isEqualTo("Urgent & treatment|centre");
    }

    @Test
    void anErrorAckFillsErrBothWays() throws Exception {
        String ack = writer.forError(msh, "AR", new AckError(102, "PID", 3, "NHS number is not 10 digits"), null);
        assertThat(parser.encode(parser.parse(ack))).isEqualTo(ack);
        Message parsed = parser.parse(ack);
        Terser t = new Terser(parsed);
        assertThat(t.get("/MSA-1")).isEqualTo("AR");
        assertThat(t.get("/MSA-3")).isEqualTo("NHS number is not 10 digits");
        assertThat(t.get("/ERR-1-1")).isEqualTo("PID");
        assertThat(t.get("/ERR-1-3")).isEqualTo("3");
        assertThat(t.get("/ERR-1-4-1")).isEqualTo("102");
        assertThat(t.get("/ERR-1-4-2")).isEqualTo("Data type error");
        assertThat(t.get("/ERR-3-1")).isEqualTo("102");
        assertThat(t.get("/ERR-4")).isEqualTo("E");
        assertThat(t.get("/ERR-8")).isEqualTo("NHS number is not 10 digits");
        assertThat(ack).doesNotContain("ZCS");
    }

    @Test
    void anErrorWithoutAFieldKeepsTheCodeInItsPlace() throws Exception {
        String ack = writer.forError(msh, "AE", new AckError(207, "MSH", 0, "store down"),
                CheckResult.notChecked("STORE_UNAVAILABLE", "check CP-IS another way", null));
        assertThat(parser.encode(parser.parse(ack))).isEqualTo(ack);
        Terser t = new Terser(parser.parse(ack));
        assertThat(t.get("/ERR-1-4-1")).isEqualTo("207");
        assertThat(t.get("/ZCS-3")).isEqualTo("STORE_UNAVAILABLE");
    }

    @Test
    void otherDelimitersAreEchoedAndUsed() throws Exception {
        MshHeader odd = MshHeader.read("MSH#*~\\&#PAS#R9Z01#CPIS#CPIS#20261122##ADT*A04#C9#P#2.3\rPID#1");
        String ack = writer.forResult(odd, flagged);
        assertThat(ack).startsWith("MSH#*~\\&#CPIS#CPIS#PAS#R9Z01#");
        assertThat(parser.encode(parser.parse(ack))).isEqualTo(ack);
        assertThat(new Terser(parser.parse(ack)).get("/ZCP-6")).isEqualTo("Borough of A|B ^ C & D ~ E \\ F");
    }

    @Test
    void anUnusableHeaderStillGetsAnAck() throws Exception {
        String ack = writer.forError(MshHeader.read("not hl7"), "AR", new AckError(102, "MSH", 0, "not HL7"), null);
        assertThat(ack).startsWith("MSH|^~\\&|CPIS-GATEWAY|");
        assertThat(new Terser(parser.parse(ack)).get("/MSA-1")).isEqualTo("AR");
    }

    @Test
    void echoesOnlyEventsAndVersionsOfTheExpectedShape() {
        java.util.regex.Pattern event = java.util.regex.Pattern.compile("[A-Za-z0-9]{1,7}");
        java.util.regex.Pattern version = java.util.regex.Pattern.compile("[0-9][0-9.]{0,10}");
        for (String v : new String[] {"", "A04", "a04", "A0412345", "A041234", "A-4", "2.4", "2.5.1", ".2",
            "2.4.1.1.1.1", "2.4.1.1.1.11", "2,4", "٢.٤", "A 4", "ÄÖ1"}) {
            assertThat(AckWriter.isEvent(v)).as(v).isEqualTo(event.matcher(v).matches());
            assertThat(AckWriter.isVersion(v)).as(v)
                    .isEqualTo(version.matcher(v).matches());
        }
    }
}

package org.cpisgateway.hl7;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;

class MshHeaderTest {

    @Test
    void readsTheFieldsAnAckNeeds() {
        MshHeader msh = MshHeader.read("MSH|^~\\&|PAS^1.2.3^ISO|R9Z01^Riverside|CPIS|CPIS|20261122||ADT^A04^ADT_A01|C1|P|2.4||||||UNICODE UTF-8\rPID|1");
        assertThat(msh.sendingApplication()).isEqualTo("PAS^1.2.3^ISO");
        assertThat(msh.sendingFacilityCode()).isEqualTo("R9Z01");
        assertThat(msh.messageType()).isEqualTo("ADT");
        assertThat(msh.triggerEvent()).isEqualTo("A04");
        assertThat(msh.controlId()).isEqualTo("C1");
        assertThat(msh.version()).isEqualTo("2.4");
        assertThat(msh.characterSet()).isEqualTo("UNICODE UTF-8");
        assertThat(msh.dedupeKey()).isEqualTo("R9Z01|C1");
    }

    @Test
    void brokenEncodingCharactersGiveAnUnreadableHeader() {
        assertThat(MshHeader.read("MSH|foo|foo").controlId()).isEmpty();
        assertThat(MshHeader.read("MSH|^~&|A|B|C|D|||ADT^A04|X|P|2.4").encodingCharacters()).isEqualTo("^~\\&");
        assertThat(MshHeader.read("random bytes").messageType()).isEmpty();
        assertThat(MshHeader.read("").dedupeKey()).isNull();
    }

    @Test
    void swappedSeparatorsAreEchoed() {
        MshHeader msh = MshHeader.read("MSH^~|\\&^PAS^R9Z01^CPIS^CPIS^20261122^^ADT|A24^C9^P^2.4");
        assertThat(msh.fieldSeparator()).isEqualTo('^');
        assertThat(msh.controlId()).isEqualTo("C9");
    }

    @Test
    void hl7TimesWithAndWithoutOffsets() {
        ZoneId london = ZoneId.of("Europe/London");
        assertThat(Hl7Time.parse("20260701120000", london)).isEqualTo(OffsetDateTime.parse("2026-07-01T12:00:00+01:00"));
        assertThat(Hl7Time.parse("202607011200+0000", london)).isEqualTo(OffsetDateTime.parse("2026-07-01T12:00:00Z"));
        assertThat(Hl7Time.parse("20260701120000.1234-0500", london).getOffset().getTotalSeconds()).isEqualTo(-5 * 3600);
        assertThat(Hl7Time.parse("2026", london)).isEqualTo(OffsetDateTime.parse("2026-01-01T00:00:00Z"));
        assertThat(Hl7Time.parse("20261399", london)).isNull();
        assertThat(Hl7Time.parse("yesterday", london)).isNull();
        assertThat(Hl7Time.parseDate("20150302")).hasToString("2015-03-02");
    }

    /**
     * The typed fields read from the text are the ones HAPI's PreParser reads, for every golden message and every
     * message of the shared corpus (when the folder is there).
     */
    @Test
    void readsWhatHapisPreParserReads() throws Exception {
        java.util.List<java.nio.file.Path> files = new java.util.ArrayList<>();
        for (String dir : new String[] {"src/test/resources/golden", "../shared/hl7-corpus"}) {
            java.nio.file.Path root = java.nio.file.Path.of(dir);
            if (java.nio.file.Files.isDirectory(root)) {
                try (var walk = java.nio.file.Files.walk(root)) {
                    walk.filter(java.nio.file.Files::isRegularFile)
                            .filter(f -> f.getFileName().toString().matches("(?i)(message\\.hl7|.*\\.(hl7|txt|er7|msg))"))
                            .forEach(files::add);
                }
            }
        }
        assertThat(files).hasSizeGreaterThan(50);
        int compared = 0;
        for (java.nio.file.Path f : files) {
            String text = new String(java.nio.file.Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1)
                    .replace("\r\n", "\r").replace('\n', '\r');
            MshHeader msh = MshHeader.read(text);
            if (msh.encodingCharacters().isEmpty() || msh.controlId().isEmpty() && msh.messageType().isEmpty()) {
                continue;
            }
            String mshText = text.substring(text.indexOf("MSH"));
            String[] hapi;
            try {
                hapi = ca.uhn.hl7v2.preparser.PreParser.getFields(mshText, "MSH-9-1", "MSH-9-2", "MSH-11-1",
                        "MSH-12-1", "MSH-18");
            } catch (Exception notEr7) {
                continue;
            }
            assertThat(new String[] {msh.messageType(), msh.triggerEvent(),
                    msh.processingId().equals("P") && (hapi[2] == null || hapi[2].isEmpty()) ? null : msh.processingId(),
                    msh.version(), msh.characterSet()})
                    .as(f.toString())
                    .containsExactly(nz(hapi[0]), nz(hapi[1]), hapi[2] == null || hapi[2].isEmpty() ? null : hapi[2],
                            nz(hapi[3]), nz(hapi[4]));
            compared++;
        }
        assertThat(compared).isGreaterThan(50);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}

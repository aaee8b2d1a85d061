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
}

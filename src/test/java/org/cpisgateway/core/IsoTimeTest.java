package org.cpisgateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.hl7.fhir.r4.model.DateTimeType;
import org.junit.jupiter.api.Test;

class IsoTimeTest {

    static final OffsetDateTime WHOLE_MINUTE = OffsetDateTime.of(2026, 3, 29, 1, 30, 0, 0, ZoneOffset.ofHours(1));

    @Test
    void aTimeOnAWholeMinuteKeepsItsSeconds() {
        assertThat(WHOLE_MINUTE.toString()).as("what java.time writes").isEqualTo("2026-03-29T01:30+01:00");
        assertThat(IsoTime.of(WHOLE_MINUTE)).isEqualTo("2026-03-29T01:30:00+01:00");
        assertThat(IsoTime.of(WHOLE_MINUTE.withOffsetSameInstant(ZoneOffset.UTC))).isEqualTo("2026-03-29T00:30:00Z");
    }

    @Test
    void otherTimesReadAsJavaTimeWritesThem() {
        OffsetDateTime withSeconds = WHOLE_MINUTE.withSecond(7);
        OffsetDateTime withFraction = WHOLE_MINUTE.withNano(120_000_000);
        assertThat(IsoTime.of(withSeconds)).isEqualTo("2026-03-29T01:30:07+01:00");
        assertThat(IsoTime.of(withFraction)).isEqualTo("2026-03-29T01:30:00.120+01:00");
        assertThat(IsoTime.of(null)).isNull();
    }

    @Test
    void everyFormReadsBackAndFhirTakesIt() {
        for (OffsetDateTime t : new OffsetDateTime[] {WHOLE_MINUTE, WHOLE_MINUTE.withSecond(7),
                WHOLE_MINUTE.withNano(120_000_000), WHOLE_MINUTE.withOffsetSameInstant(ZoneOffset.UTC)}) {
            assertThat(OffsetDateTime.parse(IsoTime.of(t))).isEqualTo(t);
            assertThat(new DateTimeType(IsoTime.of(t)).getValue().toInstant()).isEqualTo(t.toInstant());
        }
    }

    @Test
    void anyTimeWithSecondsReadsExactlyAsJavaTimeWritesIt() {
        int[] nanos = {1, 1_000, 1_000_000, 5, 120_000, 120_000_000, 999_999_999, 100_000_001};
        ZoneOffset[] offsets = {ZoneOffset.UTC, ZoneOffset.ofHoursMinutes(-9, -30), ZoneOffset.ofTotalSeconds(3_661)};
        for (ZoneOffset offset : offsets) {
            for (int nano : nanos) {
                OffsetDateTime t = WHOLE_MINUTE.withNano(nano).withOffsetSameLocal(offset);
                assertThat(IsoTime.of(t)).isEqualTo(t.toString());
                assertThat(IsoTime.of(t.withSecond(59))).isEqualTo(t.withSecond(59).toString());
            }
        }
        OffsetDateTime farOff = WHOLE_MINUTE.withYear(12_026).withSecond(1);
        assertThat(IsoTime.of(farOff)).isEqualTo(farOff.toString());
        assertThat(IsoTime.of(WHOLE_MINUTE.withYear(12_026))).isEqualTo("+12026-03-29T01:30:00+01:00");
    }
}

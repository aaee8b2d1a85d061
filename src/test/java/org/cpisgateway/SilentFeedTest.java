package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import ca.uhn.hl7v2.util.Terser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A PAS that stops sending, as operations sees it: a gateway on a clock the test moves, attendances over MLLP from
 * two care settings, then time passing with nothing from one of them. The gauges on /observe/metrics, the rows of
 * /api/ops/summary and the WARN line tell it; a setting that never sent is not yet live and never alarmed. Then the
 * usual traffic learnt from weeks of messages in the store judges a setting with no threshold.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SilentFeedTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final TestNhsNumbers NUMBERS = new TestNhsNumbers(999_620_000);
    /** The care settings table of an earlier release: no silent_after_minutes column. */
    static final String OLD_TABLE = """
            sending_facility,location,setting_code,setting_name,setting_type,scheduled,nhs_number_status,phone
            R9Z01,,R9Z01-ED,Riverside General Hospital Emergency Department (demo),ED,no,,01632 960500
            R9Z01,PAEDS,R9Z01-PAEDS,Riverside General Hospital Community Paediatrics (demo),COMMUNITY_PAEDIATRICS,yes,,
            R9Z02,,R9Z02-UTC,Hillside Urgent Treatment Centre (demo),UTC,no,,01632 960600
            R9Z03,,R9Z03-MIU,Northgate Minor Injuries Unit (demo),MIU,no,required,
            Y9Z01,,Y9Z01,Meadow Lane Surgery (demo),GP,yes,,
            """;

    // whole seconds: the store keeps a time to the microsecond at most, and an age is counted in whole seconds
    static final AtomicReference<Instant> NOW =
            new AtomicReference<>(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    static Path mappings;
    static RunningGateway gateway;
    static Pas pas;

    @BeforeAll
    static void start() throws Exception {
        Path work = TestFolders.temporary("cpis-silent-feed");
        mappings = work.resolve("mappings");
        Files.createDirectories(mappings);
        try (var files = Files.list(Path.of("mappings"))) {
            for (Path f : files.toList()) {
                Files.copy(f, mappings.resolve(f.getFileName()));
            }
        }
        Files.writeString(mappings.resolve("care-settings.csv"), OLD_TABLE, StandardCharsets.UTF_8);
        gateway = RunningGateway.start(new MovableClock(NOW, ZoneId.of("Europe/London")), work.resolve("data"),
                "cpis.mappings.dir", mappings.toString(),
                "cpis.feeds.check-interval-ms", "100");
        pas = Pas.connect(gateway.mllpPort);
    }

    @AfterAll
    static void stop() throws Exception {
        if (pas != null) {
            pas.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    @Order(1)
    void aSettingFallsSilentPastItsThresholdIsAlarmedOnceAndResumes() throws Exception {
        // nothing sent yet: every setting not yet live, none silent (the table of an earlier release loaded)
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            String metrics = metrics();
            assertThat(value(metrics, "cpis_feed_live{setting=\"R9Z02-UTC\"}")).isEqualTo(0);
            assertThat(value(metrics, "cpis_feed_silent{setting=\"R9Z02-UTC\"}")).isEqualTo(0);
            assertThat(value(metrics, "cpis_feed_last_message_age_seconds{setting=\"R9Z02-UTC\"}")).isEqualTo(-1);
        });
        // a live edit adds the column: the urgent treatment centre may be quiet for 30 minutes at most
        Files.writeString(mappings.resolve("care-settings.csv"), OLD_TABLE
                .replace("nhs_number_status,phone\n", "nhs_number_status,phone,silent_after_minutes\n")
                .replace("UTC,no,,01632 960600\n", "UTC,no,,01632 960600,30\n"), StandardCharsets.UTF_8);
        await().atMost(Duration.ofSeconds(30)).until(() -> feed("R9Z02-UTC").path("silentAfterMinutes").asInt() == 30);

        send("R9Z01", "ED");
        send("R9Z02", "UTC");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            String metrics = metrics();
            assertThat(value(metrics, "cpis_feed_live{setting=\"R9Z02-UTC\"}")).isEqualTo(1);
            assertThat(value(metrics, "cpis_feed_live{setting=\"R9Z01-ED\"}")).isEqualTo(1);
            assertThat(feed("R9Z02-UTC").path("state").asText()).isEqualTo("live");
        });

        NOW.set(NOW.get().plus(Duration.ofMinutes(20)));
        send("R9Z01", "ED");
        NOW.set(NOW.get().plus(Duration.ofMinutes(20)));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            String metrics = metrics();
            assertThat(value(metrics, "cpis_feed_silent{setting=\"R9Z02-UTC\"}")).isEqualTo(1);
            assertThat(value(metrics, "cpis_feed_last_message_age_seconds{setting=\"R9Z02-UTC\"}"))
                    .isGreaterThanOrEqualTo(40 * 60);
            assertThat(value(metrics, "cpis_feed_silent{setting=\"R9Z01-ED\"}")).as("20 minutes, no threshold")
                    .isEqualTo(0);
            assertThat(value(metrics, "cpis_feed_live{setting=\"R9Z03-MIU\"}")).isEqualTo(0);
            assertThat(value(metrics, "cpis_feed_silent{setting=\"R9Z03-MIU\"}")).as("not yet live").isEqualTo(0);
            assertThat(value(metrics, "cpis_feed_expected_messages_per_hour{setting=\"R9Z02-UTC\"}"))
                    .as("not learnt").isEqualTo(-1);
            JsonNode utc = feed("R9Z02-UTC");
            assertThat(utc.path("state").asText()).isEqualTo("silent");
            assertThat(utc.path("basis").asText()).isEqualTo("threshold");
            assertThat(utc.path("lastMessageAgeSeconds").asLong()).isGreaterThanOrEqualTo(40 * 60);
            assertThat(feed("R9Z01-ED").path("state").asText()).isEqualTo("live");
            assertThat(feed("R9Z03-MIU").path("state").asText()).isEqualTo("not yet live");
            assertThat(log()).contains("Feed silent: care setting R9Z02-UTC has sent nothing for 40 min");
        });
        assertThat(log().lines().filter(l -> l.contains("WARN") && l.contains("Feed silent: care setting R9Z02-UTC"))
                .count()).as("once per silence, not once per check").isEqualTo(1);

        send("R9Z02", "UTC");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(value(metrics(), "cpis_feed_silent{setting=\"R9Z02-UTC\"}")).isEqualTo(0);
            assertThat(feed("R9Z02-UTC").path("state").asText()).isEqualTo("live");
            assertThat(log()).containsPattern("INFO .* Feed resumed: care setting R9Z02-UTC");
        });
    }

    @Test
    @Order(2)
    void aSettingWithoutThresholdIsJudgedOnTheUsualTrafficLearntFromTheStore() throws Exception {
        // three weeks of an emergency department busy all hours (a message every 3 minutes, 20 an hour), up to an
        // hour before a day from now; then the day passes, the usual traffic is learnt again and the hour without
        // messages is a silence: 20 usual messages did not come
        Instant later = NOW.get().plus(Duration.ofHours(25));
        try (Connection c = gateway.store().getConnection(); PreparedStatement ps = c.prepareStatement(
                "insert into inbound_message (received_at, sending_facility, control_id, raw, ack_code) "
                        + "values (?, 'R9Z01', ?, ?, 'AA')")) {
            int n = 0;
            for (Instant t = later.minus(Duration.ofDays(21)).minus(Duration.ofHours(1));
                 !t.isAfter(later.minus(Duration.ofHours(1))); t = t.plus(Duration.ofMinutes(3))) {
                ps.setObject(1, OffsetDateTime.ofInstant(t, ZoneOffset.UTC));
                ps.setString(2, "HISTORY" + n++);
                ps.setBytes(3, ("MSH|^~\\&|TEST-PAS|R9Z01|CPIS|CPIS|||ADT^A04^ADT_A01|HISTORY" + n
                        + "|P|2.4\rPV1|1|E|ED^^^R9Z01\r").getBytes(StandardCharsets.ISO_8859_1));
                ps.addBatch();
                if (n % 1000 == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        }
        NOW.set(later);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String metrics = metrics();
            assertThat(value(metrics, "cpis_feed_expected_messages_per_hour{setting=\"R9Z01-ED\"}"))
                    .isGreaterThan(10);
            assertThat(value(metrics, "cpis_feed_silent{setting=\"R9Z01-ED\"}")).isEqualTo(1);
            assertThat(value(metrics, "cpis_feed_last_message_age_seconds{setting=\"R9Z01-ED\"}"))
                    .as("the last message the store has").isEqualTo(3600);
            assertThat(value(metrics, "cpis_feed_live{setting=\"R9Z01-PAEDS\"}"))
                    .as("messages for the emergency department's point of care are not the paediatrics'")
                    .isEqualTo(0);
            JsonNode ed = feed("R9Z01-ED");
            assertThat(ed.path("state").asText()).isEqualTo("silent");
            assertThat(ed.path("basis").asText()).isEqualTo("usual traffic");
            assertThat(ed.path("usualPerHour").asDouble()).isGreaterThan(10);
            assertThat(log()).contains("Feed silent: care setting R9Z01-ED has sent nothing for 60 min");
        });
        assertThat(feed("Y9Z01").path("state").asText()).isEqualTo("not yet live");
        LogPrivacy.assertNoneOf(List.of("TESTCHILD", "ROBIN", "20150302", "TEST STREET"));
    }

    private static void send(String facility, String location) throws Exception {
        var ack = pas.send(Hl7Messages.a04(Hl7Messages.newControlId(), facility, location,
                NUMBERS.next() + "^^^NHS^NH"));
        assertThat(new Terser(ack).get("/MSA-1")).isEqualTo("AA");
    }

    private static String metrics() throws Exception {
        return Http.get(gateway.httpPort, "/observe/metrics").body();
    }

    private static JsonNode feed(String setting) throws Exception {
        JsonNode summary = JSON.readTree(Http.asOperator(gateway.httpPort, "/api/ops/summary").body());
        for (JsonNode row : summary.path("feeds")) {
            if (row.path("setting").asText().equals(setting)) {
                return row;
            }
        }
        return JSON.createObjectNode();
    }

    private static String log() throws Exception {
        return Files.readString(LogPrivacy.LOG, StandardCharsets.UTF_8);
    }

    /** The value of one series in Prometheus text format (NaN when absent). */
    static double value(String metrics, String series) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return Double.NaN;
    }
}

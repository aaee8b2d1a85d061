package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cpisgateway.store.JournalRetention;
import org.cpisgateway.store.MessageLog;
import org.junit.jupiter.api.Test;

/**
 * Every message is kept: raw bytes byte for byte, the ACK, the outcome; integrators list recent failures and replay
 * a stored message over HTTP; retention removes old messages but keeps the access records. Run on the embedded
 * store ({@link MessageStoreTest}) and on PostgreSQL ({@link MessageStoreOnPostgresTest}).
 */
abstract class MessageStoreCases {

    static RunningGateway gateway;

    /** As the demo user with role admin (reads and replays stored messages). */
    static HttpResponse<String> http(String method, String path) throws Exception {
        return Http.call(gateway.httpPort, method, path, Http.ADMIN);
    }

    @Test
    void anUnparseableMessageIsKeptByteForByteListedWithoutPatientDataAndReplayable() throws Exception {
        byte[] broken = ("MSH|^~\\&|PAS|R9Z01|CPIS|CPIS|20261122||ORU^R01|KEEP1|P|2.4\rPID|1||9990000018^^^NHS^NH||"
                + "TESTCHILD^ROBIN\r\u0000\u00ff\u00fe").getBytes(StandardCharsets.ISO_8859_1);
        AckText ack = AckText.of(Mllp.exchange(gateway.mllpPort, Mllp.frame(broken), 1, StandardCharsets.ISO_8859_1)
                .get(0));
        assertThat(ack.field("MSA", 1)).isEqualTo("AR");

        HttpResponse<String> list = http("GET", "/api/messages/failures?limit=10");
        assertThat(list.statusCode()).isEqualTo(200);
        JsonNode failures = new ObjectMapper().readTree(list.body());
        JsonNode mine = null;
        for (JsonNode f : failures) {
            if ("KEEP1".equals(f.path("controlId").asText())) {
                mine = f;
            }
        }
        assertThat(mine).as("the failure is listed").isNotNull();
        assertThat(mine.path("ackCode").asText()).isEqualTo("AR");
        assertThat(mine.path("bytes").asLong()).isEqualTo(broken.length);
        assertThat(list.body()).doesNotContain("9990000018").doesNotContain("TESTCHILD");

        MessageLog journal = gateway.context().getRegistry().lookupByNameAndType("messageLog", MessageLog.class);
        assertThat(journal.raw(mine.path("id").asLong())).isEqualTo(broken);

        HttpResponse<String> replay = http("POST", "/api/messages/" + mine.path("id").asLong() + "/replay");
        assertThat(replay.statusCode()).isEqualTo(200);
        assertThat(replay.body()).contains("MSA|AR|KEEP1");
        assertThat(http("POST", "/api/messages/999999999/replay").statusCode()).isEqualTo(404);
    }

    @Test
    void replayOfAnAcknowledgedAttendanceGivesTheSameAnswerAndNoSecondAccess() throws Exception {
        String id = Hl7Messages.newControlId();
        String first = Mllp.exchange(gateway.mllpPort,
                Mllp.frame(Hl7Messages.a04(id, "9990000018").getBytes(StandardCharsets.UTF_8)), 1,
                StandardCharsets.UTF_8).get(0);
        long messageId = gateway.count("select id from inbound_message where control_id = ?", id);
        HttpResponse<String> replay = http("POST", "/api/messages/" + messageId + "/replay");
        assertThat(replay.body()).isEqualTo(first.replace('\r', '\n'));
        assertThat(gateway.count("select count(*) from access_record where control_id = ?", id)).isEqualTo(1);
    }

    @Test
    void retentionRemovesOldMessagesAndKeepsAccessRecords() throws Exception {
        String id = Hl7Messages.newControlId();
        Mllp.exchange(gateway.mllpPort, Mllp.frame(Hl7Messages.a04(id, "9990000018").getBytes(StandardCharsets.UTF_8)),
                1, StandardCharsets.UTF_8);
        try (var c = gateway.store().getConnection(); var ps = c.prepareStatement(
                "update inbound_message set received_at = received_at - interval '100' day where control_id = ?")) {
            ps.setString(1, id);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        JournalRetention journal = gateway.context().getRegistry().lookupByNameAndType("journalRetention",
                JournalRetention.class);
        assertThat(journal.purgeOlderThan(90)).isGreaterThanOrEqualTo(1);
        assertThat(gateway.count("select count(*) from inbound_message where control_id = ?", id)).isZero();
        assertThat(gateway.count("select count(*) from access_record where control_id = ?", id)).isEqualTo(1);
    }


    static void plan(String nhs, String type, java.time.LocalDate start, java.time.LocalDate end, String authority)
            throws Exception {
        try (var c = gateway.store().getConnection(); var ps = c.prepareStatement("insert into plan (nhs_number, "
                + "plan_type, start_date, end_date, authority_code, updated_at) values (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, nhs);
            ps.setString(2, type);
            ps.setObject(3, start);
            ps.setObject(4, end);
            ps.setString(5, authority);
            ps.setObject(6, java.time.OffsetDateTime.now());
            ps.executeUpdate();
        }
    }

    @Test
    void aPlanThatEndedWithinTwelveMonthsFlagsAndIsNotifiedWithItsEndDate() throws Exception {
        String child = "9990003300";
        java.time.LocalDate ended = TestDates.day("today-3m");
        plan(child, "LAC", TestDates.day("today-3y"), ended, "LA902");
        String id = Hl7Messages.newControlId();
        try (jakarta.jms.JMSContext la902 = gateway.connectAsAuthority("LA902");
             jakarta.jms.JMSConsumer queue = la902.createConsumer(la902.createQueue("cpis.notify.LA902"),
                     "JMSCorrelationID IS NULL OR JMSCorrelationID IS NOT NULL")) {
            AckText ack = AckText.of(Mllp.exchange(gateway.mllpPort,
                    Mllp.frame(Hl7Messages.a04(id, child).getBytes(StandardCharsets.UTF_8)), 1,
                    StandardCharsets.UTF_8).get(0));
            assertThat(ack.field("ZCS", 1)).isEqualTo("FLAGGED");
            assertThat(ack.field("ZCS", 3)).isEqualTo("RECENTLY_ENDED_PLAN");
            assertThat(ack.field("ZCS", 2)).contains("plan ended on " + ended);
            assertThat(ack.field("ZCP", 4)).isEqualTo(ended.toString().replace("-", ""));
            JsonNode found = null;
            for (jakarta.jms.Message m; found == null && (m = queue.receive(10_000)) != null; ) {
                JsonNode n = new ObjectMapper().readTree(((jakarta.jms.TextMessage) m).getText());
                if (id.equals(n.at("/source/messageControlId").asText())) {
                    found = n;
                }
            }
            assertThat(found).as("the notification to LA902").isNotNull();
            assertThat(found.at("/plans/0/endDate").asText()).isEqualTo(ended.toString());
        }
    }

    @Test
    void retentionDeletesPlansPastTheWindowAndTheHistoryOfAChildWithNoPlanLeft() throws Exception {
        String gone = "9990003319";      // one plan, ended 13 months ago: plan and history go
        String kept = "9990003327";      // an old plan and a current one: the old plan goes, the history stays
        String recent = "9990003335";    // ended 11 months ago: still shown, nothing goes
        plan(gone, "CPP", TestDates.day("today-4y"), TestDates.day("today-13m"), "LA901");
        plan(kept, "CPP", TestDates.day("today-4y"), TestDates.day("today-13m"), "LA901");
        plan(kept, "LAC", TestDates.day("today-13m"), null, "LA901");
        plan(recent, "CPP", TestDates.day("today-4y"), TestDates.day("today-11m"), "LA901");
        for (String child : java.util.List.of(gone, kept, recent)) {
            try (var c = gateway.store().getConnection(); var ps = c.prepareStatement("insert into access_record "
                    + "(nhs_number, accessed_at, setting_code, setting_name, setting_type, scheduled) "
                    + "values (?, ?, 'R9Z01-ED', 'test', 'ED', false)")) {
                ps.setString(1, child);
                ps.setObject(2, java.time.OffsetDateTime.now().minusMonths(14));
                ps.executeUpdate();
            }
        }
        var retention = gateway.context().getRegistry().lookupByNameAndType("planRetention",
                org.cpisgateway.store.PlanRetention.class);
        assertThat(retention.purge()).isGreaterThanOrEqualTo(2); // and the demo's plan that ended years ago
        assertThat(gateway.count("select count(*) from plan where nhs_number = ?", gone)).isZero();
        assertThat(gateway.count("select count(*) from access_record where nhs_number = ?", gone)).isZero();
        assertThat(gateway.count("select count(*) from plan where nhs_number = ?", kept)).isEqualTo(1);
        assertThat(gateway.count("select count(*) from access_record where nhs_number = ?", kept)).isEqualTo(1);
        assertThat(gateway.count("select count(*) from plan where nhs_number = ?", recent)).isEqualTo(1);
        assertThat(gateway.count("select count(*) from access_record where nhs_number = ?", recent)).isEqualTo(1);
        assertThat(retention.purge()).isZero(); // nothing more to do

        // the audit log says whose records went; the application log only how many
        java.nio.file.Path audit = java.nio.file.Path.of("target/test-logs/audit.log");
        String lines = "";
        for (int i = 0; i < 50 && !lines.contains("\"retention-delete-history\",\"nhsNumber\":\"" + gone); i++) {
            Thread.sleep(100);
            lines = java.nio.file.Files.readString(audit);
        }
        assertThat(lines).contains("\"retention-delete-plan\",\"nhsNumber\":\"" + gone)
                .contains("\"retention-delete-plan\",\"nhsNumber\":\"" + kept)
                .contains("\"retention-delete-history\",\"nhsNumber\":\"" + gone);
        LogPrivacy.assertNoneOf(java.util.List.of(gone, kept, recent));
    }
}

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

}

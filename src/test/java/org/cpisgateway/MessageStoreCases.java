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
    void copiesOfOneMessageArrivingTogetherAreRecordedOnceAndAnsweredAlike() throws Exception {
        // eight copies and eight other messages at once, on sixteen connections: the journal writes them in shared
        // batches, so a batch can hold a copy of a message recorded in the same batch or just before
        String id = Hl7Messages.newControlId();
        byte[] copy = Mllp.frame(Hl7Messages.a04(id, "9990000018").getBytes(StandardCharsets.UTF_8));
        java.util.List<String> others = new java.util.ArrayList<>();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        try {
            java.util.List<java.util.concurrent.Future<String>> copies = new java.util.ArrayList<>();
            java.util.List<java.util.concurrent.Future<String>> distinct = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String other = Hl7Messages.newControlId();
                others.add(other);
                byte[] frame = Mllp.frame(Hl7Messages.a04(other, "9990000018").getBytes(StandardCharsets.UTF_8));
                copies.add(pool.submit(() -> Mllp.exchange(gateway.mllpPort, copy, 1, StandardCharsets.UTF_8).get(0)));
                distinct.add(pool.submit(() -> Mllp.exchange(gateway.mllpPort, frame, 1, StandardCharsets.UTF_8)
                        .get(0)));
            }
            java.util.Set<String> answers = new java.util.HashSet<>();
            for (var f : copies) {
                answers.add(f.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertThat(answers).as("every copy gets the first copy's answer, byte for byte").hasSize(1);
            assertThat(AckText.of(answers.iterator().next()).field("MSA", 1)).isEqualTo("AA");
            for (var f : distinct) {
                assertThat(AckText.of(f.get(60, java.util.concurrent.TimeUnit.SECONDS)).field("MSA", 1)).isEqualTo("AA");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(gateway.count("select count(*) from inbound_message where control_id = ?", id)).isEqualTo(1);
        assertThat(gateway.count("select count(*) from access_record where control_id = ?", id)).isEqualTo(1);
        for (String other : others) {
            assertThat(gateway.count("select count(*) from inbound_message where control_id = ?", other)).isEqualTo(1);
            assertThat(gateway.count("select count(*) from access_record where control_id = ?", other)).isEqualTo(1);
        }
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
        // PAS alerts: an old sent one goes, an old one still waiting and a recent sent one stay
        String[][] alerts = {{"old-sent|" + id, "100", "sent"}, {"old-waiting|" + id, "100", null},
                {"new-sent|" + id, "1", "sent"}};
        for (String[] a : alerts) {
            try (var c = gateway.store().getConnection(); var ps = c.prepareStatement("insert into pas_alert (alert_key, "
                    + "facility, endpoint, message, created_at, attempts, next_attempt_at, sent_at) values (?, 'R9Z01', "
                    + "'127.0.0.1:1', 'MSH|', ?, 1, ?, ?)")) {
                java.time.OffsetDateTime created = gateway.now().minusDays(Long.parseLong(a[1]));
                ps.setString(1, a[0]);
                ps.setObject(2, created);
                ps.setObject(3, created);
                ps.setObject(4, a[2] == null ? null : created);
                ps.executeUpdate();
            }
        }
        JournalRetention journal = gateway.context().getRegistry().lookupByNameAndType("journalRetention",
                JournalRetention.class);
        assertThat(journal.purgeOlderThan(90)).isGreaterThanOrEqualTo(1);
        assertThat(gateway.count("select count(*) from inbound_message where control_id = ?", id)).isZero();
        assertThat(gateway.count("select count(*) from pas_alert where alert_key like ?", "old-sent|" + id)).isZero();
        assertThat(gateway.count("select count(*) from pas_alert where alert_key in (?, ?)", "old-waiting|" + id,
                "new-sent|" + id)).isEqualTo(2);
        assertThat(gateway.count("select count(*) from access_record where control_id = ?", id)).isEqualTo(1);
    }

    static void plan(String nhs, String type, java.time.LocalDate start, java.time.LocalDate end, String authority)
            throws Exception {
        gateway.addPlan(nhs, type, start, end, authority);
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
            // LA902 takes version 2 (mappings/authorities.csv): it also says the plan has ended, the visit, the
            // setting's phone and the child's recent attendances elsewhere
            assertThat(found.path("schemaVersion").asText()).isEqualTo("2");
            assertThat(found.at("/plans/0/ended").asBoolean()).isTrue();
            assertThat(found.at("/attendance/visitNumber").asText()).isEqualTo("V" + id);
            assertThat(found.at("/attendance/setting/phone").asText()).isEqualTo("01632 960500");
            assertThat(found.path("recentAttendances").isArray()).isTrue();
            NotificationSchemas.assertValid(found);
        }
    }

    @Test
    void planEndDateHasTheIndexTheRetentionQueryNeeds() throws Exception {
        boolean indexed = false;
        try (var c = gateway.store().getConnection();
             var rs = c.getMetaData().getIndexInfo(null, null, "plan", false, false)) {
            while (rs.next()) {
                indexed |= rs.getShort("ORDINAL_POSITION") == 1
                        && "end_date".equalsIgnoreCase(rs.getString("COLUMN_NAME"));
            }
        }
        assertThat(indexed).as("an index on plan (end_date), for the retention's 'end_date < cutoff'").isTrue();
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
                ps.setObject(2, gateway.now().minusMonths(14));
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
        String lines = AuditLog.textWith("\"retention-delete-history\",\"nhsNumber\":\"" + gone);
        assertThat(lines).contains("\"retention-delete-plan\",\"nhsNumber\":\"" + gone)
                .contains("\"retention-delete-plan\",\"nhsNumber\":\"" + kept)
                .contains("\"retention-delete-history\",\"nhsNumber\":\"" + gone);
        LogPrivacy.assertNoneOf(java.util.List.of(gone, kept, recent));
    }

    /** One message of visit {@code visit}, with PID-32 when {@code status} is given. */
    static String ofVisit(String event, String controlId, String nhs, String visit, String status) {
        String structure = event.equals("A40") ? "ADT_A39" : "ADT_A01";
        return "MSH|^~\\&|TEST-PAS|R9Z01|CPIS|CPIS|" + TestDates.hl7TimeSecondsAgo(0) + "||ADT^" + event + "^"
                + structure + "|" + controlId + "|P|2.4|||AL|NE|GBR\r"
                + "EVN|" + event + "|" + TestDates.hl7TimeSecondsAgo(5) + "\r"
                + "PID|1||" + nhs + "^^^NHS^NH~RX7^^^R9Z01^MR||TESTCHILD^ROBIN||20150302|2" + "|".repeat(24)
                + (status == null ? "" : status) + "\r"
                + (event.equals("A40") ? "MRG|9990000034^^^NHS^NH\r" : "")
                + "PV1|1|E|ED^^^R9Z01" + "|".repeat(16) + visit + "\r";
    }

    static AckText send(String message) throws Exception {
        return AckText.of(Mllp.exchange(gateway.mllpPort, Mllp.frame(message.getBytes(StandardCharsets.UTF_8)), 1,
                StandardCharsets.UTF_8).get(0));
    }

    /** The control IDs of the notifications on the authority's queue (read until it is quiet for 3 s). */
    static java.util.List<String> notified(String authority) throws Exception {
        java.util.List<String> ids = new java.util.ArrayList<>();
        try (jakarta.jms.JMSContext jms = gateway.connectAsAuthority(authority);
             jakarta.jms.JMSConsumer queue = jms.createConsumer(jms.createQueue("cpis.notify." + authority))) {
            for (jakarta.jms.Message m; (m = queue.receive(3_000)) != null; ) {
                ids.add(new ObjectMapper().readTree(((jakarta.jms.TextMessage) m).getText())
                        .at("/source/messageControlId").asText());
            }
        }
        return ids;
    }

    @Test
    void aVisitIsNotifiedOnceAcrossItsMessagesAndAgainOnlyForANewNhsNumber() throws Exception {
        notified("LA901");
        notified("LA902"); // start from empty queues
        String visit = "VIS" + Hl7Messages.newControlId();
        String registered = Hl7Messages.newControlId();
        String updated = Hl7Messages.newControlId();
        String corrected = Hl7Messages.newControlId();
        String merged = Hl7Messages.newControlId();

        AckText first = send(ofVisit("A04", registered, "9990000018", visit, null));
        assertThat(first.field("ZCS", 1)).isEqualTo("FLAGGED");
        assertThat(first.field("ZCS", 5)).isEqualTo("QUEUED");
        AckText update = send(ofVisit("A08", updated, "9990000018", visit, "NSTS01"));
        assertThat(update.field("MSA", 1)).isEqualTo("AA");
        assertThat(update.field("ZCS", 1)).isEqualTo("FLAGGED"); // the clerk still sees the flag
        assertThat(update.field("ZCS", 5)).isEqualTo("NONE");    // nobody is told twice
        assertThat(send(ofVisit("A01", Hl7Messages.newControlId(), "9990000018", visit, null)).field("ZCS", 5))
                .isEqualTo("NONE");
        assertThat(gateway.count("select count(*) from access_record where control_id in (?, ?)", registered,
                updated)).isEqualTo(1);

        // a corrected number on the same visit is a new look-up: LA902's looked after child
        AckText correction = send(ofVisit("A08", corrected, "9990000026", visit, "NSTS01"));
        assertThat(correction.field("ZCS", 1)).isEqualTo("FLAGGED");
        assertThat(correction.field("ZCS", 5)).isEqualTo("QUEUED");
        // a merge onto the mother's record (UCP, LA901): checked and notified under the surviving number
        AckText merge = send(ofVisit("A40", merged, "9990000034", visit, null));
        assertThat(merge.field("MSA", 1)).isEqualTo("AA");
        assertThat(merge.field("ZCS", 1)).isEqualTo("FLAGGED");
        assertThat(merge.field("ZCS", 5)).isEqualTo("QUEUED");
        // a re-send of the first message gets its stored answer, and nothing more
        assertThat(send(ofVisit("A04", registered, "9990000018", visit, null)).field("ZCS", 5)).isEqualTo("QUEUED");

        assertThat(notified("LA901")).containsExactlyInAnyOrder(registered, merged);
        assertThat(notified("LA902")).containsExactly(corrected);
    }

    @Test
    void anUnverifiedNumberIsNotLookedUpUntilAMessageOfTheVisitSaysItIsVerified() throws Exception {
        notified("LA901");
        String visit = "VIS" + Hl7Messages.newControlId();
        String untraced = Hl7Messages.newControlId();
        String traced = Hl7Messages.newControlId();
        AckText first = send(ofVisit("A04", untraced, "9990000018", visit, "NSTS02"));
        assertThat(first.field("ZCS", 1)).isEqualTo("NOT_CHECKED");
        assertThat(first.field("ZCS", 3)).isEqualTo("NHS_NUMBER_NOT_VERIFIED");
        assertThat(first.field("ZCS", 2)).contains("not traced");
        assertThat(gateway.count("select count(*) from access_record where control_id = ?", untraced)).isZero();
        AckText then = send(ofVisit("A08", traced, "9990000018", visit, "NSTS01"));
        assertThat(then.field("ZCS", 1)).isEqualTo("FLAGGED");
        assertThat(then.field("ZCS", 5)).isEqualTo("QUEUED");
        assertThat(notified("LA901")).containsExactly(traced);
    }

    @Test
    void anAuthorityReadsItsOwnPlansAndAccessesAndNothingOfAnotherAuthority() throws Exception {
        String[] la901 = {"la901-system", "la901-demo-password"};
        String[] la902 = {"la902-system", "la902-demo-password"};
        int http = gateway.httpPort;
        String id = Hl7Messages.newControlId();
        assertThat(send(ofVisit("A04", id, "9990000018", "VA" + id, null)).field("ZCS", 1)).isEqualTo("FLAGGED");

        var plans = Http.call(http, "GET", "/authority/plans", la901);
        assertThat(plans.statusCode()).isEqualTo(200);
        JsonNode planRows = new ObjectMapper().readTree(plans.body());
        assertThat(planRows.toString()).contains("9990000018").doesNotContain("9990000026"); // 26 is LA902's
        for (JsonNode row : planRows) {
            assertThat(row.path("plan_type").asText()).isNotEmpty();
        }

        var mine = Http.call(http, "GET", "/authority/accesses?nhsNumber=9990000018", la901);
        assertThat(mine.statusCode()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(mine.body()).size()).isGreaterThanOrEqualTo(1);
        // LA902 holds no plan for this child: it sees nothing, as if the child were not there
        var theirs = Http.call(http, "GET", "/authority/accesses?nhsNumber=9990000018", la902);
        assertThat(theirs.statusCode()).isEqualTo(200);
        assertThat(theirs.body()).isEqualTo("[]");

        var range = Http.call(http, "GET", "/authority/accesses?from=" + TestDates.iso("today-1d") + "&to="
                + TestDates.iso("today") + "&format=csv", la901);
        assertThat(range.statusCode()).isEqualTo(200);
        assertThat(range.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(range.body()).startsWith("nhs_number,accessed_at,attendance_at,setting_code").contains("9990000018");

        assertThat(Http.call(http, "GET", "/authority/plans", null).statusCode()).isEqualTo(401);
        assertThat(Http.call(http, "GET", "/authority/plans", new String[] {"la901-system", "wrong"}).statusCode())
                .isEqualTo(401);
        assertThat(Http.call(http, "GET", "/authority/plans", Http.OPERATOR).statusCode()).isEqualTo(401);
        assertThat(Http.call(http, "GET", "/authority/plans?authority=LA902", la901).statusCode()).isEqualTo(403);
        assertThat(Http.call(http, "GET", "/authority/accesses", la901).statusCode()).isEqualTo(400);
        assertThat(Http.call(http, "GET", "/authority/accesses?from=2026-13-01&to=2026-12-01", la901).statusCode())
                .isEqualTo(400);

        String lines = AuditLog.textWith("\"user\":\"la902-system\",\"authority\":\"LA902\"");
        assertThat(lines).contains("\"action\":\"authority-read\",\"user\":\"la901-system\",\"authority\":\"LA901\","
                + "\"what\":\"plans\"").contains("\"user\":\"la902-system\",\"authority\":\"LA902\"");
    }

    @Test
    void outOfOrderMessagesAndAMergeWithoutANumberAreAnsweredAndNotifiedOnce() throws Exception {
        notified("LA901");
        String visit = "VIS" + Hl7Messages.newControlId();
        String update = Hl7Messages.newControlId();
        String registration = Hl7Messages.newControlId();
        // the update arrives before the registration it updates: the first message of the visit is the one checked
        assertThat(send(ofVisit("A08", update, "9990000018", visit, null)).field("ZCS", 5)).isEqualTo("QUEUED");
        assertThat(send(ofVisit("A04", registration, "9990000018", visit, null)).field("ZCS", 5)).isEqualTo("NONE");
        // a merge whose PID carries no NHS number: answered, kept, nothing looked up
        String merge = Hl7Messages.newControlId();
        AckText ack = send(ofVisit("A40", merge, "", visit, null).replace("PID|1||^^^NHS^NH~", "PID|1||"));
        assertThat(ack.field("MSA", 1)).isEqualTo("AA");
        assertThat(ack.field("ZCS", 1)).isEqualTo("NOT_CHECKED");
        assertThat(ack.field("ZCS", 3)).isEqualTo("NO_NHS_NUMBER");
        assertThat(gateway.count("select count(*) from inbound_message where control_id = ?", merge)).isEqualTo(1);
        assertThat(notified("LA901")).containsExactly(update);
    }

    @Test
    void aPatternAcrossSettingsAlertsTheAuthorityOncePerPattern() throws Exception {
        String child = "9990003378";
        plan(child, "LAC", TestDates.day("today-2y"), null, "LA902"); // LA902 takes version 2
        TestStore.earlierAccess(gateway, child, "R9Z02-UTC", 20);
        TestStore.earlierAccess(gateway, child, "R9Z03-MIU", 9);
        notified("LA902");
        String first = Hl7Messages.newControlId();
        AckText ack = send(ofVisit("A04", first, child, "VP" + first, null));
        assertThat(ack.field("ZCS", 8)).startsWith("SETTINGS^Pattern: seen at 3 care settings in 30 days");
        // the same pattern seen again (a new visit at the same ED the same day): no second alert
        String again = Hl7Messages.newControlId();
        assertThat(send(ofVisit("A04", again, child, "VP" + again, null)).field("ZCS", 8)).startsWith("SETTINGS");

        java.util.List<JsonNode> received = new java.util.ArrayList<>();
        try (jakarta.jms.JMSContext jms = gateway.connectAsAuthority("LA902");
             jakarta.jms.JMSConsumer queue = jms.createConsumer(jms.createQueue("cpis.notify.LA902"))) {
            for (jakarta.jms.Message m; (m = queue.receive(3_000)) != null; ) {
                received.add(new ObjectMapper().readTree(((jakarta.jms.TextMessage) m).getText()));
            }
        }
        java.util.List<JsonNode> patterns = received.stream().filter(n -> "pattern".equals(n.path("type").asText()))
                .toList();
        assertThat(patterns).hasSize(1);
        assertThat(patterns.get(0).at("/pattern/count").asInt()).isEqualTo(3);
        assertThat(patterns.get(0).at("/pattern/attendances").size()).isEqualTo(3);
        assertThat(received.stream().filter(n -> "attendance".equals(n.path("type").asText())).count()).isEqualTo(2);
        received.forEach(NotificationSchemas::assertValid);
    }
}

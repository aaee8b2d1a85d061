package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.Connection;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.util.Terser;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.TextMessage;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The authorities' side, as their systems see it: uploads over the broker (Artemis core and AMQP 1.0 with Qpid JMS)
 * and through the inbox folder, per-row outcomes, the store afterwards, the attendance that follows, and the
 * broker refusing everything outside an authority's own queues.
 */
public class AuthoritySideTest {

    static RunningGateway gateway;
    static HapiContext hapi;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        gateway = RunningGateway.start("cpis.uploads.min-age-ms", "1500");
        hapi = new DefaultHapiContext(ValidationContextFactory.noValidation());
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        // uploads and their reports carry NHS numbers; the log must not
        LogPrivacy.assertNoneOf(List.of("9990000077", "9990000019", "9990000107", "9990000115", "9990000131",
                "9990000158", "9990000166", "TESTCHILD"));
    }

    static String attend(String nhsNumber) throws Exception {
        Connection pas = hapi.newClient("127.0.0.1", gateway.mllpPort, false);
        try {
            Message ack = pas.getInitiator().sendAndReceive(hapi.getPipeParser().parse(
                    Hl7Messages.a04(Hl7Messages.newControlId(), nhsNumber)));
            return new Terser(ack).get("/ZCS-1");
        } finally {
            pas.close();
        }
    }

    /** Sends an upload on the authority's queue and waits for the report correlated to it. */
    static String ownerOf(String nhs, String type) throws Exception {
        try (var c = gateway.store().getConnection(); PreparedStatement ps = c.prepareStatement(
                "select authority_code || ':' || coalesce(cast(end_date as varchar), '') from plan "
                        + "where nhs_number = ? and plan_type = ?")) {
            ps.setString(1, nhs);
            ps.setString(2, type);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** The CPR07 sub-code of a rejected row, or null. */
    static String ruleOfRow(JsonNode report, int row) {
        for (JsonNode r : report.path("rejectedRows")) {
            if (r.path("row").asInt() == row) {
                return r.path("rule").isNull() ? null : r.path("rule").asText();
            }
        }
        return null;
    }

    static String codeOfRow(JsonNode report, int row) {
        for (JsonNode r : report.path("rejectedRows")) {
            if (r.path("row").asInt() == row) {
                return r.path("code").asText() + " " + r.path("reason").asText();
            }
        }
        return "CPR06";
    }

    @Test
    void queueUploadGivesEachRowItsOutcomeAndTheUploadedPlanFlagsTheNextAttendance() throws Exception {
        String csv = """
                nhs_number,plan_type,start_date,end_date,action,authority_code
                9990000077,CPP,%1$s,,,
                12345,CPP,%1$s,,,
                9990000019,CPP,%1$s,,,
                9990000085,XYZ,%1$s,,,
                9990000085,LAC,2026-13-01,,,
                9990000093,CPP,%1$s,,,LA902
                9990000026,LAC,%2$s,%3$s,,
                9990000085,LAC,%4$s,%5$s,,
                999 000 0107,LAC,%6$s,,UPSERT,LA901
                """.formatted(TestDates.iso("today-10m"), TestDates.iso("today-30m"), TestDates.iso("today-1m"),
                TestDates.iso("today-6m"), TestDates.iso("today-7m"), TestDates.iso("today-9m"));
        try (JMSContext jms = gateway.connectAsAuthority("LA901")) {
            JsonNode report = Uploads.byQueue(jms, "LA901", csv);
            assertThat(report.path("authority").asText()).isEqualTo("LA901");
            assertThat(report.path("sentBy").asText()).isEqualTo("la901-system"); // stamped by the broker
            assertThat(report.path("rows").asInt()).isEqualTo(9);
            assertThat(report.path("accepted").asInt()).isEqualTo(2);
            assertThat(report.path("rejected").asInt()).isEqualTo(7);
            assertThat(codeOfRow(report, 1)).isEqualTo("CPR06");
            assertThat(codeOfRow(report, 2)).startsWith("CPR04");
            assertThat(codeOfRow(report, 3)).startsWith("CPR04").contains("modulus-11");
            assertThat(codeOfRow(report, 4)).startsWith("CPR07").contains("plan type");
            assertThat(codeOfRow(report, 5)).startsWith("CPR07").contains("start_date");
            assertThat(codeOfRow(report, 6)).startsWith("CPR07").contains("LA902");
            assertThat(codeOfRow(report, 7)).startsWith("CPR07").contains("another authority");
            assertThat(codeOfRow(report, 8)).startsWith("CPR07").contains("before start_date");
            assertThat(codeOfRow(report, 9)).isEqualTo("CPR06");
            // every CPR07 names the rule it broke
            assertThat(ruleOfRow(report, 4)).isEqualTo("CPR07-01");
            assertThat(ruleOfRow(report, 5)).isEqualTo("CPR07-03");
            assertThat(ruleOfRow(report, 6)).isEqualTo("CPR07-02");
            assertThat(ruleOfRow(report, 7)).isEqualTo("CPR07-06");
            assertThat(ruleOfRow(report, 8)).isEqualTo("CPR07-05");
            assertThat(ruleOfRow(report, 2)).isNull(); // CPR04 needs no sub-code
            assertThat(report.path("outcome").asText()).isEqualTo("APPLIED");

            assertThat(ownerOf("9990000077", "CPP")).isEqualTo("LA901:");
            assertThat(ownerOf("9990000107", "LAC")).isEqualTo("LA901:");
            assertThat(ownerOf("9990000026", "LAC")).isEqualTo("LA902:"); // another authority's plan untouched
            assertThat(ownerOf("9990000093", "CPP")).isNull();

            // re-sending is harmless: same outcomes, same store
            JsonNode again = Uploads.byQueue(jms, "LA901", csv);
            assertThat(again.path("accepted").asInt()).isEqualTo(2);
            assertThat(gateway.count("select count(*) from plan where nhs_number in ('9990000077', '9990000107')"))
                    .isEqualTo(2);
        }
        assertThat(attend("9990000077")).isEqualTo("FLAGGED");

        // an ended plan still flags the child for 12 months; a deleted one no longer
        String yesterday = TestDates.iso("today-1d");
        try (JMSContext jms = gateway.connectAsAuthority("LA901")) {
            JsonNode ended = Uploads.byQueue(jms, "LA901",
                    "nhs_number,plan_type,start_date,end_date,action\n9990000077,CPP," + TestDates.iso("today-10m") + ","
                            + yesterday + ",END\n");
            assertThat(ended.path("accepted").asInt()).isEqualTo(1);
        }
        assertThat(attend("9990000077")).isEqualTo("FLAGGED");
        try (JMSContext jms = gateway.connectAsAuthority("LA901")) {
            JsonNode deleted = Uploads.byQueue(jms, "LA901",
                    "nhs_number,plan_type,start_date,end_date,action\n9990000077,CPP," + TestDates.iso("today-10m") + ","
                            + yesterday + ",DELETE\n");
            assertThat(deleted.path("accepted").asInt()).as("report %s", deleted).isEqualTo(1);
        }
        assertThat(attend("9990000077")).isEqualTo("NOT_FLAGGED");
    }

    @Test
    void folderUploadIsTakenOnceCompleteAndLeftInDoneBesideItsResponse() throws Exception {
        Path inbox = gateway.dataDir.resolve("uploads/LA902/inbox");
        Files.createDirectories(inbox);
        Path file = inbox.resolve("plans-today.json");
        String json = """
                {"plans": [
                  {"nhs_number": "9990000115", "plan_type": "LAC", "start_date": "%s"},
                  {"nhs_number": "9990000123", "plan_type": "CPP", "start_date": "not a date"},
                  {"nhs_number": "9990000131", "plan_type": "UCP", "start_date": "%s", "end_date": null}
                ]}
                """.formatted(TestDates.iso("today-8m"), TestDates.iso("today-7m"));
        int half = json.length() / 2;
        Files.writeString(file, json.substring(0, half));
        // cpis.uploads.min-age-ms is 1.5 s here: for 0.8 s of it a half-written file must stay put
        Waiting.holdsFor(Duration.ofMillis(800), "the half-written file stays in the inbox", () -> Files.exists(file));
        Files.writeString(file, json);

        Path done = gateway.dataDir.resolve("uploads/LA902/done");
        JsonNode report = JSON.readTree(Uploads.response(done).toFile());
        // the route writes the response; Camel moves the file into done/ once the route has finished
        Waiting.upTo(Duration.ofSeconds(10)).until(() -> !Files.exists(file));
        assertThat(report.path("source").asText()).isEqualTo("file");
        assertThat(report.path("format").asText()).isEqualTo("json");
        assertThat(report.path("rows").asInt()).isEqualTo(3);
        assertThat(report.path("accepted").asInt()).isEqualTo(2);
        assertThat(codeOfRow(report, 2)).startsWith("CPR07");
        try (Stream<Path> files = Files.list(done)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.endsWith("plans-today.json"));
        }
        assertThat(ownerOf("9990000115", "LAC")).isEqualTo("LA902:");
        assertThat(ownerOf("9990000131", "UCP")).isEqualTo("LA902:");

        // an unreadable file goes to error/, also with a response
        Files.writeString(inbox.resolve("wrong.csv"), "name,address\nx,y\n");
        JsonNode error = JSON.readTree(Uploads.response(gateway.dataDir.resolve("uploads/LA902/error")).toFile());
        assertThat(error.path("error").asText()).contains("nhs_number");
    }

    @Test
    void anAuthorityCannotTouchAnotherAuthoritysQueuesNorCreateAnything() {
        try (JMSContext la901 = gateway.connectAsAuthority("LA901")) {
            assertThatThrownBy(() -> la901.createConsumer(la901.createQueue("cpis.notify.LA902")))
                    .isInstanceOf(JMSRuntimeException.class).hasMessageContaining("AMQ229213"); // no permission
            assertThatThrownBy(() -> la901.createConsumer(la901.createQueue("cpis.upload.LA902.response")))
                    .isInstanceOf(JMSRuntimeException.class).hasMessageContaining("AMQ229213");
            assertThatThrownBy(() -> la901.createProducer().send(la901.createQueue("cpis.upload.LA902"), "x"))
                    .isInstanceOf(JMSRuntimeException.class).hasMessageContaining("AMQ229032");
            assertThatThrownBy(() -> la901.createProducer().send(la901.createQueue("cpis.notify.LA901"), "forged"))
                    .isInstanceOf(JMSRuntimeException.class).hasMessageContaining("AMQ229032");
            assertThatThrownBy(() -> la901.createConsumer(la901.createQueue("cpis.upload.LA901")))
                    .isInstanceOf(JMSRuntimeException.class).hasMessageContaining("AMQ229213");
            assertThatThrownBy(() -> la901.createConsumer(la901.createQueue("la901.private.queue")))
                    .isInstanceOf(JMSRuntimeException.class);
            assertThatThrownBy(la901::createTemporaryQueue).isInstanceOf(JMSRuntimeException.class);
            assertThatThrownBy(() -> la901.createProducer().send(la901.createQueue("activemq.management"), "x"))
                    .isInstanceOf(JMSRuntimeException.class);
        }
        assertThatThrownBy(() -> gateway.authorityConnectionFactory().createContext("la901-system", "wrong").close())
                .isInstanceOf(JMSRuntimeException.class);
        assertThatThrownBy(() -> gateway.authorityConnectionFactory().createContext().close())
                .isInstanceOf(JMSRuntimeException.class);
    }

    @Test
    void amqpClientUploadsAndReadsItsNotificationsButNotAnotherAuthoritys() throws Exception {
        JmsConnectionFactory amqp = new JmsConnectionFactory("amqp://127.0.0.1:" + gateway.brokerPort);
        try (JMSContext la902 = amqp.createContext("la902-system", "la902-demo-password")) {
            JsonNode report = Uploads.byQueue(la902, "LA902",
                    "nhs_number,plan_type,start_date\n9990000158,CPP," + TestDates.iso("today-9m") + "\n");
            assertThat(report.path("accepted").asInt()).isEqualTo(1);
            // Artemis 2.44 does not stamp the validated user on AMQP messages (AMQPMessage ignores
            // setValidatedUserID): the broker's send permission is the only sender check for AMQP uploads. When this
            // fails, Artemis stamps AMQP too and PlanUpload's user check covers both protocols.
            assertThat(report.path("sentBy").isNull()).isTrue();
            assertThat(attend("9990000158")).isEqualTo("FLAGGED");
            try (JMSConsumer notifications = la902.createConsumer(la902.createQueue("cpis.notify.LA902"))) {
                boolean found = false;
                for (TextMessage m; !found && (m = (TextMessage) notifications.receive(5000)) != null; ) {
                    found = JSON.readTree(m.getText()).at("/child/nhsNumber").asText().equals("9990000158");
                }
                assertThat(found).as("notification received over AMQP").isTrue();
            }
            assertThatThrownBy(() -> la902.createConsumer(la902.createQueue("cpis.notify.LA901")).receive(2000))
                    .isInstanceOf(JMSRuntimeException.class);
            assertThatThrownBy(() -> la902.createProducer().send(la902.createQueue("cpis.upload.LA901"), "x"))
                    .isInstanceOf(JMSRuntimeException.class);
        }
    }

    @Test
    void notificationForAnAuthorityWithoutAQueueIsParkedOnTheUnroutedQueue() throws Exception {
        gateway.addPlan("9990000166", "CPP", TestDates.day("today-11m"), null, "LA999");
        assertThat(attend("9990000166")).isEqualTo("FLAGGED");
        // the sender works after the ACK
        Waiting.upTo(Duration.ofSeconds(10))
                .until(() -> gateway.count("select count(*) from notification_outbox where sent_at is null") == 0);
        assertThat(gateway.count("select count(*) from notification_outbox where authority_code = 'LA999' "
                + "and delivered_to = 'cpis.unrouted' and sent_at is not null")).isEqualTo(1);
        try (JMSContext ops = gateway.authorityConnectionFactory().createContext("cpis-ops", "ops-demo-password");
             JMSConsumer unrouted = ops.createConsumer(ops.createQueue("cpis.unrouted"))) {
            TextMessage m = (TextMessage) unrouted.receive(5000);
            assertThat(m).isNotNull();
            assertThat(m.getStringProperty("cpisAuthority")).isEqualTo("LA999");
        }
    }


    @Test
    void aBatchOlderThanTheLastAppliedIsRefusedWholeSoItCannotUndoANewerOne() throws Exception {
        String child = "9990003343";
        try (JMSContext jms = gateway.connectAsAuthority("LA901")) {
            JsonNode today = Uploads.byQueue(jms, "LA901", "# cpis: sequence=20\nnhs_number,plan_type,start_date,end_date\n"
                    + child + ",CPP," + TestDates.iso("today-1y") + "," + TestDates.iso("today-2m") + "\n");
            assertThat(today.path("outcome").asText()).isEqualTo("APPLIED");
            assertThat(today.path("sequence").asLong()).isEqualTo(20);
            // yesterday's batch, re-sent: it would re-open the plan that today's ended
            JsonNode yesterday = Uploads.byQueue(jms, "LA901", "# cpis: sequence=19\nnhs_number,plan_type,start_date\n"
                    + child + ",CPP," + TestDates.iso("today-1y") + "\n");
            assertThat(yesterday.path("outcome").asText()).isEqualTo("STALE_SEQUENCE");
            assertThat(yesterday.path("accepted").asInt()).isZero();
            assertThat(yesterday.path("error").asText()).contains("not after the last applied upload's 20");
            assertThat(ownerOf(child, "CPP")).isEqualTo("LA901:" + TestDates.iso("today-2m"));
            JsonNode next = Uploads.byQueue(jms, "LA901", "{\"sequence\": 21, \"plans\": [{\"nhs_number\": \"" + child
                    + "\", \"plan_type\": \"CPP\", \"start_date\": \"" + TestDates.iso("today-1y") + "\"}]}");
            assertThat(next.path("outcome").asText()).isEqualTo("APPLIED");
            assertThat(ownerOf(child, "CPP")).isEqualTo("LA901:");
        }
    }

    @Test
    void aSnapshotEndsWhatItLeavesOutAfterADryRunAndOnlyWithForceWhenItEndsMuch() throws Exception {
        // LA902's open plans (demo): 9990000026 LAC and 9990000050 UCP. A snapshot with only the first ends the second.
        String snapshot = "nhs_number,plan_type,start_date\n9990000026,LAC," + TestDates.iso("today-30m") + "\n";
        try (JMSContext jms = gateway.connectAsAuthority("LA902")) {
            JsonNode dryRun = Uploads.byQueue(jms, "LA902", "# cpis: mode=snapshot dry-run\n" + snapshot);
            assertThat(dryRun.path("outcome").asText()).isEqualTo("DRY_RUN");
            assertThat(dryRun.path("mode").asText()).isEqualTo("snapshot");
            assertThat(dryRun.path("plansEnded").toString()).contains("9990000050 UCP " + TestDates.iso("today-4m"));
            assertThat(ownerOf("9990000050", "UCP")).isEqualTo("LA902:"); // nothing changed

            JsonNode tooMuch = Uploads.byQueue(jms, "LA902", "# cpis: mode=snapshot\n" + snapshot);
            assertThat(tooMuch.path("outcome").asText()).isEqualTo("SNAPSHOT_TOO_LARGE");
            assertThat(tooMuch.path("error").asText()).contains("would end 1 of 2 open plans");
            assertThat(ownerOf("9990000050", "UCP")).isEqualTo("LA902:");

            JsonNode forced = Uploads.byQueue(jms, "LA902", "# cpis: mode=snapshot force\n" + snapshot);
            assertThat(forced.path("outcome").asText()).isEqualTo("APPLIED");
            assertThat(ownerOf("9990000050", "UCP")).isEqualTo("LA902:" + TestDates.iso("today"));
            assertThat(ownerOf("9990000026", "LAC")).isEqualTo("LA902:"); // in the snapshot: untouched
        }
    }
}

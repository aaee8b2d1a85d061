package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.util.Terser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The management side as a monitoring system sees it: health, Prometheus metrics after real MLLP traffic (HAPI's own
 * client), the audit log kept apart from the application log, and the JSON behind the operations page.
 */
class OperationsEndpointTest {

    static final String CPP_CHILD = "9990000018";
    static final String NO_PLAN = "9990000069";
    static final ObjectMapper JSON = new ObjectMapper();

    /** The gateway's clock: hours ahead of the machine's, from the top of an hour (see theOperationsSummaryCountsThisHour). */
    static final Clock CLOCK = TestDates.clockFromTheTopOfAnHour(3);

    static RunningGateway gateway;
    static Pas pas;

    @BeforeAll
    static void start() throws Exception {
        gateway = RunningGateway.start(CLOCK, TestFolders.temporary("cpis-gateway-test"));
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

    private static Message send(String message) throws Exception {
        return pas.send(message);
    }

    @Test
    void healthSaysReadyWithEachCheck() throws Exception {
        var live = Http.get(gateway.httpPort, "/observe/health/live");
        assertThat(live.statusCode()).isEqualTo(200);
        var ready = Http.get(gateway.httpPort, "/observe/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(ready.body());
        assertThat(body.path("status").asText()).isEqualTo("UP");
        assertThat(body.path("checks").path("mllp").asText()).isEqualTo("UP");
        assertThat(body.path("checks").path("store").asText()).isEqualTo("UP");
        assertThat(body.path("checks").path("broker").asText()).isEqualTo("UP");
    }

    @Test
    void metricsCountTrafficWithoutPatientData() throws Exception {
        String controlId = Hl7Messages.newControlId();
        Message ack = send(Hl7Messages.a04(controlId, CPP_CHILD));
        assertThat(new Terser(ack).get("/ZCS-1")).isEqualTo("FLAGGED");
        send(Hl7Messages.a04(Hl7Messages.newControlId(), NO_PLAN));
        send(Hl7Messages.a04(Hl7Messages.newControlId(), "R9Z77", "ED", NO_PLAN + "^^^NHS^NH")); // not our facility
        send(Hl7Messages.adt("A03", Hl7Messages.newControlId(), "R9Z01", "ED", CPP_CHILD + "^^^NHS^NH"));

        String metrics = Metrics.once(gateway.httpPort, "cpis_notifications_sent_total{authority=\"LA901\",channel=\"queue\"}", 1);
        assertThat(Metrics.value(metrics, "cpis_messages_received_total{event=\"A04\",sender=\"R9Z01\"}")).isGreaterThanOrEqualTo(2);
        assertThat(Metrics.value(metrics, "cpis_messages_received_total{event=\"A04\",sender=\"unmapped\"}")).isGreaterThanOrEqualTo(1);
        assertThat(Metrics.value(metrics, "cpis_messages_received_total{event=\"A03\",sender=\"R9Z01\"}")).isGreaterThanOrEqualTo(1);
        assertThat(Metrics.value(metrics, "cpis_acks_total{code=\"AA\"}")).isGreaterThanOrEqualTo(4);
        assertThat(Metrics.value(metrics, "cpis_flag_results_total{reason=\"ACTIVE_PLAN\",status=\"FLAGGED\"}")).isGreaterThanOrEqualTo(1);
        assertThat(Metrics.value(metrics, "cpis_flag_results_total{reason=\"NO_ACTIVE_PLAN\",status=\"NOT_FLAGGED\"}")).isGreaterThanOrEqualTo(2);
        assertThat(Metrics.value(metrics, "cpis_notifications_pending")).isZero();
        assertThat(Metrics.value(metrics, "cpis_relay_queue_rounds_total{way=\"transaction\"}"))
                .as("the relay's rounds went to the broker as transactions").isGreaterThanOrEqualTo(1);
        assertThat(Metrics.value(metrics, "cpis_relay_queue_rounds_total{way=\"one_by_one\"}")).as("and none fell back")
                .isEqualTo(-1);
        assertThat(Metrics.value(metrics, "cpis_mllp_connections_open")).isGreaterThanOrEqualTo(1);
        assertThat(Metrics.value(metrics, "cpis_store_lookup_seconds_count")).isGreaterThanOrEqualTo(3);
        assertThat(metrics).contains("cpis_message_processing_seconds_bucket{code=\"AA\",le=");
        // route latency histograms (camel-micrometer route policy + the MeterFilter in OperationsWiring) for the
        // routes off the MLLP path; on it, cpis_message_processing_seconds times each message
        assertThat(metrics).contains("camel_exchanges_total{camelContext=\"cpis-gateway\",eventType=\"route\",kind=\"CamelRoute\",routeId=\"notify-authority\"}");
        assertThat(metrics).containsPattern("camel_route_policy_seconds_bucket\\{[^}]*routeId=\"notify-authority\",le=");
        assertThat(Metrics.value(metrics, "camel_route_policy_seconds_count{camelContext=\"cpis-gateway\",eventType=\"route\","
                + "kind=\"CamelRoute\",routeId=\"notify-authority\"}")).isGreaterThanOrEqualTo(1);
        assertThat(metrics).doesNotContain("routeId=\"adt-inbound\"");
        assertThat(Metrics.value(metrics, "cpis_message_processing_seconds_count{code=\"AA\"}")).isGreaterThanOrEqualTo(4);
        for (String phi : List.of(CPP_CHILD, NO_PLAN, "TESTCHILD", "ROBIN", "20150302", "TEST STREET", controlId)) {
            assertThat(metrics).as("metrics must not contain %s", phi).doesNotContain(phi);
        }
    }

    @Test
    void theAuditLogHasEachAccessAndTheApplicationLogHasNone() throws Exception {
        String controlId = Hl7Messages.newControlId();
        send(Hl7Messages.a04(controlId, CPP_CHILD));
        JsonNode entry = auditLine("\"R9Z01/" + controlId + "\"");
        assertThat(entry.path("nhsNumber").asText()).isEqualTo(CPP_CHILD);
        assertThat(entry.path("result").asText()).isEqualTo("FLAGGED");
        assertThat(entry.path("setting").asText()).isEqualTo("R9Z01-ED");
        assertThat(entry.path("authoritiesNotified").get(0).asText()).isEqualTo("LA901");
        LogPrivacy.assertNoneOf(List.of(CPP_CHILD, "TESTCHILD", "20150302", "TEST STREET"));
    }

    /**
     * Attendances from several connections at once, which the journal writer records in shared batches when they
     * arrive together and whose audit lines it then writes as one event: still one line per access, each a whole
     * JSON object, and none for a re-sent message.
     */
    @Test
    void eachAccessHasOneAuditLineWhenRecordedTogetherAndAReSendHasNone() throws Exception {
        int connections = 4;
        int each = 10;
        List<String> controlIds = new java.util.ArrayList<>();
        List<Thread> senders = new java.util.ArrayList<>();
        java.util.concurrent.ConcurrentLinkedQueue<Throwable> failed = new java.util.concurrent.ConcurrentLinkedQueue<>();
        for (int c = 0; c < connections; c++) {
            List<String> mine = new java.util.ArrayList<>();
            for (int i = 0; i < each; i++) {
                mine.add(Hl7Messages.newControlId());
            }
            controlIds.addAll(mine);
            senders.add(new Thread(() -> {
                try (Pas own = Pas.connect(gateway.mllpPort)) {
                    for (String id : mine) {
                        own.send(Hl7Messages.a04(id, mine.indexOf(id) % 2 == 0 ? CPP_CHILD : NO_PLAN));
                    }
                    own.send(Hl7Messages.a04(mine.get(0), CPP_CHILD)); // the first again: a re-send
                } catch (Throwable e) {
                    failed.add(e);
                }
            }));
        }
        senders.forEach(Thread::start);
        for (Thread t : senders) {
            t.join(60_000);
        }
        assertThat(failed).isEmpty();
        Path audit = AuditLog.FILE;
        Waiting.upToAStep().alias("an audit line for each access").until(() -> auditLinesPerControlId(audit,
                controlIds).size() == controlIds.size());
        // each audit line is written as its batch is recorded, before the ACK; every re-send was ACKed before the
        // senders ended: a second line for one, were it coming, would be there well within a second
        Waiting.assertedFor(Duration.ofSeconds(1), "one audit line per access, none for a re-send", () ->
                assertThat(auditLinesPerControlId(audit, controlIds)).as("audit lines per control ID")
                        .hasSize(controlIds.size()).allSatisfy((id, lines) -> assertThat(lines).isEqualTo(1)));
    }

    /** How many audit lines name each of {@code controlIds}; fails on a line that is not one JSON object. */
    private static java.util.Map<String, Long> auditLinesPerControlId(Path audit, List<String> controlIds)
            throws Exception {
        List<String> all = Files.exists(audit) ? Files.readAllLines(audit, StandardCharsets.UTF_8) : List.of();
        return all.stream().filter(l -> controlIds.stream().anyMatch(id -> l.contains("/" + id + "\"")))
                .collect(java.util.stream.Collectors.groupingBy(l -> {
                    try {
                        return JSON.readTree(l).path("controlId").asText();
                    } catch (Exception notJson) {
                        throw new AssertionError("not one JSON object per line: " + l, notJson);
                    }
                }, java.util.stream.Collectors.counting()));
    }

    @Test
    void logLinesAboutAMessageCarryItsCorrelationId() throws Exception {
        String controlId = Hl7Messages.newControlId();
        Message ack = send("MSH|^~\\&|TEST-PAS|R9Z01|CPIS|CPIS|" + TestDates.hl7TimeSecondsAgo(0) + "||ORU^R01|" + controlId + "|P|2.4\rPID|1");
        assertThat(new Terser(ack).get("/MSA-1")).isEqualTo("AR");
        String log = Files.readString(LogPrivacy.LOG, StandardCharsets.UTF_8);
        assertThat(log.lines().filter(l -> l.contains("[R9Z01/" + controlId + "]")).toList())
                .as("the rejection is logged with the correlation id").isNotEmpty();
    }

    /**
     * Counted per hour of the gateway's clock, which runs hours ahead of the machine's here: every message of this
     * class falls into the gateway's current hour (the last bar), none into the hour the machine's clock would say.
     */
    @Test
    void theOperationsSummaryCountsThisHour() throws Exception {
        String thisHour = OffsetDateTime.ofInstant(CLOCK.instant(), ZoneOffset.UTC).truncatedTo(ChronoUnit.HOURS)
                .toString();
        send(Hl7Messages.a04(Hl7Messages.newControlId(), CPP_CHILD));
        Metrics.once(gateway.httpPort, "cpis_notifications_sent_total{authority=\"LA901\",channel=\"queue\"}", 1);
        var response = Http.asOperator(gateway.httpPort, "/api/ops/summary?hours=6");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode summary = JSON.readTree(response.body());
        JsonNode traffic = summary.path("traffic");
        assertThat(traffic.size()).isEqualTo(6);
        JsonNode lastHour = traffic.get(5);
        assertThat(lastHour.path("hour").asText()).isEqualTo(thisHour);
        assertThat(lastHour.path("messages").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(lastHour.path("flagged").asLong()).isGreaterThanOrEqualTo(1);
        for (int h = 0; h < 5; h++) {
            assertThat(traffic.get(h).path("messages").asLong()).as("messages in %s", traffic.get(h).path("hour"))
                    .isZero();
        }
        assertThat(summary.path("notifications").toString()).contains("\"authority\":\"LA901\"");
        assertThat(summary.path("routes").toString()).contains("\"id\":\"adt-inbound\"").contains("\"state\":\"Started\"");
        assertThat(response.body()).doesNotContain(CPP_CHILD);
        var page = Http.asOperator(gateway.httpPort, "/ops");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.body()).contains("<h1>cpis-gateway operations</h1>");
    }

    @Test
    void theOperationsEndpointNeedsAUserAndTheRightRole() throws Exception {
        int port = gateway.httpPort;
        var anonymous = Http.call(port, "GET", "/api/ops/summary", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Basic");
        assertThat(Http.call(port, "GET", "/ops", null).statusCode()).isEqualTo(401);
        assertThat(Http.call(port, "GET", "/api/messages/failures", null).statusCode()).isEqualTo(401);
        assertThat(Http.call(port, "POST", "/api/messages/1/replay", null).statusCode()).isEqualTo(401);
        assertThat(Http.call(port, "GET", "/api/ops/summary", new String[] {"ops-operator", "wrong"}).statusCode())
                .isEqualTo(401);
        assertThat(Http.call(port, "GET", "/api/ops/summary", new String[] {"nobody", "operator-demo-password"})
                .statusCode()).isEqualTo(401);
        // health and metrics stay open for probes and Prometheus
        assertThat(Http.get(port, "/observe/health/live").statusCode()).isEqualTo(200);
        assertThat(Http.get(port, "/observe/metrics").statusCode()).isEqualTo(200);

        String controlId = Hl7Messages.newControlId();
        send(Hl7Messages.a04(controlId, CPP_CHILD));
        long id = gateway.count("select id from inbound_message where control_id = ?", controlId);
        // the operator reads the summary and the failure list, not a stored message, and does not replay
        assertThat(Http.call(port, "GET", "/api/messages/failures", Http.OPERATOR).statusCode()).isEqualTo(200);
        var forbidden = Http.call(port, "GET", "/api/messages/" + id, Http.OPERATOR);
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(forbidden.body()).contains("admin").doesNotContain(CPP_CHILD);
        assertThat(Http.call(port, "POST", "/api/messages/" + id + "/replay", Http.OPERATOR).statusCode())
                .isEqualTo(403);

        // the admin reads it, and the audit log says who
        var read = Http.call(port, "GET", "/api/messages/" + id, Http.ADMIN);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.body()).contains(CPP_CHILD).contains(controlId);
        assertThat(Http.call(port, "POST", "/api/messages/" + id + "/replay", Http.ADMIN).body())
                .contains("MSA|AA|" + controlId);
        JsonNode readLine = auditLine("\"action\":\"read\"", "\"messageId\":\"" + id + "\"");
        assertThat(readLine.path("user").asText()).isEqualTo("ops-admin");
        JsonNode replayLine = auditLine("\"action\":\"replay\"", "\"messageId\":\"" + id + "\"");
        assertThat(replayLine.path("user").asText()).isEqualTo("ops-admin");
        assertThat(Http.call(port, "GET", "/api/messages/999999999", Http.ADMIN).statusCode()).isEqualTo(404);
    }

    /** The audit log line containing every one of {@code parts}, once written. */
    private static JsonNode auditLine(String... parts) throws Exception {
        return JSON.readTree(AuditLog.lineWith(parts));
    }

}

package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import ca.uhn.hl7v2.AcknowledgmentCode;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.HL7Service;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.protocol.ReceivingApplication;
import ca.uhn.hl7v2.util.Terser;
import org.cpisgateway.hl7.HapiSetup;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Alerts to a PAS that ignores ACK content: a PAS (HAPI's own MLLP server, answering AA) listed in
 * mappings/pas-alerts.csv receives the template's A08 once per FLAGGED visit; while it is down the ACKs still come
 * back and the alert waits in the store, across a restart of the gateway, until the PAS is back.
 */
class PasAlertTest {

    static final String CPP_CHILD = "9990000018";
    static final String OTHER_CPP_CHILD = "9990000050";
    static Path mappings;
    static int pasPort;

    @BeforeAll
    static void prepare() throws Exception {
        mappings = TestFolders.copyOf(Path.of("mappings"));
        pasPort = TestPorts.free();
        Files.writeString(mappings.resolve("pas-alerts.csv"), "sending_facility,host,port,template\n"
                + "R9Z01,127.0.0.1," + pasPort + ",pas-alert-a08.hl7\n", StandardCharsets.UTF_8);
    }

    /** A PAS's MLLP listener: HAPI's server, answering every message AA and keeping it. */
    static final class FakePas implements AutoCloseable {
        final BlockingQueue<Message> received = new LinkedBlockingQueue<>();
        final HL7Service server;

        FakePas(int port) throws Exception {
            this(port, AcknowledgmentCode.AA);
        }

        FakePas(int port, AcknowledgmentCode answer) throws Exception {
            HapiContext hapi = HapiSetup.lenientContext();
            server = hapi.newServer(port, false);
            server.registerApplication(new ReceivingApplication<Message>() {
                @Override
                public Message processMessage(Message message, Map<String, Object> metadata) {
                    received.add(message);
                    try {
                        return answer == AcknowledgmentCode.AA ? message.generateACK()
                                : message.generateACK(answer, new ca.uhn.hl7v2.HL7Exception("not taken by this PAS"));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }

                @Override
                public boolean canProcess(Message message) {
                    return true;
                }
            });
            server.startAndWait();
        }

        @Override
        public void close() {
            server.stopAndWait();
        }
    }

    @Test
    void anAlertThePasAnswersWithAnErrorIsKeptForAnotherTry() throws Exception {
        try (FakePas pas = new FakePas(pasPort, AcknowledgmentCode.AE);
             RunningGateway gateway = RunningGateway.start("cpis.mappings.dir", mappings.toString());
             Pas clerk = Pas.connect(gateway.mllpPort)) {
            Message ack = clerk.send(a04(Hl7Messages.newControlId(), CPP_CHILD, "VPAS" + Hl7Messages.newControlId()));
            assertThat(new Terser(ack).get("/MSA-1")).isEqualTo("AA");
            assertThat(pas.received.poll(20, TimeUnit.SECONDS)).as("the PAS was sent the alert").isNotNull();
            Waiting.upTo(Duration.ofSeconds(10))
                    .until(() -> gateway.count("select count(*) from pas_alert where attempts > 0") > 0);
            assertThat(gateway.count("select count(*) from pas_alert where attempts > 0 and sent_at is null "
                    + "and last_error is not null", new Object[0])).as("AE is not taken as sent").isEqualTo(1);
        }
    }

    static String a04(String controlId, String nhsNumber, String visit) {
        return Hl7Messages.a04(controlId, nhsNumber).replace("|V" + controlId + "|", "|" + visit + "|");
    }

    @Test
    void aFlaggedVisitAlertsItsPasOnceAndAnAlertWaitsForAPasThatIsDown() throws Exception {
        Path data = TestFolders.temporary("cpis-pas-alert-data");
        String[] settings = {"cpis.mappings.dir", mappings.toString()};
        String waiting = "VPAS" + Hl7Messages.newControlId();
        try (FakePas pas = new FakePas(pasPort)) {
            try (RunningGateway gateway = RunningGateway.start(data, settings); Pas clerk = Pas.connect(gateway.mllpPort)) {
                String visit = "VPAS" + Hl7Messages.newControlId();
                Message ack = clerk.send(a04(Hl7Messages.newControlId(), CPP_CHILD, visit));
                assertThat(new Terser(ack).get("/ZCS-1")).isEqualTo("FLAGGED");

                Message alert = pas.received.poll(20, TimeUnit.SECONDS);
                assertThat(alert).as("the PAS got its alert").isNotNull();
                Terser t = new Terser(alert);
                assertThat(t.get("/MSH-9-1") + "^" + t.get("/MSH-9-2")).isEqualTo("ADT^A08");
                assertThat(t.get("/MSH-10")).startsWith("CPIS").hasSize(20);
                assertThat(t.get("/PID-3-1")).isEqualTo(CPP_CHILD);
                assertThat(t.get("/PID-5-1")).isEqualTo("TESTCHILD");
                assertThat(t.get("/PV1-19")).isEqualTo(visit);
                assertThat(t.get("/OBX-5")).startsWith("CP-IS: Subject to child protection plan (CPP)");
                assertThat(t.get("/OBX(1)-5")).isNotBlank(); // the authority's emergency duty number

                // the same visit again, and a child without a plan: no alert
                clerk.send(a04(Hl7Messages.newControlId(), CPP_CHILD, visit).replace("ADT^A04", "ADT^A08")
                        .replace("EVN|A04", "EVN|A08"));
                clerk.send(Hl7Messages.a04(Hl7Messages.newControlId(), "9990003416"));
                // the first alert came moments after its ACK: three seconds of quiet is many times that
                assertThat(pas.received.poll(3, TimeUnit.SECONDS)).as("one alert per visit").isNull();
            }
        }
        // the PAS is down: the clerk's ACK still comes, the alert waits in the store
        try (RunningGateway gateway = RunningGateway.start(data, settings); Pas clerk = Pas.connect(gateway.mllpPort)) {
            Message ack = clerk.send(a04(Hl7Messages.newControlId(), OTHER_CPP_CHILD, waiting));
            assertThat(new Terser(ack).get("/MSA-1")).isEqualTo("AA");
            assertThat(new Terser(ack).get("/ZCS-1")).isEqualTo("FLAGGED");
            Waiting.upTo(Duration.ofSeconds(10)).until(() -> gateway.count("select count(*) from pas_alert "
                    + "where attempts > 0 and sent_at is null") > 0);
            assertThat(gateway.count("select count(*) from pas_alert where attempts > 0 and sent_at is null",
                    new Object[0])).as("tried and kept").isEqualTo(1);
            com.fasterxml.jackson.databind.JsonNode summary = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(Http.asOperator(gateway.httpPort, "/api/ops/summary").body());
            assertThat(summary.at("/pasAlerts/waiting").asLong()).isEqualTo(1);
            assertThat(summary.at("/pasAlerts/sent").asLong()).isEqualTo(1);
            assertThat(Http.get(gateway.httpPort, "/observe/metrics").body()).contains("cpis_pas_alerts_waiting 1.0");
        }
        // back after a restart of both: the waiting alert is sent
        try (FakePas pas = new FakePas(pasPort); RunningGateway gateway = RunningGateway.start(data, settings)) {
            Message alert = pas.received.poll(60, TimeUnit.SECONDS);
            assertThat(alert).as("the alert kept through the restart").isNotNull();
            assertThat(new Terser(alert).get("/PV1-19")).isEqualTo(waiting);
            assertThat(new Terser(alert).get("/PID-3-1")).isEqualTo(OTHER_CPP_CHILD);
            Waiting.upTo(Duration.ofSeconds(10))
                    .until(() -> gateway.count("select count(*) from pas_alert where sent_at is null") == 0);
            assertThat(gateway.count("select count(*) from pas_alert where sent_at is not null", new Object[0]))
                    .isEqualTo(2);
        }
        LogPrivacy.assertNoneOf(List.of("TESTCHILD"));
    }
}

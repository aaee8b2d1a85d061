package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.Connection;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.util.Terser;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSConsumer;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The gateway as a PAS and an authority system see it: started as README starts it, ADT sent with HAPI's own MLLP
 * client (or raw bytes over a socket where HAPI cannot send them), notifications read by a JMS consumer over TCP.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayEndToEndTest {

    static final String CPP_CHILD = "9990000018";
    static final String LAC_CHILD = "9990000026";
    static final String UCP_MOTHER = "9990000034";
    static final String ENDED_PLAN = "9990000042";
    static final String TWO_AUTHORITIES = "9990000050";
    static final String NO_PLAN = "9990000069";
    static final String HISTORY_CHILD = TWO_AUTHORITIES;

    static RunningGateway gateway;
    static HapiContext hapi;
    static Connection pas;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        gateway = RunningGateway.start();
        hapi = new DefaultHapiContext(ValidationContextFactory.noValidation());
        pas = hapi.newClient("127.0.0.1", gateway.mllpPort, false);
        pas.getInitiator().setTimeout(20, java.util.concurrent.TimeUnit.SECONDS);
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

    /** Sends with HAPI's client and returns the ACK HAPI received. */
    static Message send(String er7) throws Exception {
        return pas.getInitiator().sendAndReceive(hapi.getPipeParser().parse(er7));
    }

    static String get(Message ack, String path) throws Exception {
        return new Terser(ack).get(path);
    }

    /** Every notification on the authority's queue for this control ID, waiting up to {@code millis}. */
    static List<JsonNode> notifications(String authority, String controlId, long millis) throws Exception {
        List<JsonNode> found = new ArrayList<>();
        try (JMSContext jms = gateway.connectAsAuthority(authority);
             JMSConsumer consumer = jms.createConsumer(jms.createQueue("cpis.notify." + authority))) {
            long end = System.currentTimeMillis() + millis;
            while (System.currentTimeMillis() < end) {
                TextMessage m = (TextMessage) consumer.receive(Math.max(1, end - System.currentTimeMillis()));
                if (m == null) {
                    break;
                }
                JsonNode body = JSON.readTree(m.getText());
                if (controlId.equals(body.path("source").path("messageControlId").asText())) {
                    found.add(body);
                }
            }
        }
        return found;
    }

    @Test
    @Order(1)
    void flaggedChildAtAnEmergencyDepartmentIsFlaggedAndTheAuthorityNotified() throws Exception {
        String id = Hl7Messages.newControlId();
        Message ack = send(Hl7Messages.a04(id, CPP_CHILD));

        assertThat(get(ack, "/MSA-1")).isEqualTo("AA");
        assertThat(get(ack, "/MSA-2")).isEqualTo(id);
        assertThat(get(ack, "/MSH-9-1")).isEqualTo("ACK");
        assertThat(get(ack, "/MSH-9-2")).isEqualTo("A04");
        assertThat(get(ack, "/MSH-3")).isEqualTo("CPIS");
        assertThat(get(ack, "/MSH-5")).isEqualTo("TEST-PAS");
        assertThat(get(ack, "/MSH-6")).isEqualTo("R9Z01");
        assertThat(get(ack, "/MSH-12")).isEqualTo("2.4");
        assertThat(get(ack, "/MSH-10")).isNotEqualTo(id).isNotBlank();
        assertThat(get(ack, "/ZCS-1")).isEqualTo("FLAGGED");
        assertThat(get(ack, "/ZCS-5")).isEqualTo("QUEUED");
        assertThat(get(ack, "/ZCP-1")).isEqualTo("CPP");
        assertThat(get(ack, "/ZCP-2-1")).isEqualTo("342191000000101");
        assertThat(get(ack, "/ZCP-3")).isEqualTo(TestDates.hl7("today-2y")); // conf/demo/plans.csv
        assertThat(get(ack, "/ZCP-5")).isEqualTo("LA901");
        assertThat(get(ack, "/ZCP-6")).isEqualTo("Northshire County Council (demo)");
        assertThat(get(ack, "/ZCP-7")).isEqualTo("01632 960001");
        assertThat(get(ack, "/ZCP-8")).isEqualTo("01632 960002");

        List<JsonNode> received = notifications("LA901", id, 3000);
        assertThat(received).hasSize(1);
        JsonNode n = received.get(0);
        NotificationSchemas.assertValid(n);
        assertThat(n.at("/child/nhsNumber").asText()).isEqualTo(CPP_CHILD);
        assertThat(n.at("/child/familyName").asText()).isEqualTo("TESTCHILD");
        assertThat(n.at("/child/dateOfBirth").asText()).isEqualTo("2015-03-02");
        assertThat(n.at("/plans/0/type").asText()).isEqualTo("CPP");
        assertThat(n.at("/attendance/setting/code").asText()).isEqualTo("R9Z01-ED");
        assertThat(n.at("/attendance/setting/type").asText()).isEqualTo("ED");
        assertThat(n.at("/attendance/patientClass").asText()).isEqualTo("E");
        assertThat(n.at("/source/sendingFacility").asText()).isEqualTo("R9Z01");
        assertThat(n.at("/source/sendingApplication").asText()).isEqualTo("TEST-PAS");
        assertThat(n.at("/authority/code").asText()).isEqualTo("LA901");
        assertThat(notifications("LA902", id, 500)).isEmpty();
        assertThat(gateway.count("select count(*) from access_record where control_id = ?", id)).isEqualTo(1);
    }

    @Test
    void childWithNoPlanIsNotFlaggedAndNothingIsSent() throws Exception {
        String id = Hl7Messages.newControlId();
        Message ack = send(Hl7Messages.a04(id, NO_PLAN));
        assertThat(get(ack, "/MSA-1")).isEqualTo("AA");
        assertThat(get(ack, "/ZCS-1")).isEqualTo("NOT_FLAGGED");
        assertThat(get(ack, "/ZCS-5")).isEqualTo("NONE");
        assertThat(gateway.count("select count(*) from notification_outbox where payload like ?", "%" + id + "%"))
                .isZero();
        assertThat(gateway.count("select count(*) from access_record where control_id = ?", id)).isZero();
        assertThat(notifications("LA901", id, 500)).isEmpty();
    }

    @Test
    void planThatEndedBeforeTheAttendanceIsNotFlagged() throws Exception {
        Message ack = send(Hl7Messages.a04(Hl7Messages.newControlId(), ENDED_PLAN));
        assertThat(get(ack, "/ZCS-1")).isEqualTo("NOT_FLAGGED");
    }

    @Test
    void motherWithAnUnbornChildPlanIsFlagged() throws Exception {
        String id = Hl7Messages.newControlId();
        Message ack = send(Hl7Messages.a04(id, UCP_MOTHER));
        assertThat(get(ack, "/ZCS-1")).isEqualTo("FLAGGED");
        assertThat(get(ack, "/ZCP-1")).isEqualTo("UCP");
        assertThat(get(ack, "/ZCP-2-1")).isEqualTo("818901000000100");
        assertThat(notifications("LA901", id, 3000)).hasSize(1);
    }

    @Test
    void scheduledSettingIsASilentRead() throws Exception {
        String id = Hl7Messages.newControlId();
        Message ack = send(Hl7Messages.a04(id, "R9Z01", "PAEDS", LAC_CHILD + "^^^NHS^NH"));
        assertThat(get(ack, "/ZCS-1")).isEqualTo("FLAGGED");
        assertThat(get(ack, "/ZCS-5")).isEqualTo("NONE");
        assertThat(get(ack, "/ZCS-7")).isEqualTo("S");
        assertThat(get(ack, "/ZCP-1")).isEqualTo("LAC");
        assertThat(gateway.count("select count(*) from access_record where control_id = ? and scheduled = true", id))
                .isEqualTo(1);
        assertThat(notifications("LA902", id, 1000)).isEmpty();
    }

    @Test
    void missingNhsNumberIsNotChecked() throws Exception {
        String id = Hl7Messages.newControlId();
        Message ack = send(Hl7Messages.a04(id, "R9Z01", "ED", "RX999^^^R9Z01^MR"));
        assertThat(get(ack, "/MSA-1")).isEqualTo("AA");
        assertThat(get(ack, "/ZCS-1")).isEqualTo("NOT_CHECKED");
        assertThat(get(ack, "/ZCS-2")).contains("no NHS number");
        assertThat(get(ack, "/ZCS-3")).isEqualTo("NO_NHS_NUMBER");
    }

    @Test
    void invalidNhsNumberIsNotChecked() throws Exception {
        Message ack = send(Hl7Messages.a04(Hl7Messages.newControlId(), "9990000019"));
        assertThat(get(ack, "/MSA-1")).isEqualTo("AA");
        assertThat(get(ack, "/ZCS-1")).isEqualTo("NOT_CHECKED");
        assertThat(get(ack, "/ZCS-2")).contains("modulus-11");
        assertThat(get(ack, "/ZCS-3")).isEqualTo("INVALID_NHS_NUMBER");
    }

    @Test
    void nhsNumberWithSpacesAndOtherTypeCodesIsFound() throws Exception {
        for (String pid3 : List.of("999 000 0018^^^NHS^NH", "9990000018^^^NHS^HN", "9990000018^^^NHS^NhsNumber",
                "9990000018^^^NHS", "9990000018^^^^NH", "9990000018^^^NHS&2.16.840.1.113883.2.1.4.1&ISO^NH")) {
            Message ack = send(Hl7Messages.a04(Hl7Messages.newControlId(), "R9Z01", "PAEDS", pid3));
            assertThat(get(ack, "/ZCS-1")).as(pid3).isEqualTo("FLAGGED");
        }
    }

    @Test
    void feedMappedToPid2IsReadThere() throws Exception {
        String msg = Hl7Messages.a04(Hl7Messages.newControlId(), "R9Z09", "ED", "RX1^^^R9Z09^MR")
                .replace("PID|1||", "PID|1|" + CPP_CHILD + "|");
        Message ack = send(msg);
        assertThat(get(ack, "/ZCS-1")).isEqualTo("FLAGGED");
    }

    @Test
    void eventOutOfScopeIsAcceptedButNotChecked() throws Exception {
        Message ack = send(Hl7Messages.adt("A03", Hl7Messages.newControlId(), "R9Z01", "ED", CPP_CHILD + "^^^NHS^NH"));
        assertThat(get(ack, "/MSA-1")).isEqualTo("AA");
        assertThat(get(ack, "/MSH-9-2")).isEqualTo("A03");
        assertThat(get(ack, "/ZCS-1")).isEqualTo("NOT_CHECKED");
        assertThat(get(ack, "/ZCS-3")).isEqualTo("EVENT_NOT_IN_SCOPE");
    }

    @Test
    void resentMessageGetsTheSameAnswerAndNoSecondNotification() throws Exception {
        String id = Hl7Messages.newControlId();
        String msg = Hl7Messages.a04(id, CPP_CHILD);
        byte[] frame = Mllp.frame(msg.getBytes(StandardCharsets.UTF_8));
        List<String> first = Mllp.exchange(gateway.mllpPort, frame, 1, StandardCharsets.UTF_8);
        List<String> second = Mllp.exchange(gateway.mllpPort, frame, 1, StandardCharsets.UTF_8);
        assertThat(second).isEqualTo(first);
        assertThat(notifications("LA901", id, 2000)).hasSize(1);
        assertThat(gateway.count("select count(*) from access_record where control_id = ?", id)).isEqualTo(1);
    }

    @Test
    void severalFramesInOneWriteGetOneAckEachInOrder() throws Exception {
        List<String> ids = List.of(Hl7Messages.newControlId(), Hl7Messages.newControlId(), Hl7Messages.newControlId());
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        bytes.write(Mllp.frame(Hl7Messages.a04(ids.get(0), CPP_CHILD).getBytes(StandardCharsets.UTF_8)));
        bytes.write(Mllp.frame(Hl7Messages.a04(ids.get(1), NO_PLAN).getBytes(StandardCharsets.UTF_8)));
        bytes.write(Mllp.frame(Hl7Messages.a04(ids.get(2), LAC_CHILD).getBytes(StandardCharsets.UTF_8)));
        List<String> acks = Mllp.exchange(gateway.mllpPort, bytes.toByteArray(), 3, StandardCharsets.UTF_8);
        assertThat(acks).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(AckText.of(acks.get(i)).field("MSA", 2)).isEqualTo(ids.get(i));
        }
        assertThat(AckText.of(acks.get(0)).field("ZCS", 1)).isEqualTo("FLAGGED");
        assertThat(AckText.of(acks.get(1)).field("ZCS", 1)).isEqualTo("NOT_FLAGGED");
    }

    @Test
    void nonAdtMessageIsRejectedWithAnErrSegment() throws Exception {
        String id = Hl7Messages.newControlId();
        String oru = "MSH|^~\\&|LAB|R9Z01|CPIS|CPIS|" + TestDates.hl7TimeSecondsAgo(0) + "||ORU^R01^ORU_R01|" + id + "|P|2.4\r"
                + "PID|1||" + CPP_CHILD + "^^^NHS^NH||TESTCHILD^ROBIN\rOBR|1\rOBX|1|ST|X||y\r";
        AckText ack = AckText.of(Mllp.exchange(gateway.mllpPort, Mllp.frame(oru.getBytes(StandardCharsets.UTF_8)), 1,
                StandardCharsets.UTF_8).get(0));
        assertThat(ack.field("MSA", 1)).isEqualTo("AR");
        assertThat(ack.field("MSA", 2)).isEqualTo(id);
        assertThat(ack.all("ERR")).hasSize(1);
        assertThat(ack.field("ERR", 3)).startsWith("200^Unsupported message type");
        assertThat(ack.field("ERR", 8)).contains("ADT");
        assertThat(gateway.count("select count(*) from inbound_message where control_id = ? and ack_code = 'AR'", id))
                .isEqualTo(1);
    }

    @Test
    void garbageInAFrameGetsArAndTheGatewayKeepsServing() throws Exception {
        byte[] garbage = new byte[2000];
        new java.util.Random(42).nextBytes(garbage);
        for (int i = 0; i < garbage.length; i++) {
            if (garbage[i] == 0x0b || garbage[i] == 0x1c) {
                garbage[i] = 'x';
            }
        }
        List<String> acks = Mllp.exchange(gateway.mllpPort, Mllp.frame(garbage), 1, StandardCharsets.ISO_8859_1);
        assertThat(acks).hasSize(1);
        AckText ack = AckText.of(acks.get(0));
        assertThat(ack.field("MSA", 1)).isEqualTo("AR");
        assertThat(ack.all("ERR")).hasSize(1);
        assertThat(gateway.count("select count(*) from inbound_message where ack_code = 'AR' and octet_length(raw) = ?",
                garbage.length)).isEqualTo(1);
        // still serving
        Message ok = send(Hl7Messages.a04(Hl7Messages.newControlId(), NO_PLAN));
        assertThat(get(ok, "/MSA-1")).isEqualTo("AA");
    }

    @Test
    void laterVisitShowsEarlierAccessesNewestFirst() throws Exception {
        // two visits to the ED, one to the UTC, one silent read: the UTC visit and the first ED visit show
        send(Hl7Messages.a04(Hl7Messages.newControlId(), "R9Z01", "ED", HISTORY_CHILD + "^^^NHS^NH"));
        send(Hl7Messages.a04(Hl7Messages.newControlId(), "R9Z01", "ED", HISTORY_CHILD + "^^^NHS^NH"));
        send(Hl7Messages.a04(Hl7Messages.newControlId(), "R9Z02", "", HISTORY_CHILD + "^^^NHS^NH"));
        send(Hl7Messages.a04(Hl7Messages.newControlId(), "Y9Z01", "", HISTORY_CHILD + "^^^NHS^NH"));
        String id = Hl7Messages.newControlId();
        Message ack = send(Hl7Messages.a04(id, "R9Z01", "ED", HISTORY_CHILD + "^^^NHS^NH"));
        String text = hapi.getPipeParser().encode(ack);
        AckText parsed = AckText.of(text);
        assertThat(parsed.all("ZCA")).hasSize(2);
        assertThat(parsed.field("ZCA", 0, 2)).isEqualTo("R9Z02-UTC");
        assertThat(parsed.field("ZCA", 0, 4)).isEqualTo("UTC");
        assertThat(parsed.field("ZCA", 1, 2)).isEqualTo("R9Z01-ED");
        assertThat(parsed.field("ZCA", 0, 1)).matches("\\d{14}[+-]\\d{4}");
        // the two plans name two authorities: one notification each, each with its own plan only
        assertThat(parsed.all("ZCP")).hasSize(2);
        List<JsonNode> la901 = notifications("LA901", id, 3000);
        List<JsonNode> la902 = notifications("LA902", id, 3000);
        assertThat(la901).hasSize(1);
        assertThat(la902).hasSize(1);
        assertThat(la901.get(0).at("/plans").size()).isEqualTo(1);
        assertThat(la901.get(0).at("/plans/0/type").asText()).isEqualTo("CPP");
        assertThat(la902.get(0).at("/plans/0/type").asText()).isEqualTo("UCP");
        assertThat(la901.get(0).at("/notificationId").asText()).isNotEqualTo(la902.get(0).at("/notificationId").asText());
        NotificationSchemas.assertValid(la902.get(0));
    }

    @Test
    void lineFeedsAndLatin1AreUnderstood() throws Exception {
        String id = Hl7Messages.newControlId();
        String msg = Hl7Messages.a04(id, CPP_CHILD).replace("|GBR\rEVN", "|GBR|8859/1\rEVN")
                .replace("TESTCHILD^ROBIN", "TESTCHILD^RENÉE").replace('\r', '\n');
        Charset latin1 = StandardCharsets.ISO_8859_1;
        AckText ack = AckText.of(Mllp.exchange(gateway.mllpPort, Mllp.frame(msg.getBytes(latin1)), 1, latin1).get(0));
        assertThat(ack.field("MSA", 1)).isEqualTo("AA");
        assertThat(ack.field("ZCS", 1)).isEqualTo("FLAGGED");
        List<JsonNode> n = notifications("LA901", id, 3000);
        assertThat(n).hasSize(1);
        assertThat(n.get(0).at("/child/givenNames").asText()).startsWith("RENÉE");
    }

    @Test
    void hl7Version23WithZSegmentsInTheMiddleIsChecked() throws Exception {
        String id = Hl7Messages.newControlId();
        String msg = Hl7Messages.a04(id, CPP_CHILD).replace("|2.4|", "|2.3|")
                .replace("\rPV1|", "\rZU1|1|something^odd\rPV1|") + "ZU8|x\r";
        Message ack = send(msg);
        assertThat(get(ack, "/ZCS-1")).isEqualTo("FLAGGED");
        assertThat(get(ack, "/MSH-12")).isEqualTo("2.3");
    }

    @Test
    void theBrokerDropsASecondCopyOfTheSameNotification() throws Exception {
        // what happens when the gateway is killed after a send reached the broker but before it was marked sent:
        // the relay sends it again, with the same notification id as Artemis duplicate id
        String id = Hl7Messages.newControlId();
        String json = "{\"source\":{\"messageControlId\":\"" + id + "\"}}";
        var again = new org.cpisgateway.notify.Notification(java.util.UUID.randomUUID().toString(), "LA901",
                "cpis.notify.LA901", json);
        var producer = gateway.context().createProducerTemplate();
        producer.sendBody("direct:notify-authority", again);
        producer.sendBody("direct:notify-authority", again);
        assertThat(notifications("LA901", id, 2000)).hasSize(1);
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void noPatientDataInTheLogs() throws Exception {
        LogPrivacy.assertNoneOf(List.of(CPP_CHILD, LAC_CHILD, UCP_MOTHER, TWO_AUTHORITIES, NO_PLAN, "TESTCHILD", "ROBIN",
                "RENÉE", "20150302", "TEST STREET", "ZZ99 9ZZ"));
    }
}

package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import ca.uhn.hl7v2.util.Terser;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.TextMessage;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An authority that takes its notifications as FHIR R4 ({@code notification_format} fhir-r4): what its JMS consumer
 * reads is a message Bundle that HAPI parses and HAPI's R4 validator passes, for an attendance and for a pattern.
 */
class FhirNotificationTest {

    static RunningGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        Path mappings = TestFolders.copyOf(Path.of("mappings"));
        Path authorities = mappings.resolve("authorities.csv");
        Files.writeString(authorities, Files.readString(authorities, StandardCharsets.UTF_8)
                .replace("01632 960002,", "01632 960002,,fhir-r4"), StandardCharsets.UTF_8);
        gateway = RunningGateway.start("cpis.mappings.dir", mappings.toString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    static List<Bundle> receive(int atLeast) throws Exception {
        List<Bundle> bundles = new ArrayList<>();
        try (JMSContext jms = gateway.connectAsAuthority("LA901");
             JMSConsumer queue = jms.createConsumer(jms.createQueue("cpis.notify.LA901"))) {
            for (jakarta.jms.Message m; (m = queue.receive(bundles.size() < atLeast ? 15_000 : 2_000)) != null; ) {
                String text = ((TextMessage) m).getText();
                assertThat(FhirValidation.errors(text)).as(text).isEmpty();
                bundles.add(FhirValidation.R4.newJsonParser().parseResource(Bundle.class, text));
            }
        }
        return bundles;
    }

    static <T> List<T> of(Bundle bundle, Class<T> type) {
        return bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(type::isInstance)
                .map(type::cast).toList();
    }

    @Test
    void anAttendanceAndAPatternArriveAsValidFhirMessages() throws Exception {
        receive(0);
        String child = "9990000034"; // UCP held by LA901
        TestStore.earlierAccess(gateway, child, "R9Z02-UTC", 20);
        TestStore.earlierAccess(gateway, child, "R9Z03-MIU", 4);
        try (Pas pas = Pas.connect(gateway.mllpPort)) {
            ca.uhn.hl7v2.model.Message answer = pas.send(Hl7Messages.a04(Hl7Messages.newControlId(), child));
            Terser ack = new Terser(answer);
            assertThat(ack.get("/ZCS-8-1")).as(answer.encode().replace('\r', '\n')).isEqualTo("SETTINGS");
        }
        List<Bundle> bundles = receive(2);
        assertThat(bundles).hasSize(2);
        assertThat(bundles).allSatisfy(b -> {
            assertThat(b.getType()).isEqualTo(Bundle.BundleType.MESSAGE);
            MessageHeader header = (MessageHeader) b.getEntryFirstRep().getResource();
            assertThat(header.getDestinationFirstRep().getReceiver().getIdentifier().getValue()).isEqualTo("LA901");
            assertThat(of(b, Patient.class).get(0).getIdentifierFirstRep().getValue()).isEqualTo(child);
        });
        Bundle attendance = bundles.stream().filter(b -> "attendance".equals(
                ((MessageHeader) b.getEntryFirstRep().getResource()).getEventCoding().getCode())).findFirst().orElseThrow();
        MessageHeader header = (MessageHeader) attendance.getEntryFirstRep().getResource();
        AuditEvent focus = (AuditEvent) attendance.getEntry().stream()
                .filter(e -> e.getFullUrl().equals(header.getFocusFirstRep().getReference())).findFirst()
                .orElseThrow().getResource();
        assertThat(focus.getAgentFirstRep().getWho().getIdentifier().getValue()).isEqualTo("R9Z01-ED");
        assertThat(of(attendance, AuditEvent.class)).as("this attendance and the two before it").hasSize(3);
        assertThat(of(attendance, Flag.class)).extracting(f -> f.getCode().getCodingFirstRep().getCode())
                .containsExactly("818901000000100");
        assertThat(of(attendance, Patient.class).get(0).getNameFirstRep().getFamily()).isEqualTo("TESTCHILD");

        Bundle pattern = bundles.stream().filter(b -> b != attendance).findFirst().orElseThrow();
        MessageHeader patternHeader = (MessageHeader) pattern.getEntryFirstRep().getResource();
        assertThat(patternHeader.getEventCoding().getCode()).isEqualTo("pattern");
        assertThat(patternHeader.getReason().getText()).isEqualTo("Pattern: seen at 3 care settings in 30 days");
        assertThat(patternHeader.getFocus()).hasSize(3);
    }

    @Test
    void anAttendanceTimedToTheMinuteArrivesAsAValidFhirMessage() throws Exception {
        receive(0);
        String child = "9990000018"; // CPP held by LA901
        String message = Hl7Messages.a04TimedToTheMinute(Hl7Messages.newControlId(), child);
        try (Pas pas = Pas.connect(gateway.mllpPort)) {
            ca.uhn.hl7v2.model.Message answer = pas.send(message);
            Terser ack = new Terser(answer);
            assertThat(ack.get("/MSA-1")).as(answer.encode().replace('\r', '\n')).isEqualTo("AA");
            assertThat(ack.get("/ZCS-1")).isEqualTo("FLAGGED");
        }
        List<Bundle> bundles = receive(1);
        assertThat(bundles).hasSize(1);
        AuditEvent access = of(bundles.get(0), AuditEvent.class).get(0);
        assertThat(access.getPeriod().getStartElement().getValueAsString()).as("the attendance's time, seconds and all")
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:00(Z|[+-]\\d\\d:\\d\\d)");
    }
}

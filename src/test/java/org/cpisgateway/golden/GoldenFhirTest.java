package org.cpisgateway.golden;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.stream.Stream;

import org.cpisgateway.FhirValidation;
import org.cpisgateway.TestFolders;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The golden cases again, with both demo authorities taking FHIR R4 ({@code notification_format} fhir-r4): the ACK is
 * the golden one byte for byte (what an authority takes changes nothing the clerk sees), and every notification the
 * case puts on an authority's queue is a message Bundle that HAPI's R4 validator passes. So the golden messages' variety
 * (escapes, Latin-1, repetitions, old versions, ended and unborn children's plans, patterns) goes through the FHIR
 * form too, not only the JSON one.
 */
class GoldenFhirTest {

    private static GoldenRun gateway;

    static Stream<String> cases() throws Exception {
        return GoldenRun.cases();
    }

    @BeforeAll
    static void startRoutes() throws Exception {
        Path mappings = TestFolders.copyOf(Path.of("mappings"));
        Path authorities = mappings.resolve("authorities.csv");
        Files.writeString(authorities, Files.readString(authorities, StandardCharsets.UTF_8)
                .replace("01632 960002,", "01632 960002,,fhir-r4")
                .replace("01632 960102,2", "01632 960102,2,fhir-r4"), StandardCharsets.UTF_8);
        assertThat(Files.readAllLines(authorities, StandardCharsets.UTF_8))
                .filteredOn(line -> line.startsWith("LA90") && line.endsWith(",fhir-r4")).hasSize(2);
        Properties properties = new Properties();
        properties.put("cpis.mappings.dir", mappings.toString());
        gateway = new GoldenRun("golden-fhir", properties);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theAnswerIsTheGoldenOneAndEveryNotificationIsValidFhir(String name) throws Exception {
        Path dir = GoldenRun.CASES.resolve(name);
        GoldenRun.Outcome outcome = gateway.run(dir);
        assertThat(outcome.ack()).as("every message gets an ACK").isNotNull();
        assertThat(new String(GoldenRun.readableAck(outcome.ack()), StandardCharsets.ISO_8859_1))
                .as("ACK of %s", name)
                .isEqualTo(new String(Files.readAllBytes(dir.resolve("ack.hl7")), StandardCharsets.ISO_8859_1));
        for (String[] notification : outcome.notifications()) {
            if (!notification[0].startsWith("cpis.notify.")) {
                continue; // parked for an authority the directory does not know: no format to take, the JSON form
            }
            String payload = notification[1];
            Bundle bundle = FhirValidation.R4.newJsonParser().parseResource(Bundle.class, payload);
            assertThat(bundle.getType()).as("notification of %s on %s", name, notification[0])
                    .isEqualTo(Bundle.BundleType.MESSAGE);
            assertThat(FhirValidation.errors(payload)).as("FHIR validation of %s's notification %s", name, payload)
                    .isEmpty();
        }
    }
}

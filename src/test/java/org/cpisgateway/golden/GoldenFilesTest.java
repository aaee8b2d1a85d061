package org.cpisgateway.golden;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files: each folder under {@code src/test/resources/golden} is one case, an inbound HL7 message beside the
 * exact ACK and notifications the gateway must produce for it. The message goes through the real
 * {@code routes/adt-inbound.camel.yaml} (and its error handling) with the real beans, on an in-memory store, with
 * the case's clock: no network, no broker (notifications are read from the outbox, exactly as they will be sent).
 *
 * <p>A case folder holds:
 * <ul>
 *   <li>{@code message.hl7}: the message, one segment a line (sent with CR between segments, as on the wire; the
 *       bytes are sent as they are, so a Latin-1 case is a Latin-1 file);</li>
 *   <li>{@code case.properties} (optional): {@code clock} (an instant, default 2026-11-22T09:30:00Z),
 *       {@code segment-ends} ({@code CR} default, {@code LF}, {@code CRLF}), {@code store} ({@code unavailable}
 *       makes the plan table unreadable for this case), {@code description};</li>
 *   <li>{@code plans.csv} (optional): the plans in force, as the demo plans file writes them (dates may be relative to
 *       the case's clock: {@code today-2y});</li>
 *   <li>{@code history.csv} (optional): earlier accesses, {@code nhs_number,accessed_at,setting_code,setting_name,
 *       setting_type,scheduled};</li>
 *   <li>{@code ack.hl7}: the expected ACK bytes, one segment a line; MSH-10 (a fresh random id in every ACK) is
 *       written as {@code {ack-control-id}};</li>
 *   <li>{@code notifications.json}: the expected notifications, in outbox order.</li>
 * </ul>
 * A change in output fails with a readable diff. To regenerate the expected files on purpose after a deliberate
 * change, or to write them for a new case, run {@code mvn test -Dtest=GoldenFilesTest -Dgolden.update=true} and
 * review the diff before committing; without it a case with no expected files fails.
 */
class GoldenFilesTest {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final boolean UPDATE = Boolean.getBoolean("golden.update");
    private static GoldenRun gateway;


    @BeforeAll
    static void startRoutes() throws Exception {
        gateway = new GoldenRun("golden", new Properties());
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.cpisgateway.golden.GoldenRun#cases")
    void theGatewayAnswersAsTheGoldenFilesSay(String name) throws Exception {
        Path dir = GoldenRun.CASES.resolve(name);
        GoldenRun.Outcome outcome = gateway.run(dir);
        assertThat(outcome.ack()).as("every message gets an ACK").isNotNull();
        byte[] actualAck = GoldenRun.readableAck(outcome.ack());
        ArrayNode list = JSON.createArrayNode();
        for (String[] row : outcome.notifications()) {
            var entry = JSON.createObjectNode();
            entry.put("queue", row[0]);
            entry.set("body", JSON.readTree(row[1]));
            list.add(entry);
        }
        String actualNotifications = JSON.writeValueAsString(list) + "\n";

        Path ackFile = dir.resolve("ack.hl7");
        Path notificationsFile = dir.resolve("notifications.json");
        if (UPDATE) {
            Files.write(ackFile, actualAck);
            Files.writeString(notificationsFile, actualNotifications);
        }
        assertThat(ackFile).as("expected ACK of %s (a new case: run once with -Dgolden.update=true and review)", name)
                .exists();
        assertThat(notificationsFile).as("expected notifications of %s", name).exists();
        // compared as text in the ACK's own bytes (ISO-8859-1 maps each byte to one char), so a diff shows the line
        assertThat(new String(actualAck, StandardCharsets.ISO_8859_1)).as("ACK of %s", name)
                .isEqualTo(new String(Files.readAllBytes(ackFile), StandardCharsets.ISO_8859_1));
        assertThat(actualNotifications).as("notifications of %s", name)
                .isEqualTo(Files.readString(notificationsFile, StandardCharsets.UTF_8));
    }

}

package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.TextMessage;

/** Plan uploads as an authority makes them: a message on its upload queue, or a file in its upload folder. */
public final class Uploads {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Uploads() {
    }

    /** Sends {@code body} to {@code cpis.upload.<authority>} and returns the report from its response queue. */
    public static JsonNode byQueue(JMSContext jms, String authority, String body) throws Exception {
        TextMessage m = jms.createTextMessage(body);
        m.setJMSCorrelationID("upload-" + java.util.UUID.randomUUID());
        jms.createProducer().send(jms.createQueue("cpis.upload." + authority), m);
        try (JMSConsumer responses = jms.createConsumer(jms.createQueue("cpis.upload." + authority + ".response"),
                "JMSCorrelationID = '" + m.getJMSCorrelationID() + "'")) {
            TextMessage report = (TextMessage) responses.receive(60_000); // generous: a loaded CI machine
            assertThat(report).as("upload report").isNotNull();
            return JSON.readTree(report.getText());
        }
    }

    /** The first {@code *.response.json} to appear in the folder, waiting up to a minute (for big uploads). */
    public static Path response(Path folder) {
        return Waiting.fileIn(folder, ".response.json", Duration.ofSeconds(60));
    }
}

package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/** The JSON schemas the gateway publishes for its notifications (src/main/resources/schema), as an authority checks. */
public final class NotificationSchemas {

    private static final JsonSchema V1 = schema("/schema/cpis-notification.schema.json");
    private static final JsonSchema V2 = schema("/schema/cpis-notification-v2.schema.json");
    private static final JsonSchema PATTERN_V2 = schema("/schema/cpis-pattern-v2.schema.json");

    private NotificationSchemas() {
    }

    private static JsonSchema schema(String resource) {
        try (InputStream in = NotificationSchemas.class.getResourceAsStream(resource)) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Valid against the schema of its kind and version (1, or 2 for an authority that takes version 2). */
    public static void assertValid(JsonNode notification) {
        Set<ValidationMessage> errors = ("pattern".equals(notification.path("type").asText()) ? PATTERN_V2
                : "2".equals(notification.path("schemaVersion").asText()) ? V2 : V1).validate(notification);
        assertThat(errors).as("schema validation of %s", notification).isEmpty();
    }
}

package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Scans the test run's log (everything the gateway logged so far, see logback-test.xml) for patient data. */
public final class LogPrivacy {

    static final Path LOG = Path.of("target/test-logs/gateway.log");

    private LogPrivacy() {
    }

    public static void assertNoneOf(List<String> identifiers) throws IOException {
        assertThat(LOG).exists();
        String text = Files.readString(LOG, StandardCharsets.UTF_8);
        assertThat(text).contains("Started adt-inbound"); // the log is the gateway's
        for (String phi : identifiers) {
            assertThat(text).as("log must not contain %s", phi).doesNotContain(phi);
        }
    }
}

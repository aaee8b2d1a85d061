package org.cpisgateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.component.file.remote.SftpEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sftp endpoint of a channel: the password on the endpoint as it is, never in its URI. */
class SftpDeliveryTest {

    /** Every character an endpoint URI takes as syntax, and the ones that end Camel's RAW(...) and RAW{...}. */
    static final String PASSWORD = "test-only)pa}ss&word+%25#?=RAW(x)";

    @TempDir
    Path dir;

    @Test
    void thePasswordIsAnOptionOfTheEndpointAndNotInItsUri() throws Exception {
        Path knownHosts = Files.writeString(dir.resolve("known_hosts"), "");
        SftpDelivery delivery = new SftpDelivery(new DeliverySecrets(dir.resolve("secrets.properties")), knownHosts);
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.start();
            SftpEndpoint endpoint = delivery.endpoint(context, "cpis@files.example.org:2222/incoming", PASSWORD);
            assertThat(endpoint.getConfiguration().getPassword()).isEqualTo(PASSWORD);
            assertThat(endpoint.getConfiguration().getUsername()).isEqualTo("cpis");
            assertThat(endpoint.getConfiguration().getHost()).isEqualTo("files.example.org");
            assertThat(endpoint.getConfiguration().getPort()).isEqualTo(2222);
            assertThat(endpoint.getConfiguration().getDirectory()).isEqualTo("incoming");
            assertThat(endpoint.getConfiguration().getKnownHostsFile()).isEqualTo(knownHosts.toAbsolutePath().toString());
            assertThat(endpoint.getEndpointUri()).doesNotContain(PASSWORD).doesNotContain("password").doesNotContain("RAW");

            assertThat(delivery.endpoint(context, "cpis@files.example.org:2222/incoming", PASSWORD))
                    .as("one endpoint per channel").isSameAs(endpoint);
            SftpEndpoint rotated = delivery.endpoint(context, "cpis@files.example.org:2222/incoming", "rotated");
            assertThat(rotated).isSameAs(endpoint);
            assertThat(rotated.getConfiguration().getPassword()).isEqualTo("rotated");

            SftpEndpoint otherUser = delivery.endpoint(context, "other@files.example.org:2222/incoming", PASSWORD);
            assertThat(otherUser).as("Camel pools producers by URI: another user is another URI").isNotEqualTo(endpoint);
            assertThat(otherUser.getConfiguration().getUsername()).isEqualTo("other");
        }
    }
}

package org.cpisgateway.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Delivery channels other than the authority's queue ({@code cpis.delivery.*}): the retry limit, where the
 * authorities' secrets are, the webhook client, the SMTP relay for duty-team mail and the SFTP known hosts.
 */
public record DeliverySettings(Duration longestRetry, Path secretsFile, Duration webhookConnectTimeout,
                               Duration webhookTimeout, Path webhookTrustStore, String webhookTrustStorePassword,
                               String smtpHost, int smtpPort, String mailFrom, String smtpUser, String smtpPassword,
                               boolean smtpStartTls, String mailContent, Path sftpKnownHosts, int lanes) {

    static DeliverySettings read(SettingsReader r) {
        String trustStore = r.text("cpis.delivery.webhook.trust-store");
        String content = r.text("cpis.delivery.mail.content");
        if (!content.matches("reference|summary")) {
            r.problem("cpis.delivery.mail.content = '" + content + "' must be reference or summary "
                    + "(conf/application.properties)");
        }
        String knownHosts = r.text("cpis.delivery.sftp.known-hosts-file");
        return new DeliverySettings(Duration.ofSeconds(Math.max(1, r.integer("cpis.delivery.longest-retry-seconds"))),
                r.path("cpis.delivery.secrets-file"),
                Duration.ofMillis(Math.max(100, r.integer("cpis.delivery.webhook.connect-timeout-ms"))),
                Duration.ofMillis(Math.max(100, r.integer("cpis.delivery.webhook.timeout-ms"))),
                trustStore.isEmpty() ? null : Path.of(trustStore), r.text("cpis.delivery.webhook.trust-store-password"),
                r.text("cpis.delivery.mail.smtp-host"), r.integer("cpis.delivery.mail.smtp-port"),
                r.text("cpis.delivery.mail.from"), r.text("cpis.delivery.mail.user"),
                r.text("cpis.delivery.mail.password"), r.bool("cpis.delivery.mail.starttls"), content,
                knownHosts.isEmpty() ? null : Path.of(knownHosts), Math.max(1, r.integer("cpis.delivery.lanes")));
    }
}

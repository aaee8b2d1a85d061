package org.cpisgateway.delivery;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.cpisgateway.core.DeliveryChannel;
import org.cpisgateway.notify.Notification;

/**
 * Delivers a notification to an authority's webhook: one HTTPS POST of the notification as it would go on the queue,
 * signed with the authority's shared secret (docs/delivery.md shows how a council checks it).
 *
 * <ul>
 *   <li>{@code Idempotency-Key} and {@code X-CPIS-Notification-Id}: the notification id. A notification sent twice
 *       (its mark lost in a crash) carries the same one, so the receiver can drop the second.</li>
 *   <li>{@code X-CPIS-Timestamp}: seconds since 1970 (UTC) when it was sent.</li>
 *   <li>{@code X-CPIS-Signature}: {@code v1=} and the lower-case hex HMAC-SHA256, keyed by the shared secret, of
 *       the timestamp, a full stop, and the body's bytes.</li>
 * </ul>
 *
 * <p>2xx is delivered. 408, 429, 5xx, no answer within the time-out, a refused connection or a TLS failure are
 * tried again later. Any other status (a 3xx is not followed; a 4xx says the receiver will not take it) parks the
 * notification with the status as the reason. The response body is never read into a log: it may echo the
 * notification.
 */
public class WebhookDelivery {

    private final DeliverySecrets secrets;
    private final HttpClient client;
    private final Duration timeout;
    private final Clock clock;

    public WebhookDelivery(DeliverySecrets secrets, SSLContext tls, Duration connectTimeout, Duration timeout,
                           Clock clock) {
        this.secrets = secrets;
        this.timeout = timeout;
        this.clock = clock;
        this.client = HttpClient.newBuilder().sslContext(tls).connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();
    }

    /** The JVM's trust store, or the one at {@code trustStore} (PKCS12 or JKS), through Camel's TLS parameters. */
    public static SSLContext trusting(CamelContext context, Path trustStore, String password) {
        try {
            if (trustStore == null) {
                return SSLContext.getDefault();
            }
            KeyStoreParameters store = new KeyStoreParameters();
            store.setResource("file:" + trustStore);
            store.setPassword(password);
            TrustManagersParameters trust = new TrustManagersParameters();
            trust.setKeyStore(store);
            SSLContextParameters tls = new SSLContextParameters();
            tls.setTrustManagers(trust);
            return tls.createSSLContext(context);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot read the webhook trust store " + trustStore + ": " + e.getMessage(),
                    e);
        }
    }

    /** The signature header's value for {@code body} sent at {@code timestamp}. */
    public static String signature(String secret, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
            return "v1=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is missing from this Java", e);
        }
    }

    /** Posts the body (a {@link Notification}) to the channel in header {@link NotificationRelay#CHANNEL}. */
    public void post(Exchange exchange) {
        Notification n = exchange.getMessage().getBody(Notification.class);
        DeliveryChannel channel = exchange.getMessage().getHeader(NotificationRelay.CHANNEL, DeliveryChannel.class);
        String secret = secrets.webhookSecret(n.authorityCode());
        if (secret == null) {
            exchange.getMessage().setHeader(NotificationRelay.NOT_DELIVERED, "no webhook secret for "
                    + n.authorityCode() + " in " + secrets.file() + " (" + n.authorityCode() + ".webhook-secret)");
            return;
        }
        byte[] body = n.json().getBytes(StandardCharsets.UTF_8);
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(URI.create(channel.address())).timeout(timeout)
                .header("Content-Type", n.json().startsWith("{\"resourceType\"") ? "application/fhir+json"
                        : "application/json")
                .header("Idempotency-Key", n.notificationId())
                .header("X-CPIS-Notification-Id", n.notificationId())
                .header("X-CPIS-Authority", n.authorityCode())
                .header("X-CPIS-Timestamp", String.valueOf(timestamp))
                .header("X-CPIS-Signature", signature(secret, timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        String retry = null;
        String parked = null;
        try {
            int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status == 408 || status == 429 || status >= 500) {
                retry = "HTTP " + status + " from the webhook";
            } else if (status < 200 || status > 299) {
                parked = "HTTP " + status + " from the webhook: the receiver did not take the notification";
            }
        } catch (HttpTimeoutException slow) {
            retry = "the webhook did not answer within " + timeout.toMillis() + " ms";
        } catch (SSLException tlsFailed) {
            retry = "TLS with the webhook failed: " + tlsFailed.getMessage();
        } catch (IOException unreachable) {
            retry = unreachable.getClass().getSimpleName()
                    + (unreachable.getMessage() == null ? "" : ": " + unreachable.getMessage());
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
            retry = "interrupted (gateway stopping)";
        }
        if (retry != null) {
            exchange.getMessage().setHeader(NotificationRelay.NOT_DELIVERED, retry);
        }
        if (parked != null) {
            exchange.getMessage().setHeader(NotificationRelay.PARKED, parked);
        }
    }
}

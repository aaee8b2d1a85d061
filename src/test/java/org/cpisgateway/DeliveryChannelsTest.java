package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An authority that takes its notifications on its queue, on a webhook and in a folder, as a council would see them:
 * a real HTTP server (the JDK's) checking the signature the way docs/delivery.md tells a council to, a real folder,
 * the JMS queue, and the PAS side over MLLP. A webhook that fails is tried again and keeps the order; one that refuses
 * parks the notification until an operator retries it; a missing folder waits until it is there.
 */
class DeliveryChannelsTest {

    static final String SECRET = "test-only-webhook-secret-0001";
    static final String CPP_CHILD = "9990000018"; // demo plan of LA901
    static final ObjectMapper JSON = new ObjectMapper();

    record Received(Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
                    .map(e -> e.getValue().get(0)).orElse(null);
        }

        JsonNode json() throws Exception {
            return JSON.readTree(body);
        }
    }

    static final String PASSWORD = "test-only-store-password";
    static final String LA903_CHILD = "9990003106"; // a plan of LA903, added at start
    static final String LA904_CHILD = "9990003114"; // a plan of LA904, added at start

    static HttpServer council;
    static com.sun.net.httpserver.HttpsServer trustedHttps;   // its certificate is in the gateway's trust store
    static com.sun.net.httpserver.HttpsServer untrustedHttps; // a certificate nobody vouches for
    static final CountDownLatch SLOW_ANSWERS = new CountDownLatch(1);
    static HttpServer slow;                                   // answers after the gateway's time-out
    static final List<Received> trustedReceived = new CopyOnWriteArrayList<>();
    static Path mappingsDir;
    static final List<Received> received = new CopyOnWriteArrayList<>();
    static final ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
    static Path folder;
    static RunningGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        council = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        council.createContext("/cpis", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Integer status = statuses.poll();
            int code = status == null ? 204 : status;
            if (code / 100 == 2) {
                received.add(new Received(Map.copyOf(exchange.getRequestHeaders()), body));
            }
            exchange.sendResponseHeaders(code, -1);
            exchange.close();
        });
        council.start();
        Path conf = TestFolders.temporary("cpis-delivery");
        keypair(conf, "trusted");
        keypair(conf, "untrusted");
        Keytool.run("-exportcert", "-alias", "trusted", "-keystore", conf.resolve("trusted.p12").toString(),
                "-storepass", PASSWORD, "-file", conf.resolve("trusted.crt").toString());
        Keytool.run("-importcert", "-noprompt", "-alias", "trusted", "-file",
                conf.resolve("trusted.crt").toString(), "-storetype", "PKCS12", "-keystore",
                conf.resolve("webhook-trust.p12").toString(), "-storepass", PASSWORD);
        trustedHttps = https(conf.resolve("trusted.p12"), trustedReceived);
        untrustedHttps = https(conf.resolve("untrusted.p12"), new CopyOnWriteArrayList<>());
        slow = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        slow.createContext("/cpis", exchange -> {
            exchange.getRequestBody().readAllBytes();
            try {
                SLOW_ANSWERS.await(3, TimeUnit.SECONDS); // past the gateway's time-out, or until the tests end
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        slow.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        slow.start();
        folder = conf.resolve("outgoing"); // created by the test that needs it
        Path mappings = Files.createDirectories(conf.resolve("mappings"));
        mappingsDir = mappings;
        for (String table : List.of("care-settings.csv", "nhs-number-locations.csv")) {
            Files.copy(Path.of("mappings", table), mappings.resolve(table));
        }
        Files.writeString(mappings.resolve("authorities.csv"), "code,name,office_hours_phone,emergency_duty_phone,"
                + "notification_version,notification_format,delivery\n"
                + "LA901,Northshire County Council (test),01632 960001,01632 960002,,,queue: http://127.0.0.1:"
                + council.getAddress().getPort() + "/cpis?source=gateway file:" + folder + "\n"
                + "LA902,Westborough City Council (test),01632 960101,01632 960102,2,,https://localhost:"
                + trustedHttps.getAddress().getPort() + "/cpis\n"
                + "LA903,Eastvale Borough Council (test),01632 960201,01632 960202,,,https://localhost:"
                + untrustedHttps.getAddress().getPort() + "/cpis\n"
                + "LA904,Southmere District Council (test),01632 960301,01632 960302,,,http://127.0.0.1:"
                + slow.getAddress().getPort() + "/cpis\n");
        Path secrets = conf.resolve("secrets.properties");
        Files.writeString(secrets, "LA901.webhook-secret = " + SECRET + "\nLA902.webhook-secret = " + SECRET
                + "\nLA903.webhook-secret = " + SECRET + "\nLA904.webhook-secret = " + SECRET + "\n");
        gateway = RunningGateway.start("cpis.mappings.dir", mappings.toString(),
                "cpis.delivery.secrets-file", secrets.toString(),
                "cpis.delivery.webhook.trust-store", conf.resolve("webhook-trust.p12").toString(),
                "cpis.delivery.webhook.trust-store-password", PASSWORD,
                "cpis.delivery.webhook.timeout-ms", "1000",
                "cpis.notify.retry-interval-ms", "200", "cpis.delivery.longest-retry-seconds", "1",
                "cpis.delivery.status-interval-ms", "500");
        gateway.addPlan(LA903_CHILD, "CPP", TestDates.day("today-1y"), null, "LA903");
        gateway.addPlan(LA904_CHILD, "LAC", TestDates.day("today-1y"), null, "LA904");
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        council.stop(0);
        trustedHttps.stop(0);
        untrustedHttps.stop(0);
        SLOW_ANSWERS.countDown();
        slow.stop(0);
    }

    static void keypair(Path dir, String name) throws Exception {
        Keytool.run("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=localhost, O=" + name, "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype",
                "PKCS12", "-keystore", dir.resolve(name + ".p12").toString(), "-storepass", PASSWORD);
    }

    /** An HTTPS server with the key store's certificate that records what it receives and answers 204. */
    static com.sun.net.httpserver.HttpsServer https(Path keystore, List<Received> into) throws Exception {
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keystore)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        var kmf = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD.toCharArray());
        var ssl = javax.net.ssl.SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        var server = com.sun.net.httpserver.HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(ssl));
        server.createContext("/cpis", exchange -> {
            into.add(new Received(Map.copyOf(exchange.getRequestHeaders()), exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    @BeforeEach
    void clean() throws Exception {
        statuses.clear();
        received.clear();
        if (Files.isDirectory(folder)) {
            try (Stream<Path> files = Files.list(folder)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
        }
    }

    @Test
    void oneNotificationReachesTheQueueTheWebhookAndTheFolderUnderOneIdSignedForTheCouncil() throws Exception {
        Files.createDirectories(folder);
        String controlId = attend();

        JsonNode onQueue = fromQueue("LA901", controlId);
        String id = onQueue.path("notificationId").asText();
        Waiting.until(() -> received.size() == 1, "the webhook received the notification");
        Received hook = received.get(0);
        assertThat(hook.json()).isEqualTo(onQueue);
        assertThat(hook.header("Idempotency-Key")).isEqualTo(id);
        assertThat(hook.header("X-CPIS-Notification-Id")).isEqualTo(id);
        assertThat(hook.header("Content-Type")).isEqualTo("application/json");
        // what a council does: HMAC-SHA256 of "<timestamp>.<body>" with the shared secret, compared with the header
        String timestamp = hook.header("X-CPIS-Timestamp");
        assertThat(Long.parseLong(timestamp)).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data
                .Offset.offset(300L));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
        assertThat(hook.header("X-CPIS-Signature")).isEqualTo("v1=" + HexFormat.of().formatHex(mac.doFinal(hook.body())));

        Path file = folder.resolve(id + ".json");
        Waiting.until(() -> Files.exists(file), "the file in the folder");
        assertThat(JSON.readTree(file.toFile())).isEqualTo(onQueue);
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly(id + ".json");
        }
        Waiting.until(() -> gateway.count("select count(*) from notification_outbox where notification_id = ? "
                + "and sent_at is not null", id) == 1, "the outbox marks it sent once every channel has it");
        assertThat(gateway.count("select count(*) from notification_delivery where notification_id = ? "
                + "and state = 'delivered'", id)).isEqualTo(3);
    }

    @Test
    void aFailingWebhookIsTriedAgainAndReceivesTheNotificationsInOrderWhileTheOtherChannelsGoOn() throws Exception {
        Files.createDirectories(folder);
        for (int i = 0; i < 4; i++) {
            statuses.add(503);
        }
        String first = attend();
        String second = attend();
        // the queue does not wait for the webhook
        assertThat(fromQueue("LA901", first).path("source").path("messageControlId").asText()).isEqualTo(first);
        Waiting.until(() -> received.size() == 2, "both delivered once the webhook answers 2xx");
        assertThat(received.get(0).json().path("source").path("messageControlId").asText()).isEqualTo(first);
        assertThat(received.get(1).json().path("source").path("messageControlId").asText()).isEqualTo(second);
        String firstId = received.get(0).header("Idempotency-Key");
        assertThat(gateway.count("select attempts from notification_delivery where notification_id = ? "
                + "and channel like 'http:%'", firstId)).isEqualTo(5);
        String metrics = Http.get(gateway.httpPort, "/observe/metrics").body();
        assertThat(metrics).contains("cpis_notifications_send_failures_total{authority=\"LA901\",channel=\"webhook\"} 4.0");
    }

    @Test
    void aRefusedNotificationIsParkedShownAndDeliveredWhenAnOperatorRetriesIt() throws Exception {
        Files.createDirectories(folder);
        statuses.add(422);
        String controlId = attend();
        String id = fromQueue("LA901", controlId).path("notificationId").asText();
        Waiting.until(() -> gateway.count("select count(*) from notification_delivery where notification_id = ? "
                + "and state = 'parked'", id) == 1, "parked after the 422");
        // a later notification is not held back by the parked one
        String later = attend();
        Waiting.until(() -> received.size() == 1, "the later notification reached the webhook");
        assertThat(received.get(0).json().path("source").path("messageControlId").asText()).isEqualTo(later);

        var parked = JSON.readTree(Http.asOperator(gateway.httpPort, "/api/ops/deliveries/parked?authority=LA901")
                .body());
        assertThat(parked).hasSize(1);
        assertThat(parked.get(0).path("notificationId").asText()).isEqualTo(id);
        assertThat(parked.get(0).path("reason").asText()).contains("HTTP 422");
        assertThat(parked.get(0).path("channel").asText()).endsWith("/cpis?…").doesNotContain("source=gateway");
        Waiting.until(() -> Http.get(gateway.httpPort, "/observe/metrics").body()
                .contains("cpis_delivery_parked{authority=\"LA901\",channel=\"webhook\"} 1.0"), "parked gauge");
        JsonNode rows = JSON.readTree(Http.asOperator(gateway.httpPort, "/api/ops/deliveries").body());
        JsonNode webhook = null;
        for (JsonNode row : rows) {
            if (row.path("authority").asText().equals("LA901") && row.path("kind").asText().equals("webhook")) {
                webhook = row;
            }
        }
        assertThat(webhook).as("webhook row in %s", rows).isNotNull();
        assertThat(webhook.path("parked").asLong()).isEqualTo(1);
        assertThat(webhook.path("lastError").asText()).contains("HTTP 422");

        // an operator may look but not retry; an admin retries, and it is audited
        assertThat(Http.call(gateway.httpPort, "POST", "/api/ops/deliveries/LA901/retry?channel=webhook",
                Http.OPERATOR).statusCode()).isEqualTo(403);
        var retry = Http.call(gateway.httpPort, "POST", "/api/ops/deliveries/LA901/retry?channel=webhook", Http.ADMIN);
        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
        assertThat(JSON.readTree(retry.body()).path("retried").asInt()).isEqualTo(1);
        Waiting.until(() -> received.size() == 2, "the parked notification delivered after the retry");
        assertThat(received.get(1).header("Idempotency-Key")).isEqualTo(id);
        Waiting.until(() -> auditHas("retry-parked", "ops-admin"), "the retry in the audit log");
        assertThat(Http.call(gateway.httpPort, "POST", "/api/ops/deliveries/LA999/retry", Http.ADMIN).statusCode())
                .isEqualTo(404);
    }

    @Test
    void aMissingFolderHoldsTheFileUntilItIsThereWithTheReasonShown() throws Exception {
        Files.deleteIfExists(folder);
        String controlId = attend();
        String id = fromQueue("LA901", controlId).path("notificationId").asText();
        Waiting.until(() -> gateway.count("select count(*) from notification_delivery where notification_id = ? "
                + "and state = 'retrying' and last_error like '%does not exist%'", id) == 1, "waiting for the folder");
        Files.createDirectories(folder);
        Waiting.until(() -> Files.exists(folder.resolve(id + ".json")), "written once the folder is there");
    }

    @Test
    void everyMetricTheAlertRulesWatchIsExposed() throws Exception {
        attend(); // an ACK sent, so its counter exists
        Waiting.until(() -> {
            String metrics = Http.get(gateway.httpPort, "/observe/metrics").body();
            return Metrics.watchedByAlertRules().stream()
                    .filter(name -> !name.equals("cpis_tls_certificate_expiry_seconds")) // TLS only: TlsTest
                    .allMatch(name -> metrics.contains("\n" + name + "{"));
        }, "every metric of the alert rules in /observe/metrics");
        String metrics = Http.get(gateway.httpPort, "/observe/metrics").body();
        assertThat(metrics).contains("cpis_up{component=\"store\"} 1.0").contains("cpis_up{component=\"broker\"} 1.0")
                .contains("cpis_up{component=\"mllp\"} 1.0")
                .contains("cpis_delivery_oldest_undelivered_seconds{authority=\"LA902\",channel=\"webhook\"} ");
    }

    @Test
    void aWebhookOverHttpsIsCheckedAgainstTheConfiguredTrustStore() throws Exception {
        String trusted = attend("9990000026"); // LA902's child: its webhook's certificate is trusted
        Waiting.until(() -> trustedReceived.stream().anyMatch(r -> new String(r.body(), StandardCharsets.UTF_8)
                .contains(trusted)), "delivered to the trusted HTTPS webhook");
        attend(LA903_CHILD); // LA903's webhook shows a certificate the trust store does not vouch for
        Waiting.until(() -> row("LA903", "webhook").path("lastError").asText().contains("TLS"), "the TLS failure shown");
        assertThat(row("LA903", "webhook").path("retrying").asLong()).isPositive();
        assertThat(row("LA903", "webhook").path("lastError").asText()).doesNotContain(LA903_CHILD);
    }

    @Test
    void aWebhookThatDoesNotAnswerInTimeIsTriedAgainWithTheReasonAndTheAckIsNotHeldUp() throws Exception {
        String controlId = attend(LA904_CHILD); // attend() asserts the AA came back
        Waiting.until(() -> row("LA904", "webhook").path("lastError").asText().contains("did not answer within 1000 ms"),
                "the time-out shown");
        assertThat(controlId).isNotEmpty();
    }

    @Test
    void aChannelAddedByALiveEditOfTheTableIsUsedForTheNextNotification() throws Exception {
        Path table = mappingsDir.resolve("authorities.csv");
        String before = Files.readString(table);
        Path extra = TestFolders.temporary("cpis-live-channel");
        try {
            // a bad URI is refused and the table stays as it was
            Files.writeString(table, before.replace("LA902,Westborough City Council (test),01632 960101,01632 960102,2,,",
                    "LA902,Westborough City Council (test),01632 960101,01632 960102,2,,ftp://nowhere/x "));
            Waiting.until(() -> Http.asOperator(gateway.httpPort, "/api/ops/reloads").body().contains("not a channel"),
                    "the bad URI refused, with the reason");
            Files.writeString(table, before.replace("LA902,Westborough City Council (test),01632 960101,01632 960102,2,,",
                    "LA902,Westborough City Council (test),01632 960101,01632 960102,2,,file:" + extra + " "));
            Waiting.until(() -> row("LA902", "file").has("authority"), "the new channel in the delivery view");
            String controlId = attend("9990000026");
            Waiting.until(() -> {
                try (Stream<Path> files = Files.list(extra)) {
                    return files.anyMatch(f -> DeliveryChannelsTest.read(f).contains(controlId));
                }
            }, "the next notification in the new folder");
        } finally {
            Files.writeString(table, before);
            Waiting.until(() -> !row("LA902", "file").has("authority"), "the table as it was");
        }
    }

    /** The delivery view's row of the authority's channel of that kind (an empty object when there is none). */
    static JsonNode row(String authority, String kind) throws Exception {
        for (JsonNode r : JSON.readTree(Http.asOperator(gateway.httpPort, "/api/ops/deliveries").body())) {
            if (r.path("authority").asText().equals(authority) && r.path("kind").asText().equals(kind)) {
                return r;
            }
        }
        return JSON.createObjectNode();
    }

    static String read(Path f) {
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (Exception e) {
            return "";
        }
    }

    static boolean auditHas(String... parts) {
        try {
            Path audit = Path.of("target/test-logs/audit.log");
            return Files.exists(audit) && Files.readAllLines(audit, StandardCharsets.UTF_8).stream()
                    .anyMatch(l -> List.of(parts).stream().allMatch(l::contains));
        } catch (Exception e) {
            return false;
        }
    }

    /** A flagged child's attendance at an emergency department, as a PAS sends it; returns its control ID. */
    static String attend() throws Exception {
        return attend(CPP_CHILD);
    }

    static String attend(String nhsNumber) throws Exception {
        String id = Hl7Messages.newControlId();
        try (Pas pas = Pas.connect(gateway.mllpPort)) {
            assertThat(pas.sendForText(Hl7Messages.a04(id, nhsNumber))).contains("MSA|AA|" + id);
        }
        return id;
    }

    static JsonNode fromQueue(String authority, String controlId) throws Exception {
        try (JMSContext jms = gateway.connectAsAuthority(authority);
             JMSConsumer consumer = jms.createConsumer(jms.createQueue("cpis.notify." + authority))) {
            long end = System.currentTimeMillis() + 10_000;
            List<String> others = new ArrayList<>();
            while (System.currentTimeMillis() < end) {
                TextMessage m = (TextMessage) consumer.receive(Math.max(1, end - System.currentTimeMillis()));
                if (m == null) {
                    break;
                }
                JsonNode body = JSON.readTree(m.getText());
                if (controlId.equals(body.path("source").path("messageControlId").asText())) {
                    return body;
                }
                others.add(body.path("source").path("messageControlId").asText());
            }
            throw new AssertionError("no notification for " + controlId + " on the queue; others: " + others);
        }
    }
}

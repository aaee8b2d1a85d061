package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MLLP over TLS with mutual TLS required: keys made with the JDK's keytool for this run; a PAS with a trusted
 * client certificate gets its ACK, one without a certificate or with an untrusted one is refused; plain MLLP stays.
 * The operations endpoint is served over HTTPS with the same key store.
 */
class TlsTest {

    static final String PASSWORD = "test-only-password";
    static Path dir;
    static RunningGateway gateway;
    static int tlsPort;

    @BeforeAll
    static void start() throws Exception {
        dir = TestFolders.temporary("cpis-tls");
        keypair("gateway", "CN=localhost");
        keypair("pas", "CN=test-pas");
        keypair("rogue", "CN=rogue-pas");
        exportImport("pas", "trusted-senders");      // the gateway trusts the PAS
        exportImport("gateway", "pas-trust");        // the PAS trusts the gateway
        tlsPort = TestPorts.free();
        gateway = RunningGateway.start("cpis.mllp.tls.enabled", "true", "cpis.mllp.tls.port", String.valueOf(tlsPort),
                "cpis.mllp.tls.keystore", dir.resolve("gateway.p12").toString(),
                "cpis.mllp.tls.keystore-password", PASSWORD,
                "cpis.mllp.tls.truststore", dir.resolve("trusted-senders.p12").toString(),
                "cpis.mllp.tls.truststore-password", PASSWORD,
                "cpis.mllp.tls.client-auth", "REQUIRE",
                "cpis.http.tls.enabled", "true");
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    static void keypair(String name, String dname) throws Exception {
        Keytool.run("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname,
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", dir.resolve(name + ".p12").toString(), "-storepass", PASSWORD);
    }

    static void exportImport(String name, String into) throws Exception {
        Path cert = dir.resolve(name + ".cer");
        Keytool.run("-exportcert", "-alias", name, "-keystore", dir.resolve(name + ".p12").toString(), "-storepass",
                PASSWORD, "-file", cert.toString());
        Keytool.run("-importcert", "-noprompt", "-alias", name, "-file", cert.toString(), "-storetype", "PKCS12",
                "-keystore", dir.resolve(into + ".p12").toString(), "-storepass", PASSWORD);
    }

    /** A TLS client that trusts the gateway and presents {@code clientKey}'s certificate (or none). */
    static List<String> sendOverTls(String clientKey) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("pas-trust.p12"))) {
            trust.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (clientKey != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(dir.resolve(clientKey + ".p12"))) {
                keys.load(in, PASSWORD.toCharArray());
            }
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, PASSWORD.toCharArray());
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", tlsPort)) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            socket.getOutputStream().write(Mllp.frame(Hl7Messages.a04(Hl7Messages.newControlId(), "9990000018")
                    .getBytes(StandardCharsets.UTF_8)));
            socket.getOutputStream().flush();
            return Mllp.readFrames(socket.getInputStream(), 1, StandardCharsets.UTF_8);
        }
    }

    static boolean refused(String clientKey) {
        try {
            return sendOverTls(clientKey).isEmpty();
        } catch (IOException refusedByTheGateway) {
            return true; // handshake failure, or the connection closed
        } catch (Exception other) {
            throw new IllegalStateException(other);
        }
    }

    @Test
    void aPasWithATrustedCertificateGetsItsAck() throws Exception {
        List<String> acks = sendOverTls("pas");
        assertThat(acks).hasSize(1);
        assertThat(AckText.of(acks.get(0)).field("ZCS", 1)).isEqualTo("FLAGGED");
    }

    @Test
    void withoutAClientCertificateOrWithAnUntrustedOneTheConnectionIsRefused() {
        assertThat(refused(null)).as("no client certificate").isTrue();
        assertThat(refused("rogue")).as("untrusted client certificate").isTrue();
    }

    @Test
    void plainMllpStaysAvailable() throws Exception {
        List<String> acks = Mllp.exchange(gateway.mllpPort,
                Mllp.frame(Hl7Messages.a04(Hl7Messages.newControlId(), "9990000018").getBytes(StandardCharsets.UTF_8)),
                1, StandardCharsets.UTF_8);
        assertThat(acks).hasSize(1);
    }

    @Test
    void theCertificatesEndIsAMetricForTheExpiryAlert() throws Exception {
        // Micrometer holds a gauge's object weakly unless told otherwise: after a collection, a gauge whose object
        // nothing else holds reads NaN, so a collection before the scrape shows whether the gateway holds it
        System.gc();
        var metrics = httpsClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                "https://localhost:" + gateway.httpPort + "/observe/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        String line = metrics.lines().filter(l -> l.startsWith("cpis_tls_certificate_expiry_seconds ")).findFirst()
                .orElseThrow(() -> new AssertionError("no expiry metric in " + metrics));
        double end = Double.parseDouble(line.substring(line.indexOf(' ') + 1));
        // keytool made the certificate valid for 2 days from its start
        assertThat(end - java.time.Instant.now().getEpochSecond()).isBetween(86_400.0, 2 * 86_400.0 + 60);
    }

    static java.net.http.HttpClient httpsClient() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("pas-trust.p12"))) {
            trust.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return java.net.http.HttpClient.newBuilder().sslContext(ssl).build();
    }

    @Test
    void theOperationsEndpointIsServedOverHttpsWithTheSameKeyStore() throws Exception {
        var client = httpsClient();
        var uri = java.net.URI.create("https://localhost:" + gateway.httpPort + "/api/ops/summary");
        var anonymous = client.send(java.net.http.HttpRequest.newBuilder(uri).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        var operator = client.send(java.net.http.HttpRequest.newBuilder(uri)
                .header("Authorization", Http.basic(Http.OPERATOR[0], Http.OPERATOR[1])).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(operator.statusCode()).isEqualTo(200);
        assertThat(operator.body()).contains("\"traffic\"");
    }
}

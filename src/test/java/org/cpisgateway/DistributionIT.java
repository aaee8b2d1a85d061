package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.TextMessage;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The release as an integrator gets it: {@code target/cpis-gateway-<version>.tar.gz} unpacked in a folder outside
 * the checkout and started with {@code bin/cpis-gateway run --demo}, with nothing but a Java runtime (JAVA_HOME set,
 * an empty PATH: no Maven, no source tree). A PAS sends with HAPI's MLLP client; the authority reads its notification
 * with an AMQP 1.0 client; SIGTERM stops it.
 */
class DistributionIT {

    static Path home;
    static Process gateway;
    static int mllpPort;
    static int brokerPort;

    @BeforeAll
    static void unpackAndStart() throws Exception {
        Path tarball = Path.of(System.getProperty("cpis.distribution"));
        assertThat(tarball).exists();
        Path dir = Files.createTempDirectory("cpis-release");
        Process tar = new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", dir.toString()).inheritIO().start();
        assertThat(tar.waitFor()).isZero();
        try (var entries = Files.list(dir)) {
            home = entries.findFirst().orElseThrow();
        }
        assertThat(home.resolve("bin/cpis-gateway")).isExecutable();
        assertThat(home.resolve("lib")).isDirectory();
        for (String part : List.of("conf/application.properties", "routes/adt-inbound.camel.yaml",
                "mappings/authorities.csv", "etc/cpis-gateway.service", "LICENSE", "NOTICE", "bin/cpis-gateway.cmd")) {
            assertThat(home.resolve(part)).as(part).exists();
        }
        mllpPort = RunningGateway.freePort();
        brokerPort = RunningGateway.freePort();
        gateway = command(Map.of("CPIS_MLLP_HOST", "127.0.0.1", "CPIS_MLLP_PORT", String.valueOf(mllpPort),
                "CPIS_BROKER_ACCEPTOR", "tcp://127.0.0.1:" + brokerPort + "?protocols=CORE,AMQP",
                "CAMEL_SERVER_PORT", String.valueOf(RunningGateway.freePort())), "run", "--demo")
                .redirectErrorStream(true).redirectOutput(home.resolve("gateway.out").toFile()).start();
        long until = System.currentTimeMillis() + 120_000;
        while (!listening(mllpPort)) {
            assertThat(gateway.isAlive()).as("the gateway runs; its output: %s", output()).isTrue();
            assertThat(System.currentTimeMillis()).as("MLLP port open in time; output: %s", output()).isLessThan(until);
            Thread.sleep(250);
        }
    }

    /** {@code bin/cpis-gateway ARGS} with only a Java runtime: JAVA_HOME, and a PATH with nothing on it. */
    static ProcessBuilder command(Map<String, String> env, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("/bin/sh", home.resolve("bin/cpis-gateway").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.getParent().toFile());
        builder.environment().clear();
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("PATH", home.resolve("no-such-folder").toString());
        builder.environment().putAll(env);
        return builder;
    }

    static String output() throws IOException {
        Path out = home.resolve("gateway.out");
        return Files.exists(out) ? Files.readString(out) : "";
    }

    static boolean listening(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null && gateway.isAlive()) {
            gateway.destroy(); // SIGTERM, as systemd stops it
            assertThat(gateway.waitFor(60, TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();
            assertThat(gateway.exitValue()).as("exit status after SIGTERM; output: %s", output()).isIn(0, 143);
        }
    }

    @Test
    void anAttendanceIsAnsweredAndItsAuthorityReadsTheNotificationOverAmqp() throws Exception {
        String id = Hl7Messages.newControlId();
        try (Pas pas = Pas.connect(mllpPort)) {
            String ack = pas.sendForText(Hl7Messages.a04(id, "9990000018"));
            assertThat(ack).contains("MSA|AA|" + id).contains("ZCS|FLAGGED");
        }
        JmsConnectionFactory amqp = new JmsConnectionFactory("amqp://127.0.0.1:" + brokerPort);
        try (JMSContext la901 = amqp.createContext("la901-system", "la901-demo-password");
             JMSConsumer notifications = la901.createConsumer(la901.createQueue("cpis.notify.LA901"))) {
            JsonNode found = null;
            for (TextMessage m; found == null && (m = (TextMessage) notifications.receive(10_000)) != null; ) {
                JsonNode n = new ObjectMapper().readTree(m.getText());
                if (id.equals(n.at("/source/messageControlId").asText())) {
                    found = n;
                }
            }
            assertThat(found).as("the notification of the attendance").isNotNull();
            assertThat(found.at("/child/nhsNumber").asText()).isEqualTo("9990000018");
        }
    }

    @Test
    void theToolAnswersVersionHelpAndChecksItsOwnConfiguration() throws Exception {
        Process version = command(Map.of(), "--version").redirectErrorStream(true).start();
        assertThat(version.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(version.exitValue()).as(text).isZero();
        assertThat(text).startsWith("cpis-gateway ").doesNotContain("development build");

        Process check = command(Map.of(), "check-config").redirectErrorStream(true).start();
        assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String report = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.exitValue()).as(report).isZero();
        assertThat(report).contains("configuration OK");

        Process wrong = command(Map.of("CPIS_MLLP_PORT", "lots"), "check-config").redirectErrorStream(true).start();
        assertThat(wrong.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String problems = new String(wrong.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(wrong.exitValue()).as(problems).isEqualTo(1);
        assertThat(problems).contains("cpis.mllp.port = 'lots' is not a whole number");

        // a path relative to where it is called from (the folder above the release): still found
        Process feed = command(Map.of(), "check-feed", home.getFileName() + "/samples").redirectErrorStream(true)
                .start();
        String verdicts = new String(feed.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(feed.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(feed.exitValue()).as(verdicts).isZero();
        assertThat(verdicts).contains("adt-a04-flagged.hl7#1").contains("LOOKUP").contains("messages: 1")
                .doesNotContain("logback");

        Process usage = command(Map.of(), "no-such-command").redirectErrorStream(true).start();
        assertThat(usage.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(usage.exitValue()).isEqualTo(2);
    }

    /** Feed assurance from the release, over the shared corpus of real-world messages when it is there. */
    @Test
    void checkFeedRunsOverTheSharedCorpusWhenItIsThere() throws Exception {
        Path corpus = Path.of("../shared/hl7-corpus").toAbsolutePath().normalize();
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(corpus), "no ../shared/hl7-corpus here");
        Process feed = command(Map.of(), "check-feed", corpus.toString()).redirectErrorStream(true).start();
        String report = new String(feed.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(feed.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(feed.exitValue()).as(report).isZero();
        assertThat(report).containsPattern("messages: \\d+").contains("outcomes:").contains("care settings:");
    }
}

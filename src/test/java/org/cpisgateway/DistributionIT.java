package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
    static Release.Running running;
    static Process gateway;
    static int mllpPort;
    static int brokerPort;

    @BeforeAll
    static void unpackAndStart() throws Exception {
        home = Release.home();
        assertThat(home.resolve("bin/cpis-gateway")).isExecutable();
        assertThat(home.resolve("lib")).isDirectory();
        for (String part : List.of("conf/application.properties", "routes/adt-inbound.camel.yaml",
                "mappings/authorities.csv", "etc/cpis-gateway.service", "LICENSE", "NOTICE", "bin/cpis-gateway.cmd",
                "schema/cpis-notification.schema.json", "conf/operations/users.properties")) {
            assertThat(home.resolve(part)).as(part).exists();
        }
        assertThat(Files.readString(home.resolve("bin/cpis-gateway")))
                .as("the launcher's default JVM options, which tests and the benchmark run the gateway with")
                .contains("${CPIS_JAVA_OPTS:-" + String.join(" ", GatewayProcess.LAUNCHER_JVM_OPTIONS) + "}");
        assertThat(Files.readString(home.resolve("bin/cpis-gateway.cmd")))
                .as("the Windows launcher's default JVM options, the same but for the Linux-only trim")
                .contains("set \"CPIS_JAVA_OPTS=" + String.join(" ", GatewayProcess.WINDOWS_LAUNCHER_JVM_OPTIONS) + "\"");
        running = Release.start("gateway", Map.of());
        gateway = running.process();
        mllpPort = running.mllpPort();
        brokerPort = running.brokerPort();
    }

    static ProcessBuilder command(Map<String, String> env, String... args) throws Exception {
        return Release.command(env, args);
    }

    static String output() throws IOException {
        return running.log();
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null && gateway.isAlive()) {
            gateway.destroy(); // SIGTERM, as systemd stops it
            assertThat(gateway.waitFor(60, TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();
            assertThat(gateway.exitValue()).as("exit status after SIGTERM; output: %s", output()).isZero();
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
    void sendTakesMessagesFromStandardInputAndSaysByItsExitCodeWhetherAllWereAccepted() throws Exception {
        String first = Hl7Messages.newControlId();
        String second = Hl7Messages.newControlId();
        Process send = command(Map.of(), "send", "--port", String.valueOf(mllpPort)).redirectErrorStream(true)
                .start();
        try (var in = send.getOutputStream()) { // two messages, LF line ends, as a text editor saves them
            in.write((Hl7Messages.a04(first, "9990000069") + "\n" + Hl7Messages.a04(second, "9990000018"))
                    .replace('\r', '\n').getBytes(StandardCharsets.ISO_8859_1));
        }
        assertThat(send.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String acks = new String(send.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(send.exitValue()).as(acks).isZero();
        assertThat(acks).contains("MSA|AA|" + first).contains("ZCS|NOT_FLAGGED")
                .contains("MSA|AA|" + second).contains("ZCS|FLAGGED");

        Process rejected = command(Map.of(), "send", "-", "--port", String.valueOf(mllpPort)).start();
        try (var in = rejected.getOutputStream()) {
            in.write("MSH|^~\\&|PAS|R9Z01|CPIS|CPIS|20260101||ORU^R01|X1|P|2.4\rPID|1\r".getBytes(StandardCharsets.ISO_8859_1));
        }
        assertThat(rejected.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(rejected.exitValue()).as("an AR answer").isEqualTo(1);
    }

    @Test
    void anAuthorityIsAddedAndRetiredWithTheReleasesCommandFromAnyFolder() throws Exception {
        // called from the folder above the release, with a password file given relative to it
        Files.writeString(home.getParent().resolve("la950.secret"), "a-long-enough-password\n");
        Process add = command(Map.of(), "authority", "add", "LA950", "--name", "Release Test Council",
                "--password-file", "la950.secret").redirectErrorStream(true).start();
        String printed = new String(add.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(add.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(add.exitValue()).as(printed).isZero();
        assertThat(printed).contains("user           la950-system").contains("cpis.notify.LA950")
                .contains(home.resolve("schema/cpis-notification.schema.json").toString());
        assertThat(Files.readString(home.resolve("mappings/authorities.csv"))).contains("LA950,Release Test Council");
        try (JMSContext la950 = new JmsConnectionFactory("amqp://127.0.0.1:" + brokerPort)
                .createContext("la950-system", "a-long-enough-password")) {
            assertThat(la950).isNotNull(); // the running gateway's broker took the new user
        }
        Process retire = command(Map.of(), "authority", "retire", "LA950").redirectErrorStream(true).start();
        assertThat(retire.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(retire.exitValue()).isZero();
        assertThat(Files.readString(home.resolve("mappings/authorities.csv"))).doesNotContain("LA950");
    }

    @Test
    void theOperationsEndpointAsksForAUserAndARoleAndShowsTheVersion() throws Exception {
        int http = running.httpPort();
        assertThat(Http.call(http, "GET", "/api/ops/summary", null).statusCode()).isEqualTo(401);
        assertThat(Http.call(http, "GET", "/ops", null).statusCode()).isEqualTo(401);
        assertThat(Http.call(http, "GET", "/api/ops/summary", new String[] {"ops-admin", "not-the-password"})
                .statusCode()).isEqualTo(401);
        assertThat(Http.call(http, "POST", "/api/messages/1/replay", Http.OPERATOR).statusCode()).isEqualTo(403);
        assertThat(Http.call(http, "GET", "/api/messages/1", Http.OPERATOR).statusCode()).isEqualTo(403);
        var summary = Http.call(http, "GET", "/api/ops/summary", Http.OPERATOR);
        assertThat(summary.statusCode()).isEqualTo(200);
        String version = new ObjectMapper().readTree(summary.body()).path("version").asText();
        assertThat(version).isNotEmpty().doesNotContain("development");
        assertThat(output()).contains("cpis-gateway " + version + " starting");
        assertThat(Http.get(http, "/observe/health/ready").statusCode()).isEqualTo(200);
        assertThat(Http.get(http, "/observe/metrics").statusCode()).isEqualTo(200);
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

        // the hazard log ships, and is reported from the release with this build's test results
        Path safetyReport = home.getParent().resolve("safety-report.html");
        Process safety = command(Map.of(), "safety-report", "--reports",
                Path.of("target/surefire-reports").toAbsolutePath().toString(), "--out", safetyReport.toString())
                .redirectErrorStream(true).start();
        String written = new String(safety.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(safety.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(safety.exitValue()).as(written).isZero();
        assertThat(home.resolve("safety/hazard-log.yaml")).exists();
        assertThat(Files.readString(safetyReport)).contains("HAZ-001").contains(home.toRealPath().resolve("safety").toString());

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

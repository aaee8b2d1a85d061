package org.cpisgateway;

import org.cpisgateway.cli.Cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.util.Terser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSSecurityRuntimeException;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Onboarding an authority in one command while the gateway runs and a PAS stays connected: {@code authority add}
 * prints what the council needs, and the council's system then logs in, uploads its plan, and receives the
 * notification of the next attendance on its new queue; {@code rotate} retires the old password, {@code retire}
 * the user. All through the files the running gateway watches, with no restart.
 */
class AuthorityOnboardingTest {

    static final String CHILD = "9990002002"; // no demo plan
    static final ObjectMapper JSON = new ObjectMapper();

    static Path conf;
    static Path properties;
    static RunningGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        conf = TestFolders.temporary("cpis-onboarding");
        Path mappings = Files.createDirectories(conf.resolve("mappings"));
        for (String table : List.of("authorities.csv", "care-settings.csv", "nhs-number-locations.csv")) {
            Files.copy(Path.of("mappings", table), mappings.resolve(table));
        }
        Files.copy(Path.of("conf/broker/users.properties"), conf.resolve("users.properties"));
        Files.copy(Path.of("conf/broker/roles.properties"), conf.resolve("roles.properties"));
        String[] overrides = {"cpis.mappings.dir", mappings.toString(),
                "cpis.broker.security.users-file", conf.resolve("users.properties").toString(),
                "cpis.broker.security.roles-file", conf.resolve("roles.properties").toString()};
        gateway = RunningGateway.start(overrides);
        // the settings file the command reads: the gateway's, pointing at the same files
        StringBuilder text = new StringBuilder(Files.readString(Path.of("conf/application.properties")));
        for (int i = 0; i < overrides.length; i += 2) {
            text.append('\n').append(overrides[i]).append(" = ").append(overrides[i + 1]);
        }
        text.append("\ncpis.broker.acceptor = tcp://127.0.0.1:").append(gateway.brokerPort)
                .append("?protocols=CORE,AMQP\n");
        properties = conf.resolve("application.properties");
        Files.writeString(properties, text);
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    /** Runs {@code bin/cpis-gateway <args>} in this JVM; returns its exit code and what it printed. */
    static Object[] cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream was = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int status = new CommandLine(new Cli()).execute(args);
            return new Object[] {status, out.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(was);
        }
    }

    JMSContext login(String user, String password) {
        return new ActiveMQConnectionFactory("tcp://127.0.0.1:" + gateway.brokerPort).createContext(user, password);
    }

    @Test
    void anAuthorityAddedWhileThePasIsConnectedReceivesItsNotificationsThenRotatesAndRetires() throws Exception {
        try (Pas pas = Pas.connect(gateway.mllpPort)) {
            pas.send(Hl7Messages.a04(Hl7Messages.newControlId(), CHILD)); // the PAS is connected and served

            Object[] added = cli("authority", "add", "LA903", "--name", "Eastvale Borough Council (test)",
                    "--office-hours-phone", "01632 960201", "--conf", properties.toString());
            assertThat(added[0]).as("exit code; printed: %s", added[1]).isEqualTo(0);
            String printed = (String) added[1];
            assertThat(printed).contains("user           la903-system").contains("cpis.notify.LA903")
                    .contains("cpis.upload.LA903").contains("amqp://127.0.0.1:" + gateway.brokerPort)
                    .contains("cpis-notification.schema.json");
            String password = printed.lines().filter(l -> l.strip().startsWith("password")).findFirst().orElseThrow()
                    .strip().split("\\s+")[1];
            assertThat(Files.readString(conf.resolve("users.properties"))).contains("la903-system = ENC(")
                    .doesNotContain(password);
            assertThat(Files.readString(conf.resolve("mappings/authorities.csv")))
                    .contains("LA903,Eastvale Borough Council (test),01632 960201,");

            // the council's system logs in (once the gateway has taken the new row) and uploads its plan
            JsonNode report = Waiting.upTo(Duration.ofSeconds(120))
                    .ignoreExceptionsMatching(notYet -> notYet instanceof JMSSecurityRuntimeException
                            || notYet instanceof AssertionError)
                    .until(() -> {
                        try (JMSContext la903 = login("la903-system", password)) {
                            return Uploads.byQueue(la903, "LA903", "nhs_number,plan_type,start_date\n"
                                    + CHILD + ",CPP," + TestDates.iso("today-1m") + "\n");
                        }
                    }, java.util.Objects::nonNull);
            assertThat(report).as("upload report from the new authority's queue").isNotNull();
            assertThat(report.path("accepted").asInt()).as("report %s", report).isEqualTo(1);

            // the same PAS connection, never dropped: the next attendance is flagged and LA903 is told
            Message ack = pas.send(Hl7Messages.a04(Hl7Messages.newControlId(), CHILD));
            assertThat(new Terser(ack).get("/ZCS-1")).isEqualTo("FLAGGED");
            try (JMSContext la903 = login("la903-system", password)) {
                TextMessage notification = (TextMessage) la903.createConsumer(la903.createQueue("cpis.notify.LA903"))
                        .receive(20_000);
                assertThat(notification).isNotNull();
                assertThat(JSON.readTree(notification.getText()).path("child").path("nhsNumber").asText())
                        .isEqualTo(CHILD);
            }

            Object[] rotated = cli("authority", "rotate", "LA903", "--conf", properties.toString());
            assertThat(rotated[0]).isEqualTo(0);
            String newPassword = ((String) rotated[1]).lines().filter(l -> l.strip().startsWith("password"))
                    .findFirst().orElseThrow().strip().split("\\s+")[1];
            awaitLogin("la903-system", password, false);
            awaitLogin("la903-system", newPassword, true);

            assertThat(cli("authority", "retire", "LA903", "--conf", properties.toString())[0]).isEqualTo(0);
            awaitLogin("la903-system", newPassword, false);
            assertThat(Files.readAllLines(conf.resolve("mappings/authorities.csv"))).noneMatch(l -> l.startsWith("LA903"));
            assertThat(Files.readAllLines(conf.resolve("roles.properties"))).noneMatch(l -> l.startsWith("LA903"));
            assertThat(Files.readAllLines(conf.resolve("users.properties"))).noneMatch(l -> l.startsWith("la903"));
            // its upload routes stop at once: a retired authority's folder and queue are no longer read
            Waiting.upTo(Duration.ofSeconds(10)).until(() ->
                    gateway.context().getRoute("upload-folder-LA903") == null
                            && gateway.context().getRoute("upload-queue-LA903") == null);
            assertThat(gateway.context().getRoute("upload-folder-LA901")).isNotNull();
            assertThat(pas.send(Hl7Messages.a04(Hl7Messages.newControlId(), CHILD))).isNotNull();
        }
    }

    @Test
    void aDuplicateOrABadCodeIsRefusedAndNothingIsWritten() throws Exception {
        String before = Files.readString(conf.resolve("mappings/authorities.csv"));
        String users = Files.readString(conf.resolve("users.properties"));
        assertThat(cli("authority", "add", "LA901", "--name", "again", "--conf", properties.toString())[0])
                .isEqualTo(1);
        assertThat(cli("authority", "add", "LA 9/04", "--name", "bad code", "--conf", properties.toString())[0])
                .isEqualTo(1);
        assertThat(cli("authority", "rotate", "LA999", "--conf", properties.toString())[0]).isEqualTo(1);
        assertThat(Files.readString(conf.resolve("mappings/authorities.csv"))).isEqualTo(before);
        assertThat(Files.readString(conf.resolve("users.properties"))).isEqualTo(users);
    }

    /**
     * Waits (up to 30 s) until a login with this password succeeds, or fails, as expected. The broker remembers a
     * login that succeeded for its security invalidation interval (10 s, Artemis's default), so an old password can
     * still log in for that long after a rotation: the wait leaves room above it.
     */
    void awaitLogin(String user, String password, boolean accepted) {
        Waiting.upTo(Duration.ofSeconds(30)).alias("login of " + user + " accepted: " + accepted)
                .until(() -> loginAccepted(user, password) == accepted);
    }

    boolean loginAccepted(String user, String password) {
        try (JMSContext c = login(user, password)) {
            c.createProducer(); // the login happened at createContext
            return true;
        } catch (JMSSecurityRuntimeException refused) {
            return false;
        }
    }

    @Test
    void thePasswordIsNeverShorterThanTwelveCharacters() {
        assertThatThrownBy(() -> new org.cpisgateway.cli.AuthorityAccounts(
                conf.resolve("mappings/authorities.csv"), conf.resolve("users.properties"),
                conf.resolve("roles.properties")).add("LA904", "Short", "", "", "short"))
                .hasMessageContaining("12 characters");
    }
}

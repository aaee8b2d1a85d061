package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Notifications to a council's SFTP server and its duty team's mailbox, through an embedded SFTP server (Apache MINA
 * SSHD) and an embedded SMTP server (GreenMail), with the PAS side over MLLP. The SFTP host's key is checked against
 * the known hosts file; an e-mail carries no patient details; a relay that is down holds the e-mail until it is back.
 */
class RemoteDeliveryChannelsTest {

    // passwords with characters an endpoint URI would take as syntax: they must reach the server as they are
    static final String SFTP_PASSWORD = "test-only-sftp)pass}word&0001%+#?=RAW(x)";
    static final String SMTP_PASSWORD = "test-only)smtp&password+%";
    static final ObjectMapper JSON = new ObjectMapper();
    static final String CPP_CHILD = "9990000018";   // demo plan of LA901
    static final String LAC_CHILD = "9990000026";   // demo plan of LA902

    static SshServer sftp;
    static Path sftpRoot;
    static GreenMail mail;
    static ServerSetup smtp;
    static RunningGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        Path dir = TestFolders.temporary("cpis-remote-delivery");
        sftpRoot = Files.createDirectories(dir.resolve("sftp-root"));
        Files.createDirectories(sftpRoot.resolve("incoming"));
        sftp = SshServer.setUpDefaultServer();
        sftp.setHost("127.0.0.1");
        sftp.setPort(0);
        SimpleGeneratorHostKeyProvider hostKey = new SimpleGeneratorHostKeyProvider(dir.resolve("host-key"));
        hostKey.setAlgorithm(KeyUtils.EC_ALGORITHM);
        sftp.setKeyPairProvider(hostKey);
        sftp.setPasswordAuthenticator((user, password, session) -> "cpis".equals(user)
                && SFTP_PASSWORD.equals(password));
        sftp.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        sftp.setFileSystemFactory(new VirtualFileSystemFactory(sftpRoot));
        sftp.start();
        KeyPair key = hostKey.loadKeys(null).iterator().next();
        Path knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, "[127.0.0.1]:" + sftp.getPort() + " " + PublicKeyEntry.toString(key.getPublic())
                + "\n");

        smtp = new ServerSetup(TestPorts.free(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
        mail = new GreenMail(smtp);
        mail.setUser("relay@trust.example", "relay", SMTP_PASSWORD);
        mail.start();

        Path mappings = Files.createDirectories(dir.resolve("mappings"));
        for (String table : List.of("care-settings.csv", "nhs-number-locations.csv")) {
            Files.copy(Path.of("mappings", table), mappings.resolve(table));
        }
        Files.writeString(mappings.resolve("authorities.csv"), "code,name,office_hours_phone,emergency_duty_phone,"
                + "notification_version,notification_format,delivery\n"
                + "LA901,Northshire County Council (test),01632 960001,01632 960002,,,sftp://cpis@127.0.0.1:"
                + sftp.getPort() + "/incoming mailto:duty.team@northshire.example\n"
                // the same server by another name, whose key is not in the known hosts file
                + "LA902,Westborough City Council (test),01632 960101,01632 960102,,,sftp://cpis@localhost:"
                + sftp.getPort() + "/incoming\n");
        Path secrets = dir.resolve("secrets.properties");
        Files.writeString(secrets, "LA901.sftp-password = " + SFTP_PASSWORD + "\nLA902.sftp-password = "
                + SFTP_PASSWORD + "\n");
        gateway = RunningGateway.start("cpis.mappings.dir", mappings.toString(),
                "cpis.delivery.secrets-file", secrets.toString(),
                "cpis.delivery.sftp.known-hosts-file", knownHosts.toString(),
                "cpis.delivery.mail.smtp-host", "127.0.0.1", "cpis.delivery.mail.smtp-port", String.valueOf(smtp.getPort()),
                "cpis.delivery.mail.from", "cpis-gateway@trust.example",
                "cpis.delivery.mail.user", "relay", "cpis.delivery.mail.password", SMTP_PASSWORD,
                "cpis.notify.retry-interval-ms", "200", "cpis.delivery.longest-retry-seconds", "1",
                "cpis.delivery.status-interval-ms", "500");
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        sftp.stop(true);
        mail.stop();
    }

    @Test
    void theCouncilsSftpServerGetsTheFileAndItsDutyTeamAnEMailWithoutPatientDetails() throws Exception {
        String controlId = attend(CPP_CHILD);
        Path incoming = sftpRoot.resolve("incoming");
        Waiting.until(() -> {
            try (Stream<Path> files = Files.list(incoming)) {
                return files.anyMatch(f -> !f.getFileName().toString().startsWith(".")
                        && read(f).contains(controlId));
            }
        }, "the notification's file on the SFTP server");
        Path file;
        try (Stream<Path> files = Files.list(incoming)) {
            file = files.filter(f -> !f.getFileName().toString().startsWith(".") && read(f).contains(controlId))
                    .findFirst().orElseThrow();
        }
        JsonNode notification = JSON.readTree(file.toFile());
        String id = notification.path("notificationId").asText();
        assertThat(file.getFileName().toString()).isEqualTo(id + ".json");
        try (Stream<Path> files = Files.list(incoming)) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.startsWith("."));
        }

        Waiting.until(() -> Arrays.stream(mail.getReceivedMessages()).anyMatch(m -> subject(m)
                .contains(id)), "the duty team's e-mail");
        MimeMessage email = Arrays.stream(mail.getReceivedMessages()).filter(m -> subject(m).contains(id))
                .findFirst().orElseThrow();
        assertThat(email.getAllRecipients()[0].toString()).isEqualTo("duty.team@northshire.example");
        assertThat(email.getFrom()[0].toString()).isEqualTo("cpis-gateway@trust.example");
        assertThat(email.getHeader("X-CPIS-Notification-Id")).containsExactly(id);
        String body = String.valueOf(email.getContent());
        assertThat(body).contains(id).contains("LA901")
                .doesNotContain(CPP_CHILD).doesNotContain(notification.path("child").path("familyName").asText())
                .doesNotContain(notification.path("child").path("dateOfBirth").asText())
                .doesNotContain(notification.path("child").path("givenNames").asText());
        assertThat(String.join(" ", List.of(email.getSubject()))).doesNotContain(CPP_CHILD);
    }

    @Test
    void anSftpHostWhoseKeyIsNotKnownIsNotWrittenToAndTheReasonIsShown() throws Exception {
        String controlId = attend(LAC_CHILD);
        Waiting.until(() -> gateway.count("select count(*) from notification_delivery "
                + "where authority_code = 'LA902' and state = 'retrying' and channel like 'sftp:%'") >= 1,
                "LA902's notification retrying");
        try (Stream<Path> files = Files.list(sftpRoot.resolve("incoming"))) {
            assertThat(files.filter(f -> read(f).contains(controlId))).isEmpty();
        }
        Waiting.until(() -> la902Row().path("retrying").asLong() >= 1, "the operations view shows it");
        JsonNode la902 = la902Row();
        assertThat(la902.path("channel").asText()).isEqualTo("sftp://…@localhost:" + sftp.getPort() + "/incoming");
        assertThat(la902.path("lastError").asText()).contains("reject HostKey").doesNotContain(SFTP_PASSWORD);
    }

    @Test
    void anEMailWaitsWhileTheRelayIsDownAndGoesWhenItIsBack() throws Exception {
        mail.stop();
        String controlId = attend(CPP_CHILD);
        Waiting.until(() -> gateway.count("select count(*) from notification_delivery "
                + "where authority_code = 'LA901' and state = 'retrying' and channel like 'mailto:%'") >= 1,
                "the e-mail retrying while the relay is down");
        mail = new GreenMail(smtp);
        mail.setUser("relay@trust.example", "relay", SMTP_PASSWORD);
        mail.start();
        Waiting.until(() -> Arrays.stream(mail.getReceivedMessages()).anyMatch(m -> subject(m)
                .contains("CP-IS")), "the e-mail once the relay is back");
        assertThat(controlId).isNotEmpty();
    }

    static JsonNode la902Row() throws Exception {
        for (JsonNode row : JSON.readTree(Http.asOperator(gateway.httpPort, "/api/ops/deliveries")
                .body())) {
            if (row.path("authority").asText().equals("LA902")) {
                return row;
            }
        }
        return JSON.createObjectNode();
    }

    static String attend(String nhsNumber) throws Exception {
        String id = Hl7Messages.newControlId();
        try (Pas pas = Pas.connect(gateway.mllpPort)) {
            assertThat(pas.sendForText(Hl7Messages.a04(id, nhsNumber))).contains("MSA|AA|" + id);
        }
        return id;
    }

    static String read(Path f) {
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (Exception e) {
            return "";
        }
    }

    static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (Exception e) {
            return "";
        }
    }
}

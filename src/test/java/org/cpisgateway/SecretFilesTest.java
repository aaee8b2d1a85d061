package org.cpisgateway;

import org.cpisgateway.cli.ConfiguredProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;

import org.cpisgateway.config.SecretFiles;
import org.junit.jupiter.api.Test;

/**
 * Secrets from files, as Docker and Kubernetes mount them: the gateway and check-config read a setting from
 * {@code <cpis.secrets.dir>/<key>}, ahead of conf/application.properties.
 */
class SecretFilesTest {

    @Test
    void aFileHoldsOneSettingWithoutItsLineEnd() throws Exception {
        Path dir = TestFolders.temporary("cpis-secrets");
        Files.writeString(dir.resolve("cpis.broker.password"), "s3cret-from-a-file\n");
        SecretFiles secrets = new SecretFiles(dir);
        assertThat(secrets.value("cpis.broker.password")).isEqualTo("s3cret-from-a-file");
        assertThat(secrets.value("cpis.store.password")).isNull();
        assertThat(secrets.value("../etc/passwd")).isNull();
    }

    @Test
    void checkConfigReadsTheSecretsFolderAheadOfTheFile() throws Exception {
        Path dir = TestFolders.temporary("cpis-secrets");
        Files.writeString(dir.resolve("cpis.store.password"), "from-the-secrets-folder\n");
        Files.writeString(dir.resolve("cpis.broker.user"), "from-the-folder");
        System.setProperty(SecretFiles.DIR_PROPERTY, dir.toString());
        System.setProperty("cpis.broker.user", "from-a-jvm-property");
        try {
            var lookup = ConfiguredProperties.lookup(Path.of("conf/application.properties"));
            assertThat(lookup.apply("cpis.store.password")).contains("from-the-secrets-folder");
            assertThat(lookup.apply("cpis.store.user")).contains("sa"); // the rest still from the file
            assertThat(lookup.apply("cpis.broker.user")).contains("from-a-jvm-property"); // a JVM property wins
        } finally {
            System.clearProperty(SecretFiles.DIR_PROPERTY);
            System.clearProperty("cpis.broker.user");
        }
    }

    @Test
    void theGatewayOpensItsStoreWithThePasswordFromTheSecretsFolder() throws Exception {
        Path dir = TestFolders.temporary("cpis-secrets");
        Files.writeString(dir.resolve("cpis.store.password"), "store-password-from-a-file\n");
        RunningGateway gateway;
        System.setProperty(SecretFiles.DIR_PROPERTY, dir.toString());
        try {
            gateway = RunningGateway.start();
        } finally {
            System.clearProperty(SecretFiles.DIR_PROPERTY);
        }
        String url = "jdbc:h2:file:" + gateway.dataDir.resolve("store/cpis") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
        try (Pas pas = Pas.connect(gateway.mllpPort)) {
            assertThat(pas.sendForText(Hl7Messages.a04(Hl7Messages.newControlId(), "9990000018")))
                    .contains("ZCS|FLAGGED");
        } finally {
            gateway.close();
        }
        // the store was created with that password: it opens with it, and not without
        try (var c = DriverManager.getConnection(url, "sa", "store-password-from-a-file")) {
            assertThat(c.isValid(2)).isTrue();
        }
        assertThatThrownBy(() -> DriverManager.getConnection(url, "sa", "").close())
                .hasMessageContaining("Wrong user name or password");
    }
}

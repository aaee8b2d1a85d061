package org.cpisgateway.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import org.apache.activemq.artemis.spi.core.security.jaas.PropertiesLoader;
import org.cpisgateway.TestFolders;
import org.junit.jupiter.api.Test;

/**
 * Pins how Artemis 2.44's {@code PropertiesLoginModule} notices an edited users file ({@code reload=true}): only when
 * the file's modification time is later than the moment it last read the file by this machine's clock. An edit
 * whose file time is behind that clock is never seen; {@link BrokerSecurity#reloadLoginFilesIfChanged} works round
 * it by clearing Artemis's file cache when the files change.
 */
class ArtemisLoginReloadTest {

    static Map<String, String> options(Path users) {
        return Map.of("reload", "true", "baseDir", "/", "org.apache.activemq.jaas.properties.user", users.toString());
    }

    static String passwordOf(Path users, String user) {
        return new PropertiesLoader().load("org.apache.activemq.jaas.properties.user", "", options(users))
                .getProps().getProperty(user);
    }

    @Test
    void anEditWhoseFileTimeIsBehindTheClockIsNotSeenUntilTheCacheIsCleared() throws Exception {
        Path dir = TestFolders.temporary("artemis-reload");
        Path users = dir.resolve("users.properties");
        Files.writeString(users, "la903-system = ENC(old)\n");
        assertThat(passwordOf(users, "la903-system")).isEqualTo("ENC(old)");

        Files.writeString(users, "la903-system = ENC(new)\n");
        // the file's time an hour behind this machine's clock, as when it was written by a host whose clock is behind
        Files.setLastModifiedTime(users, FileTime.from(Instant.now().minus(1, ChronoUnit.HOURS)));
        assertThat(passwordOf(users, "la903-system")).as("Artemis still has the old file").isEqualTo("ENC(old)");

        BrokerSecurity security = new BrokerSecurity(List.of(users), List.of(Files.writeString(
                dir.resolve("roles.properties"), "LA903 = la903-system\n")), "cpis-gateway", "secret");
        security.reloadLoginFilesIfChanged(); // first look: remembers the files as they are
        Files.writeString(users, "la903-system = ENC(newer)\n");
        Files.setLastModifiedTime(users, FileTime.from(Instant.now().minus(1, ChronoUnit.HOURS)));
        security.reloadLoginFilesIfChanged(); // the file changed: Artemis reads it at the next login
        assertThat(passwordOf(users, "la903-system")).isEqualTo("ENC(newer)");
    }
}

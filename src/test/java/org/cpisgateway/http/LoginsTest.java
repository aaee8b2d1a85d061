package org.cpisgateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.activemq.artemis.utils.PasswordMaskingUtil;
import org.cpisgateway.TestFolders;
import org.junit.jupiter.api.Test;

/**
 * Logins over real users and roles files: one hash checked per attempt whether the name exists or not, a matched
 * password remembered until the users file changes, and a throttled caller refused before any hash is checked.
 */
class LoginsTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private double checks() {
        return meters.counter("cpis.http.password.checks").count();
    }

    @Test
    void unknownAndKnownNamesCostOneCheckEachAndARememberedPasswordNoneUntilTheFileChanges() throws Exception {
        Path dir = TestFolders.temporary("logins");
        Path users = dir.resolve("users.properties");
        Path roles = dir.resolve("roles.properties");
        Files.writeString(users, "ops-one = " + PasswordMaskingUtil.getHashProcessor().hash("first-password") + "\n");
        Files.writeString(roles, "operator = ops-one\n");
        OperatorDirectory directory = new OperatorDirectory(List.of(users), List.of(roles), Duration.ofMinutes(1),
                Clock.systemUTC());
        Logins logins = new Logins(List.of(directory),
                new LoginThrottle(Clock.systemUTC(), Duration.ofMinutes(5), 100, 100), meters);

        assertThat(logins.check("nobody", "guess", "192.0.2.1")).isInstanceOf(Logins.Refused.class);
        assertThat(checks()).isEqualTo(1);
        assertThat(logins.check("ops-one", "guess", "192.0.2.1")).isInstanceOf(Logins.Refused.class);
        assertThat(checks()).isEqualTo(2);
        assertThat(logins.check("ops-one", "first-password", "192.0.2.1"))
                .isEqualTo(new Logins.Accepted("ops-one", List.of(java.util.Set.of("operator"))));
        assertThat(checks()).isEqualTo(3);
        assertThat(logins.check("ops-one", "first-password", "192.0.2.1")).isInstanceOf(Logins.Accepted.class);
        assertThat(checks()).as("remembered").isEqualTo(3);

        Files.writeString(users, "ops-one = " + PasswordMaskingUtil.getHashProcessor().hash("second-password")
                + "\n# rotated\n");
        assertThat(logins.check("ops-one", "first-password", "192.0.2.1")).isInstanceOf(Logins.Refused.class);
        assertThat(logins.check("ops-one", "second-password", "192.0.2.1")).isInstanceOf(Logins.Accepted.class);
    }

    @Test
    void aThrottledCallerIsRefusedWithoutAHashBeingChecked() throws Exception {
        Path dir = TestFolders.temporary("logins");
        Path users = dir.resolve("users.properties");
        Path roles = dir.resolve("roles.properties");
        Files.writeString(users, "ops-one = " + PasswordMaskingUtil.getHashProcessor().hash("first-password") + "\n");
        Files.writeString(roles, "operator = ops-one\n");
        Logins logins = new Logins(List.of(new OperatorDirectory(List.of(users), List.of(roles))),
                new LoginThrottle(Clock.systemUTC(), Duration.ofMinutes(5), 2, 100), meters);
        logins.check("ops-one", "guess", "192.0.2.9");
        logins.check("ops-one", "guess", "192.0.2.9");
        double before = checks();
        assertThat(logins.check("ops-one", "first-password", "192.0.2.9")).isInstanceOf(Logins.Throttled.class);
        assertThat(checks()).isEqualTo(before);
        assertThat(meters.counter("cpis.http.logins.refused", "reason", "throttled").count()).isEqualTo(1);
        assertThat(logins.check("ops-one", "first-password", "192.0.2.10")).isInstanceOf(Logins.Accepted.class);
    }
}

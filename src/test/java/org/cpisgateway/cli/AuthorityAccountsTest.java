package org.cpisgateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Adding and retiring an authority touches only its own user in the broker's roles file, never another user's. */
class AuthorityAccountsTest {

    @TempDir
    Path dir;

    @Test
    void retiringAnAuthorityKeepsTheOtherUsersOfItsRole() throws Exception {
        Path csv = Files.writeString(dir.resolve("authorities.csv"),
                "code,name,office_hours_phone,emergency_duty_phone\nLA901,Northshire (test),01632 960001,\n");
        Path users = Files.writeString(dir.resolve("users.properties"), "cpis-ops = ENC(x)\n");
        Path roles = Files.writeString(dir.resolve("roles.properties"),
                "# roles\nLA905 = la905-audit\ncpis-operator = cpis-ops\n");
        AuthorityAccounts accounts = new AuthorityAccounts(csv, users, roles);

        accounts.add("LA905", "Eastshire (test)", "01632 960501", "01632 960502", "a-long-enough-password");
        assertThat(Files.readString(roles, StandardCharsets.UTF_8))
                .contains("LA905 = la905-audit, " + AuthorityAccounts.userOf("LA905"))
                .contains("cpis-operator = cpis-ops").contains("# roles");

        accounts.retire("LA905");
        String after = Files.readString(roles, StandardCharsets.UTF_8);
        assertThat(after).contains("LA905 = la905-audit").doesNotContain(AuthorityAccounts.userOf("LA905"))
                .contains("cpis-operator = cpis-ops");
        assertThat(Files.readString(users, StandardCharsets.UTF_8)).contains("cpis-ops = ENC(x)");
    }
}

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

    @Test
    void theUsersAndRolesFilesKeepTheirCommentsBlankLinesAndOrder() throws Exception {
        String csvBefore = "# who gets notified\ncode,name,office_hours_phone,emergency_duty_phone\n\n"
                + "# the first council\nLA901,Northshire (test),01632 960001,\n\n# the last council\n"
                + "LA909,Southmoor (test),,\n";
        Path csv = Files.writeString(dir.resolve("authorities.csv"), csvBefore);
        String usersBefore = "# Broker users: name = ENC(hash), made with bin/cpis-gateway hash-password\n"
                + "\n"
                + "# the gateway itself\n"
                + "cpis-gateway = ENC(1024:aa:bb)\n"
                + "\n"
                + "! the operators\n"
                + "cpis-ops: ENC(1024:cc:dd)\n";
        Path users = Files.writeString(dir.resolve("users.properties"), usersBefore);
        String rolesBefore = "# Broker roles: role = user, user\n\ncpis-gateway = cpis-gateway\n\n"
                + "# operators\ncpis-operator = cpis-ops\n";
        Path roles = Files.writeString(dir.resolve("roles.properties"), rolesBefore);
        AuthorityAccounts accounts = new AuthorityAccounts(csv, users, roles);

        accounts.add("LA905", "Eastshire (test)", "01632 960501", "01632 960502", "a-long-enough-password");
        String added = Files.readString(users, StandardCharsets.UTF_8);
        assertThat(added).startsWith(usersBefore).matches("(?s).*\nla905-system = ENC\\([^)]+\\)\n");
        assertThat(Files.readString(roles, StandardCharsets.UTF_8)).isEqualTo(rolesBefore + "LA905 = la905-system\n");
        assertThat(Files.readString(csv, StandardCharsets.UTF_8))
                .isEqualTo(csvBefore + "LA905,Eastshire (test),01632 960501,01632 960502\n");

        accounts.rotate("LA905", "another-long-enough-password");
        String rotated = Files.readString(users, StandardCharsets.UTF_8);
        assertThat(rotated).startsWith(usersBefore).matches("(?s).*\nla905-system = ENC\\([^)]+\\)\n")
                .isNotEqualTo(added);

        accounts.retire("LA905");
        assertThat(Files.readString(users, StandardCharsets.UTF_8)).isEqualTo(usersBefore);
        assertThat(Files.readString(roles, StandardCharsets.UTF_8)).isEqualTo(rolesBefore);
        assertThat(Files.readString(csv, StandardCharsets.UTF_8)).isEqualTo(csvBefore);
    }

    @Test
    void aKeyInTheMiddleIsChangedWhereItIsAndAFooterCommentStaysLast() throws Exception {
        Path csv = Files.writeString(dir.resolve("authorities.csv"),
                "code,name,office_hours_phone,emergency_duty_phone\nLA905,Eastshire (test),,\n");
        String before = "# header\n\n# LA905's system\nla905-system = ENC(1024:aa:bb)\n\n# the operators\n"
                + "cpis-ops = ENC(1024:cc:dd)\n\n# kept at the end\n";
        Path users = Files.writeString(dir.resolve("users.properties"), before);
        Path roles = Files.writeString(dir.resolve("roles.properties"), "LA905 = la905-system\n");
        new AuthorityAccounts(csv, users, roles).rotate("LA905", "another-long-enough-password");
        String after = Files.readString(users, StandardCharsets.UTF_8);
        assertThat(after).startsWith("# header\n\n# LA905's system\nla905-system = ENC(")
                .doesNotContain("ENC(1024:aa:bb)")
                .endsWith(")\n\n# the operators\ncpis-ops = ENC(1024:cc:dd)\n\n# kept at the end\n");
    }
}

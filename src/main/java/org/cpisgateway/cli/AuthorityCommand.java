package org.cpisgateway.cli;

import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.cpisgateway.config.GatewaySettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bin/cpis-gateway authority add|rotate|retire CODE}: onboarding a local authority in one step. Edits the
 * files the running gateway watches (mappings/authorities.csv, the broker's users and roles files), so it takes the
 * change within seconds, without a restart and without touching a PAS connection, then prints what the council's
 * system needs to connect.
 */
@Command(name = "authority", description = "Add, re-key or retire a local authority: its mappings row, its broker "
        + "user (hashed password) and role; the running gateway opens its queues without a restart.",
        subcommands = {AuthorityCommand.Add.class, AuthorityCommand.Rotate.class, AuthorityCommand.Retire.class})
final class AuthorityCommand {

    /** Where the settings come from, and the accounts they point at. */
    static final class Settings {
        @Option(names = "--conf", defaultValue = "conf/application.properties")
        Path properties;

        GatewaySettings read() {
            return ConfiguredProperties.settings(properties);
        }

        AuthorityAccounts accounts(GatewaySettings s) {
            return new AuthorityAccounts(s.check().mappingsDir().resolve("authorities.csv"),
                    s.broker().embedded() ? s.broker().usersFile() : null, s.broker().rolesFile());
        }
    }

    /** The password: from a file (its first line; - for standard input), else a new random one. */
    static final class PasswordSource {
        @Option(names = "--password-file", description = "take the password from this file's first line (- for "
                + "standard input) instead of making a random one; at least 12 characters")
        String passwordFile;

        boolean generated() {
            return passwordFile == null;
        }

        String password() throws Exception {
            if (passwordFile == null) {
                return AuthorityAccounts.newPassword();
            }
            String text = passwordFile.equals("-")
                    ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(passwordFile), StandardCharsets.UTF_8);
            return text.lines().findFirst().orElse("").strip();
        }
    }

    @Command(name = "add", description = "Add an authority and print what its system needs to connect.")
    static final class Add implements Callable<Integer> {
        @Parameters(index = "0", description = "the authority code used in plans and queue names, e.g. LA903")
        String code;
        @Option(names = "--name", required = true, description = "the name clerks are shown")
        String name;
        @Option(names = "--office-hours-phone", defaultValue = "")
        String officeHoursPhone;
        @Option(names = "--emergency-duty-phone", defaultValue = "")
        String emergencyDutyPhone;
        @Mixin
        PasswordSource password;
        @Mixin
        Settings settings;

        @Override
        public Integer call() throws Exception {
            GatewaySettings s = settings.read();
            String secret = password.password();
            try {
                settings.accounts(s).add(code, name, officeHoursPhone, emergencyDutyPhone, secret);
            } catch (IllegalArgumentException refused) {
                System.err.println("not added: " + refused.getMessage());
                return 1;
            }
            System.out.println("Authority " + code + " (" + name + ") added. A running gateway opens its queues "
                    + "within seconds; no restart.");
            System.out.println();
            printConnection(s, code, password.generated() ? secret : null);
            return 0;
        }
    }

    @Command(name = "rotate", description = "Give an authority's broker user a new password (printed when made "
            + "here). Connections already open stay until they close; every new login needs the new password.")
    static final class Rotate implements Callable<Integer> {
        @Parameters(index = "0")
        String code;
        @Mixin
        PasswordSource password;
        @Mixin
        Settings settings;

        @Override
        public Integer call() throws Exception {
            GatewaySettings s = settings.read();
            if (!s.broker().embedded()) {
                System.err.println("the broker is external (cpis.broker.embedded=false): change the password of "
                        + AuthorityAccounts.userOf(code) + " on that broker");
                return 1;
            }
            String secret = password.password();
            try {
                settings.accounts(s).rotate(code, secret);
            } catch (IllegalArgumentException refused) {
                System.err.println("not changed: " + refused.getMessage());
                return 1;
            }
            System.out.println("New password for " + AuthorityAccounts.userOf(code) + " in force for every new login."
                    + (password.generated() ? "\n  password  " + secret + "   (shown once; only its hash is kept)"
                    : ""));
            return 0;
        }
    }

    @Command(name = "retire", description = "Remove an authority: its user can no longer log in, its row goes. Its "
            + "queue and what is left on it stay for an operator; notifications for children it still holds plans "
            + "for go to the unrouted queue.")
    static final class Retire implements Callable<Integer> {
        @Parameters(index = "0")
        String code;
        @Mixin
        Settings settings;

        @Override
        public Integer call() throws Exception {
            GatewaySettings s = settings.read();
            try {
                settings.accounts(s).retire(code);
            } catch (IllegalArgumentException refused) {
                System.err.println("not retired: " + refused.getMessage());
                return 1;
            }
            System.out.println("Authority " + code + " retired: " + AuthorityAccounts.userOf(code)
                    + " can no longer log in; queue " + s.notifications().queuePrefix() + code
                    + " stays until an operator drains it.");
            return 0;
        }
    }

    static void printConnection(GatewaySettings s, String code, String password) throws Exception {
        String host = "<this host>";
        int port = 61616;
        try {
            URI acceptor = URI.create(s.broker().acceptor());
            port = acceptor.getPort();
            host = "0.0.0.0".equals(acceptor.getHost()) ? InetAddress.getLocalHost().getCanonicalHostName()
                    : acceptor.getHost();
        } catch (Exception unknown) {
            // keep the placeholder
        }
        String notify = s.notifications().queuePrefix() + code;
        String upload = s.upload().queuePrefix() + code;
        Path home = Path.of(System.getProperty("cpis.home", ".")).toAbsolutePath().normalize();
        System.out.println("Give the council's system:");
        if (s.broker().embedded()) {
            System.out.printf("  broker         amqp://%s:%d (AMQP 1.0) or tcp://%s:%d (Artemis core)%n", host, port,
                    host, port);
            System.out.println("  user           " + AuthorityAccounts.userOf(code));
            System.out.println("  password       " + (password != null ? password
                    + "   (shown once; only its hash is kept)" : "the one in --password-file"));
        } else {
            System.out.println("  broker         " + s.broker().url() + " (external: create user "
                    + AuthorityAccounts.userOf(code) + ", role " + code + " and the queues below there; "
                    + "docs/authorities.md)");
        }
        System.out.println("  notifications  consume from queue " + notify);
        System.out.println("  plan uploads   send to queue " + upload + ", reports on " + upload + ".response;");
        System.out.println("                 or files in " + s.upload().dir().resolve(code).resolve("inbox")
                + " (docs/uploads.md)");
        System.out.println("  schema         " + home.resolve("schema/cpis-notification.schema.json")
                + " (docs/notifications.md)");
    }
}

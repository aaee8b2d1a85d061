package org.cpisgateway;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.cpisgateway.config.ConfigurationProblems;
import org.cpisgateway.config.GatewaySettings;
import org.cpisgateway.config.SettingsReader;
import org.cpisgateway.core.FlagRules;
import org.cpisgateway.feed.FeedCheck;
import org.cpisgateway.hl7.AttendanceReader;
import org.cpisgateway.hl7.HapiSetup;
import org.cpisgateway.hl7.InboundFrame;
import org.cpisgateway.tools.HashPassword;
import org.cpisgateway.tools.ReadQueue;
import org.cpisgateway.tools.SendHl7;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bin/cpis-gateway <command>}: the one command-line tool of a release. Exit codes: 0 done, 1 failed (the
 * gateway could not start, a configuration problem), 2 wrong usage.
 */
@Command(name = "cpis-gateway", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "CP-IS flag checks for hospital ADT feeds: HL7 v2 over MLLP in, ACK with the flag out, "
                + "notifications to local authorities.",
        subcommands = {Cli.Run.class, Cli.Send.class, Cli.ReadQueueCommand.class, Cli.HashPasswordCommand.class,
                Cli.CheckConfig.class, Cli.CheckFeed.class, AuthorityCommand.class})
public final class Cli {

    public static void main(String[] args) {
        int status = new CommandLine(new Cli()).execute(args);
        if (status != Run.RUNNING) {
            System.exit(status);
        }
    }

    /** The version from the jar's manifest (the Maven project version). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"cpis-gateway " + version()};
        }
    }

    static String version() {
        String v = Cli.class.getPackage().getImplementationVersion();
        return v == null ? "(development build)" : v;
    }

    @Command(name = "run", description = "Start the gateway with conf/, routes/ and mappings/ of CPIS_HOME.")
    static final class Run implements Callable<Integer> {
        static final int RUNNING = -1;

        @Option(names = "--demo", description = "Add the synthetic demo plans and the demo authority users of "
                + "the README's tour. Without it none of them exist.")
        boolean demo;

        @Override
        public Integer call() throws Exception {
            System.setProperty("cpis.demo.enabled", String.valueOf(demo));
            GatewayMain.main(new String[0]); // runs until stopped, then exits the JVM with the gateway's status
            return RUNNING;
        }
    }

    @Command(name = "send", description = "Send HL7 messages over MLLP exactly as they are (a file may hold "
            + "several; LF or CRLF line ends become CR) and print each ACK. Exit code 0 when every answer is AA or "
            + "CA, 1 otherwise.")
    static final class Send implements Callable<Integer> {
        @Parameters(index = "0", arity = "0..1", description = "the message file; - or none: standard input")
        String file;
        @Option(names = "--host", defaultValue = "localhost")
        String host;
        @Option(names = "--port", defaultValue = "2575")
        int port;
        @Option(names = "--timeout", defaultValue = "30", description = "seconds to wait for each ACK")
        int timeoutSeconds;

        @Override
        public Integer call() throws Exception {
            byte[] input = file == null || file.equals("-") ? System.in.readAllBytes()
                    : java.nio.file.Files.readAllBytes(Path.of(file));
            List<byte[]> messages = FeedCheck.messages(input);
            boolean allAccepted = true;
            try (SendHl7 mllp = new SendHl7(host, port, timeoutSeconds * 1000)) {
                for (byte[] message : messages) {
                    byte[] ack = mllp.send(message);
                    System.out.println(SendHl7.readable(ack));
                    if (messages.size() > 1) {
                        System.out.println();
                    }
                    allAccepted &= List.of("AA", "CA").contains(SendHl7.ackCode(ack));
                }
            } catch (java.io.IOException failed) {
                System.err.println("send: " + failed.getMessage());
                return 1;
            }
            return allAccepted ? 0 : 1;
        }
    }

    @Command(name = "read-queue", description = "Read (and so consume) an authority's notifications, as its "
            + "social care system would.")
    static final class ReadQueueCommand implements Callable<Integer> {
        @Parameters(index = "0", description = "the authority code, e.g. LA901")
        String authority;
        @Option(names = "--url", defaultValue = "tcp://localhost:61616", description = "the broker")
        String url;
        @Option(names = "--user")
        String user;
        @Option(names = "--password", interactive = true, arity = "0..1")
        String password;

        @Override
        public Integer call() throws Exception {
            List<String> args = new ArrayList<>(List.of(authority, url));
            if (user != null) {
                args.add(user);
                args.add(password == null ? "" : password);
            }
            ReadQueue.main(args.toArray(String[]::new));
            return 0;
        }
    }

    @Command(name = "hash-password", description = "Print the hash of a password for conf/broker/users.properties "
            + "(asked for on the console when not given).")
    static final class HashPasswordCommand implements Callable<Integer> {
        @Parameters(index = "0", arity = "0..1")
        String password;

        @Override
        public Integer call() throws Exception {
            HashPassword.main(password == null ? new String[0] : new String[] {password});
            return 0;
        }
    }

    @Command(name = "check-config", description = "Read conf/application.properties and the files it names "
            + "(mapping tables, route files, broker and operations users and roles, demo plans, TLS key store) and "
            + "report every problem, one line each, with file and line where there is one. Changes nothing; exits "
            + "1 on any problem.")
    static final class CheckConfig implements Callable<Integer> {
        @Option(names = "--conf", defaultValue = "conf/application.properties")
        Path properties;

        @Override
        public Integer call() throws Exception {
            if (!java.nio.file.Files.isReadable(properties)) {
                System.err.println(properties + ": cannot be read");
                return 1;
            }
            SettingsReader reader = new SettingsReader(lookup(properties));
            GatewaySettings settings = GatewaySettings.read(reader);
            StartupChecks.runWithoutPorts(settings, reader);
            org.apache.camel.impl.DefaultCamelContext parser = new org.apache.camel.impl.DefaultCamelContext();
            parser.setSourceLocationEnabled(true);
            parser.getPropertiesComponent().setLocation(GatewayMain.locations(properties));
            GatewayMain.readSecretFiles(parser.getPropertiesComponent());
            org.cpisgateway.reload.RouteFileCheck.problems(parser, settings.operations().routesDir())
                    .forEach(reader::problem);
            try {
                reader.throwIfAny();
            } catch (ConfigurationProblems problems) {
                problems.problems().forEach(p -> System.out.println("problem: " + p));
                return 1;
            }
            System.out.println("configuration OK: " + properties.toAbsolutePath().normalize());
            return 0;
        }

        /**
         * Keys as the gateway resolves them: Camel's properties component on the file, with the same JVM-property
         * and environment-variable overrides and {{placeholders}}.
         */
        static java.util.function.Function<String, Optional<String>> lookup(Path properties) {
            org.apache.camel.CamelContext camel = new org.apache.camel.impl.DefaultCamelContext();
            camel.getPropertiesComponent().setLocation(GatewayMain.locations(properties));
            GatewayMain.readSecretFiles(camel.getPropertiesComponent());
            return key -> camel.getPropertiesComponent().resolveProperty(key);
        }
    }

    @Command(name = "check-feed", description = "Feed assurance: run exported HL7 messages (files or folders; a file "
            + "may hold several messages) through the gateway's framing, parsing, mapping and rules, without a store "
            + "or a broker, and print per message what the gateway would do: AR and why, NOT_CHECKED and why, or "
            + "LOOKUP with the NHS number's field and the care setting. No patient data is printed.")
    static final class CheckFeed implements Callable<Integer> {
        @Parameters(arity = "1..*", description = "message files or folders")
        List<Path> inputs;
        @Option(names = "--json", description = "one JSON document: every message and the summary")
        boolean json;
        @Option(names = "--conf", defaultValue = "conf/application.properties")
        Path properties;

        @Override
        public Integer call() throws Exception {
            // the report is the output (JSON may be piped on): the log says only what stops the check
            var root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                    org.slf4j.Logger.ROOT_LOGGER_NAME);
            ch.qos.logback.classic.Level level = root.getLevel();
            root.setLevel(ch.qos.logback.classic.Level.ERROR);
            try {
                return check();
            } finally {
                root.setLevel(level);
            }
        }

        private int check() throws Exception {
            GatewaySettings s = GatewaySettings.read(CheckConfig.lookup(properties));
            Mappings mappings = Mappings.load(s.check().mappingsDir());
            java.util.Map<String, String> visitsSeen = new java.util.HashMap<>();
            FeedCheck feed = new FeedCheck(new InboundFrame(s.mllp().defaultCharset()),
                    new AttendanceReader(mappings.locations(), s.check().zone(), HapiSetup.lenientContext(),
                            s.mllp().maxFieldRepetitions()),
                    new FlagRules(nhs -> List.of(), (nhs, limit) -> List.of(), mappings.settings(),
                            mappings.authorities(), s.check().events(), s.check().zone(),
                            s.check().planVisibleAfterEnd(), org.cpisgateway.core.VisitHistory.NONE), visitsSeen);
            List<FeedCheck.Outcome> outcomes = new ArrayList<>();
            java.time.OffsetDateTime now = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC);
            for (Path input : FeedCheck.files(inputs)) {
                List<byte[]> messages = FeedCheck.messages(java.nio.file.Files.readAllBytes(input));
                for (int i = 0; i < messages.size(); i++) {
                    outcomes.add(feed.check(input.toString(), i + 1, messages.get(i), now));
                    if (outcomes.size() % 1000 == 0) {
                        System.err.println(outcomes.size() + " messages checked...");
                    }
                }
            }
            FeedCheck.Summary summary = FeedCheck.summarise(outcomes);
            if (json) {
                var mapper = new com.fasterxml.jackson.databind.ObjectMapper()
                        .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
                System.out.println(mapper.writeValueAsString(java.util.Map.of("messages", outcomes,
                        "summary", summary)));
                return 0;
            }
            for (FeedCheck.Outcome o : outcomes) {
                System.out.printf("%s#%d  %s  %s  %s  %s%s%n", o.source(), o.index(), o.controlId(), o.event(),
                        o.outcome(), o.reason(), o.answer().equals("AA")
                                ? "  nhs-number:" + (o.nhsNumberField() == null ? "none" : o.nhsNumberField())
                                + (o.nhsNumberStatus() == null ? "" : " " + o.nhsNumberStatus())
                                + "  setting:" + o.setting()
                                + (o.settingMapped() ? " " + o.settingType() : " (unmapped)")
                                : "");
            }
            System.out.println();
            System.out.println("messages: " + summary.messages());
            System.out.println("outcomes:");
            summary.byOutcome().forEach((k, v) -> System.out.printf("  %6d  %s%n", v, k));
            System.out.println("NHS number found in:");
            summary.byNhsNumberField().forEach((k, v) -> System.out.printf("  %6d  %s%n", v, k));
            System.out.println("care settings:");
            summary.bySetting().forEach((k, v) -> System.out.printf("  %6d  %s%n", v, k));
            return 0;
        }
    }
}

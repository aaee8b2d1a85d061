package org.cpisgateway.cli;

import org.cpisgateway.app.BuildInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bin/cpis-gateway <command>}: the one command-line tool of a release, one class per subcommand. Exit codes:
 * 0 done, 1 failed (the gateway could not start, a configuration problem), 2 wrong usage.
 */
@Command(name = "cpis-gateway", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "CP-IS flag checks for hospital ADT feeds: HL7 v2 over MLLP in, ACK with the flag out, "
                + "notifications to local authorities.",
        subcommands = {RunCommand.class, SendCommand.class, ReadQueueCommand.class, HashPasswordCommand.class,
                CheckConfigCommand.class, CheckFeedCommand.class, AuthorityCommand.class,
                SafetyReportCommand.class})
public final class Cli {

    public static void main(String[] args) {
        int status = new CommandLine(new Cli()).execute(args);
        if (status != RunCommand.RUNNING) {
            System.exit(status);
        }
    }

    /** The version from the jar's manifest (the Maven project version). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"cpis-gateway " + BuildInfo.version()};
        }
    }
}

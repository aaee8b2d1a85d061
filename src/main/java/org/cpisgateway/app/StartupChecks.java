package org.cpisgateway.app;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

import org.cpisgateway.config.GatewaySettings;
import org.cpisgateway.config.SettingsReader;
import org.cpisgateway.mapping.AuthorityDirectory;
import org.cpisgateway.hl7.HapiSetup;
import org.cpisgateway.mapping.CareSettingDirectory;
import org.cpisgateway.mapping.PatternRuleTable;
import org.cpisgateway.pasalert.PasAlerts;
import org.cpisgateway.mapping.NhsNumberLocations;

/**
 * Checks what the settings point at before anything starts, adding each problem to the ones the settings reader
 * found (a value that is not a number / true-false / time zone / character set): a missing mapping file or a bad row
 * in one, a missing broker users file, a port already in use. They are reported together, one clear line each,
 * instead of the first stack trace.
 */
public final class StartupChecks {

    private final SettingsReader problems;

    private StartupChecks(SettingsReader problems) {
        this.problems = problems;
    }

    /** Adds every problem found to {@code problems}. */
    static void run(GatewaySettings s, SettingsReader problems) {
        StartupChecks checks = files(s, problems);
        if (s.mllp().tls().enabled()) {
            checks.portFree("MLLP over TLS listener (cpis.mllp.tls.port)", s.mllp().host(), s.mllp().tls().port());
        }
        checks.portFree("MLLP listener (cpis.mllp.port)", s.mllp().host(), s.mllp().port());
        checks.portFree("HTTP operations endpoint (cpis.http.port)", s.operations().httpHost(),
                s.operations().httpPort());
        if (s.broker().embedded()) {
            checks.portFreeOfUrl("embedded broker acceptor (cpis.broker.acceptor)", s.broker().acceptor());
        }
    }

    /** The checks of files only (a running gateway holds the ports): what {@code check-config} reports. */
    public static void runWithoutPorts(GatewaySettings s, SettingsReader problems) {
        files(s, problems);
    }

    private static StartupChecks files(GatewaySettings s, SettingsReader problems) {
        StartupChecks checks = new StartupChecks(problems);
        Path mappings = s.check().mappingsDir();
        checks.loads(mappings.resolve("authorities.csv"), AuthorityDirectory::load);
        checks.loads(mappings.resolve("care-settings.csv"), CareSettingDirectory::load);
        checks.loads(mappings.resolve("nhs-number-locations.csv"), NhsNumberLocations::load);
        checks.loadsIfPresent(mappings.resolve("pattern-rules.csv"), PatternRuleTable::load);
        // the authorities are only asked when an alert is built, never while the table and templates are read
        checks.loadsIfPresent(mappings.resolve(PasAlerts.TABLE), file -> PasAlerts.load(mappings,
                HapiSetup.lenientContext(), null));
        checks.fileExists("broker users file (cpis.broker.security.users-file)", s.broker().usersFile());
        checks.fileExists("broker roles file (cpis.broker.security.roles-file)", s.broker().rolesFile());
        if (s.demo().enabled()) {
            checks.fileExists("demo plans file (cpis.demo.plans-file)", s.demo().plansFile());
        }
        if (s.mllp().tls().enabled() || s.operations().httpTls()) {
            checks.fileExists("TLS key store (cpis.mllp.tls.keystore)", Path.of(s.mllp().tls().keystore()));
        }
        if (s.delivery().webhookTrustStore() != null) {
            checks.fileExists("webhook trust store (cpis.delivery.webhook.trust-store)", s.delivery().webhookTrustStore());
        }
        HttpAccessWiring.operators(s).problems().forEach(problems::problem);
        return checks;
    }

    private void fileExists(String what, Path file) {
        if (!Files.isRegularFile(file)) {
            problems.problem(what + " " + file.toAbsolutePath().normalize() + " is missing");
        }
    }

    /** An optional table (its absence has a meaning): checked only when it is there. */
    private void loadsIfPresent(Path file, Function<Path, ?> loader) {
        if (Files.isRegularFile(file)) {
            loads(file, loader);
        }
    }

    /** Loads a table the way the gateway will; its error names the file and line. */
    private void loads(Path file, Function<Path, ?> loader) {
        if (!Files.isRegularFile(file)) {
            problems.problem("mapping table " + file.toAbsolutePath().normalize() + " is missing");
            return;
        }
        try {
            loader.apply(file);
        } catch (RuntimeException e) {
            problems.problem(e.getMessage());
        }
    }

    /** For a URL like tcp://0.0.0.0:61616?protocols=... */
    private void portFreeOfUrl(String what, String url) {
        try {
            URI uri = URI.create(url);
            if (uri.getPort() > 0) {
                portFree(what, uri.getHost(), uri.getPort());
            }
        } catch (IllegalArgumentException e) {
            problems.problem(what + " = '" + url + "' is not a URL such as tcp://0.0.0.0:61616");
        }
    }

    private void portFree(String what, String host, int port) {
        if (host.isEmpty() || port <= 0) {
            return; // already reported as a bad value
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
            problems.problem(what + ": port " + port + " on " + host + " is already in use (another gateway still "
                    + "running?) or cannot be bound: " + e.getMessage());
        }
    }
}

package org.cpisgateway;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Checks the configuration before anything starts, and reports every problem found, one clear line each, instead of
 * the first stack trace: a property that is not a number / true-false / time zone / character set, a missing
 * mapping file or a bad row in one, a port already in use.
 */
final class StartupChecks {

    /** Thrown with every problem found; {@link GatewayMain} prints the message, without a stack trace. */
    static final class ConfigurationProblems extends RuntimeException {
        ConfigurationProblems(List<String> problems) {
            super("The gateway cannot start, its configuration has " + problems.size() + " problem(s):\n  - "
                    + String.join("\n  - ", problems));
        }
    }

    private final Function<String, String> property;
    private final List<String> problems = new ArrayList<>();

    StartupChecks(Function<String, String> property) {
        this.property = property;
    }

    StartupChecks number(String... keys) {
        for (String key : keys) {
            String value = value(key);
            if (value != null) {
                try {
                    Long.parseLong(value.trim());
                } catch (NumberFormatException e) {
                    problems.add(key + " = '" + value + "' is not a whole number (conf/application.properties)");
                }
            }
        }
        return this;
    }

    StartupChecks trueOrFalse(String... keys) {
        for (String key : keys) {
            String value = value(key);
            if (value != null && !value.trim().matches("(?i)true|false")) {
                problems.add(key + " = '" + value + "' must be true or false (conf/application.properties)");
            }
        }
        return this;
    }

    StartupChecks timeZone(String key) {
        String value = value(key);
        if (value != null) {
            try {
                ZoneId.of(value.trim());
            } catch (RuntimeException e) {
                problems.add(key + " = '" + value + "' is not a time zone such as Europe/London");
            }
        }
        return this;
    }

    StartupChecks charset(String key) {
        String value = value(key);
        if (value != null && !Charset.isSupported(value.trim())) {
            problems.add(key + " = '" + value + "' is not a character set this Java knows (e.g. UTF-8, ISO-8859-1)");
        }
        return this;
    }

    StartupChecks fileExists(String what, Path file) {
        if (!Files.isRegularFile(file)) {
            problems.add(what + " " + file.toAbsolutePath().normalize() + " is missing");
        }
        return this;
    }

    /** Loads a table the way the gateway will; its error names the file and line. */
    StartupChecks loads(Path file, Function<Path, ?> loader) {
        if (Files.isRegularFile(file)) {
            try {
                loader.apply(file);
            } catch (RuntimeException e) {
                problems.add(e.getMessage());
            }
        } else {
            problems.add("mapping table " + file.toAbsolutePath().normalize() + " is missing");
        }
        return this;
    }

    /** The port {@code key} on host {@code hostKey} can be bound (nothing else listens there). */
    StartupChecks portFree(String what, String hostKey, String key) {
        String host = value(hostKey);
        String port = value(key);
        if (host != null && port != null && port.trim().matches("\\d{1,5}")) {
            portFree(what + " (" + key + ")", host.trim(), Integer.parseInt(port.trim()));
        }
        return this;
    }

    /** For a URL like tcp://0.0.0.0:61616?protocols=... */
    StartupChecks portFreeOfUrl(String what, String key) {
        String value = value(key);
        if (value != null) {
            try {
                URI uri = URI.create(value.trim());
                if (uri.getPort() > 0) {
                    portFree(what + " (" + key + ")", uri.getHost(), uri.getPort());
                }
            } catch (IllegalArgumentException e) {
                problems.add(key + " = '" + value + "' is not a URL such as tcp://0.0.0.0:61616");
            }
        }
        return this;
    }

    private void portFree(String what, String host, int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
            problems.add(what + ": port " + port + " on " + host + " is already in use (another gateway still running?)"
                    + " or cannot be bound: " + e.getMessage());
        }
    }

    void add(String problem) {
        problems.add(problem);
    }

    void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new ConfigurationProblems(problems);
        }
    }

    private String value(String key) {
        try {
            return property.apply(key);
        } catch (IllegalStateException missing) {
            problems.add(missing.getMessage());
            return null;
        }
    }
}

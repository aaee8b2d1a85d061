package org.cpisgateway;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/** The audit log of the gateways a test run starts in the test JVM (see logback-test.xml), read as it is written. */
public final class AuditLog {

    public static final Path FILE = Path.of("target/test-logs/audit.log");

    private AuditLog() {
    }

    /** The first line containing every one of {@code parts}, once written (up to {@link Waiting#STEP}). */
    public static String lineWith(String... parts) {
        return Waiting.upToAStep().alias("an audit line with " + String.join(" and ", parts))
                .until(() -> !Files.exists(FILE) ? null : Files.readAllLines(FILE, StandardCharsets.UTF_8).stream()
                        .filter(l -> Arrays.stream(parts).allMatch(l::contains)).findFirst().orElse(null),
                        Objects::nonNull);
    }

    /** The whole log once it contains every one of {@code parts} (not necessarily on one line). */
    public static String textWith(String... parts) {
        return Waiting.upToAStep().alias("the audit log with " + String.join(" and ", parts))
                .until(() -> Files.exists(FILE) ? Files.readString(FILE, StandardCharsets.UTF_8) : "",
                        text -> Arrays.stream(parts).allMatch(text::contains));
    }
}

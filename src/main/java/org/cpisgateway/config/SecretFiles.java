package org.cpisgateway.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Settings kept as files, one per key, the way container runtimes and secret stores hand secrets over (Docker and
 * Kubernetes mount them as files under a folder such as {@code /run/secrets}): the file {@code <dir>/cpis.store.password}
 * holds the value of {@code cpis.store.password}, a trailing line end removed. Any setting can come this way; it is
 * meant for passwords (store, broker, key stores), which then never appear in a file of {@code conf/}, an
 * environment variable or a process listing. The folder is {@code cpis.secrets.dir} (JVM property) or
 * {@code CPIS_SECRETS_DIR} (environment). A value set as a JVM property or an environment variable still wins.
 */
public final class SecretFiles {

    public static final String DIR_PROPERTY = "cpis.secrets.dir";
    public static final String DIR_VARIABLE = "CPIS_SECRETS_DIR";

    private final Path dir;

    public SecretFiles(Path dir) {
        this.dir = dir;
    }

    /** The folder named by cpis.secrets.dir or CPIS_SECRETS_DIR, or null when neither is set. */
    public static SecretFiles configured() {
        String dir = System.getProperty(DIR_PROPERTY, System.getenv(DIR_VARIABLE));
        return dir == null || dir.isBlank() ? null : new SecretFiles(Path.of(dir));
    }

    public Path dir() {
        return dir;
    }

    /** The value of {@code key} from its file, or null when there is no such file. */
    public String value(String key) {
        if (key.isEmpty() || key.contains("/") || key.contains("\\") || key.startsWith(".")) {
            return null; // a key never names a file outside the folder
        }
        Path file = dir.resolve(key);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8).replaceFirst("\\r?\\n$", "");
        } catch (IOException unreadable) {
            throw new IllegalStateException("Cannot read the secret file " + file + ": " + unreadable.getMessage(),
                    unreadable);
        }
    }
}

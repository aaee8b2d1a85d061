package org.cpisgateway.delivery;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Properties;

/**
 * The authorities' delivery secrets ({@code cpis.delivery.secrets-file}, conf/delivery/secrets.properties): the
 * shared secret each webhook request is signed with ({@code <CODE>.webhook-secret}) and the SFTP password
 * ({@code <CODE>.sftp-password}). Kept out of mappings/ so the table can be shared and versioned without them. The
 * file is read again when it changes, so a secret can be added or rotated while the gateway runs.
 */
public class DeliverySecrets {

    private final Path file;
    private volatile Properties values = new Properties();
    private volatile FileTime readAt;

    public DeliverySecrets(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** The authority's webhook secret, or null when the file has none. */
    public String webhookSecret(String authority) {
        return value(authority + ".webhook-secret");
    }

    /** The authority's SFTP password, or null when the file has none. */
    public String sftpPassword(String authority) {
        return value(authority + ".sftp-password");
    }

    private String value(String key) {
        reloadIfChanged();
        String v = values.getProperty(key);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private synchronized void reloadIfChanged() {
        try {
            if (!Files.isRegularFile(file)) {
                values = new Properties();
                readAt = null;
                return;
            }
            FileTime modified = Files.getLastModifiedTime(file);
            if (modified.equals(readAt)) {
                return;
            }
            Properties p = new Properties();
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(in);
            }
            values = p;
            readAt = modified;
        } catch (IOException unreadable) {
            throw new IllegalStateException("Cannot read " + file + ": " + unreadable.getClass().getSimpleName(),
                    unreadable);
        }
    }
}

package org.cpisgateway.ops;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;

/**
 * When the gateway's own TLS certificate (the key store of the MLLP TLS listener and the HTTPS endpoint) stops being
 * valid, for the metric {@code cpis_tls_certificate_expiry_seconds} (seconds since 1970) that an alert rule compares
 * with the time: the certificate a PAS or a browser checks. The earliest end among the store's key entries; the file
 * is read again when it changes (a renewed certificate put in place). NaN when it cannot be read.
 */
public class CertificateExpiry {

    private final Path keystore;
    private final String password;
    private FileTime readAt;
    private double notAfter = Double.NaN;

    public CertificateExpiry(Path keystore, String password) {
        this.keystore = keystore;
        this.password = password;
    }

    public synchronized double notAfterEpochSeconds() {
        try {
            FileTime modified = Files.getLastModifiedTime(keystore);
            if (modified.equals(readAt)) {
                return notAfter;
            }
            KeyStore store = KeyStore.getInstance(keystore.toString().endsWith(".jks") ? "JKS" : "PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                store.load(in, password == null || password.isEmpty() ? null : password.toCharArray());
            }
            double earliest = Double.NaN;
            for (String alias : Collections.list(store.aliases())) {
                if (!store.isKeyEntry(alias)) {
                    continue;
                }
                Certificate cert = store.getCertificate(alias);
                if (cert instanceof X509Certificate x509) {
                    double end = x509.getNotAfter().toInstant().getEpochSecond();
                    earliest = Double.isNaN(earliest) ? end : Math.min(earliest, end);
                }
            }
            notAfter = earliest;
            readAt = modified;
        } catch (Exception unreadable) {
            notAfter = Double.NaN;
            readAt = null;
        }
        return notAfter;
    }
}

package org.cpisgateway.mllp;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.apache.camel.support.jsse.ClientAuthentication;
import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.SSLContextServerParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;

/** Camel's TLS parameters for the MLLP-over-TLS listener, from {@code cpis.mllp.tls.*}. */
public final class MllpTls {

    private MllpTls() {
    }

    public static SSLContextParameters parameters(String keystore, String keystorePassword, String truststore,
                                                  String truststorePassword, String clientAuth) {
        ClientAuthentication auth = ClientAuthentication.valueOf(clientAuth.trim().toUpperCase(Locale.ROOT));
        if (!Files.isReadable(Path.of(keystore))) {
            throw new IllegalStateException("cpis.mllp.tls.keystore " + keystore + " cannot be read");
        }
        KeyStoreParameters keys = new KeyStoreParameters();
        keys.setResource("file:" + keystore);
        keys.setPassword(keystorePassword);
        keys.setType("PKCS12");
        KeyManagersParameters keyManagers = new KeyManagersParameters();
        keyManagers.setKeyStore(keys);
        keyManagers.setKeyPassword(keystorePassword);

        SSLContextParameters tls = new SSLContextParameters();
        tls.setKeyManagers(keyManagers);
        if (auth != ClientAuthentication.NONE) {
            if (!Files.isReadable(Path.of(truststore))) {
                throw new IllegalStateException("cpis.mllp.tls.truststore " + truststore
                        + " cannot be read (needed for cpis.mllp.tls.client-auth=" + auth + ")");
            }
            KeyStoreParameters trusted = new KeyStoreParameters();
            trusted.setResource("file:" + truststore);
            trusted.setPassword(truststorePassword);
            trusted.setType("PKCS12");
            TrustManagersParameters trustManagers = new TrustManagersParameters();
            trustManagers.setKeyStore(trusted);
            tls.setTrustManagers(trustManagers);
        }
        SSLContextServerParameters server = new SSLContextServerParameters();
        server.setClientAuthentication(auth.name());
        tls.setServerParameters(server);
        return tls;
    }
}

package org.cpisgateway;

import org.apache.camel.CamelContext;
import org.apache.camel.component.mllp.FramePreservingMllpComponent;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.cpisgateway.config.MllpSettings;
import org.cpisgateway.reload.ReloadGate;

/** The PAS side: camel-mllp (frame-preserving, no patient data in its logs), TLS parameters, the listeners. */
final class MllpWiring {

    private MllpWiring() {
    }

    static void wire(CamelContext context, MllpSettings s, ReloadGate reloadGate) throws Exception {
        FramePreservingMllpComponent mllp = new FramePreservingMllpComponent();
        mllp.setLogPhi(false);
        mllp.setFrameTimeoutMillis(s.frameTimeoutMs());
        mllp.setMaxFrameBytes(s.maxFrameBytes());
        context.addComponent("mllp", mllp);
        MllpSettings.Tls tls = s.tls();
        context.getRegistry().bind("mllpTls", tls.enabled()
                ? MllpTls.parameters(tls.keystore(), tls.keystorePassword(), tls.truststore(), tls.truststorePassword(),
                        tls.clientAuth())
                : new SSLContextParameters()); // the TLS listener is not started
        // the PAS-facing listeners are Java, not a route file: reloading routes/ must never close a connection
        context.addRoutes(new MllpListeners(reloadGate));
    }
}

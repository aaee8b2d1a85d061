package org.cpisgateway.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.cpisgateway.app.GatewayMain;
import org.cpisgateway.config.GatewaySettings;

/** The gateway's properties as a command reads them: the same file, overrides and secret files as a running gateway. */
public final class ConfiguredProperties {

    private ConfiguredProperties() {
    }

    /** The typed settings from that file. */
    public static GatewaySettings settings(Path properties) {
        return GatewaySettings.read(lookup(properties));
    }

    /**
     * Keys as the gateway resolves them: Camel's properties component on the file, with the same JVM-property
     * and environment-variable overrides and {{placeholders}}.
     */
    public static Function<String, Optional<String>> lookup(Path properties) {
        CamelContext camel = new DefaultCamelContext();
        camel.getPropertiesComponent().setLocation(GatewayMain.locations(properties));
        GatewayMain.readSecretFiles(camel.getPropertiesComponent());
        return key -> camel.getPropertiesComponent().resolveProperty(key);
    }
}

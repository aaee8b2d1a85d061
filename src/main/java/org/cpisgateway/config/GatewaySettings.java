package org.cpisgateway.config;

import java.util.Optional;
import java.util.function.Function;

/**
 * Every setting of the gateway, read once at start from {@code conf/application.properties} (each key overridable by
 * a JVM system property or an environment variable, e.g. {@code CPIS_MLLP_PORT}) into one typed record per area.
 * A bad value is reported with every other one, one line each, before anything starts.
 */
public record GatewaySettings(CheckSettings check, MllpSettings mllp, StoreSettings store, BrokerSettings broker,
                              NotifySettings notifications, UploadSettings upload, OperationsSettings operations,
                              DemoSettings demo, DeliverySettings delivery, HttpSettings http,
                              FeedSettings feeds) {

    /**
     * Reads every area. Bad or missing values are noted in the reader (its {@link SettingsReader#throwIfAny} reports
     * them, with whatever else the caller checks, at once).
     */
    public static GatewaySettings read(SettingsReader r) {
        return new GatewaySettings(CheckSettings.read(r), MllpSettings.read(r), StoreSettings.read(r),
                BrokerSettings.read(r), NotifySettings.read(r), UploadSettings.read(r), OperationsSettings.read(r),
                DemoSettings.read(r), DeliverySettings.read(r), HttpSettings.read(r), FeedSettings.read(r));
    }

    /** Reads every area; throws {@link ConfigurationProblems} naming every bad or missing value. */
    public static GatewaySettings read(Function<String, Optional<String>> lookup) {
        SettingsReader r = new SettingsReader(lookup);
        GatewaySettings settings = read(r);
        r.throwIfAny();
        return settings;
    }
}

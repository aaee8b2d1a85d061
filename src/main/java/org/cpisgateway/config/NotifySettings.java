package org.cpisgateway.config;

/** Notifications to the authorities ({@code cpis.notify.*}) and alerts to PAS systems ({@code cpis.pas-alerts.*}). */
public record NotifySettings(String queuePrefix, String unroutedQueue, int retryIntervalMs, int retryMinAgeSeconds,
                             int pasAlertGiveUpMinutes) {

    static NotifySettings read(SettingsReader r) {
        return new NotifySettings(r.text("cpis.notify.queue-prefix"), r.text("cpis.notify.unrouted-queue"),
                r.integer("cpis.notify.retry-interval-ms"), r.integer("cpis.notify.retry-min-age-seconds"),
                r.integer("cpis.pas-alerts.give-up-after-minutes"));
    }
}

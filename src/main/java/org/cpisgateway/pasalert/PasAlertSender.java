package org.cpisgateway.pasalert;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BooleanSupplier;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.cpisgateway.store.PasAlertTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the stored PAS alerts over MLLP ({@code direct:send-pas-alert} in routes/pas-alerts.camel.yaml), off the ACK
 * path: a PAS that is down or slow delays its alerts, never an attendance's ACK. An alert is sent once the PAS
 * answers AA (or CA); otherwise it is tried again after 5 s, 10 s, 20 s... at most 5 minutes apart, until it is older
 * than the give-up age (by then the clerk has long finished). Alerts are rows in the store, so retries go on after a
 * restart; with several gateways on one store only the one holding the sender lease sends.
 */
public class PasAlertSender {

    private static final Logger LOG = LoggerFactory.getLogger(PasAlertSender.class);
    /** The header naming the PAS endpoint (host:port) for the sending route. */
    public static final String ENDPOINT = "cpisPasEndpoint";

    private final PasAlertTable alerts;
    private final ProducerTemplate producer;
    private final BooleanSupplier leaseHeld;
    private final Duration giveUpAfter;
    private final Clock clock;

    public PasAlertSender(PasAlertTable alerts, ProducerTemplate producer, BooleanSupplier leaseHeld,
                          Duration giveUpAfter, Clock clock) {
        this.alerts = alerts;
        this.producer = producer;
        this.leaseHeld = leaseHeld;
        this.giveUpAfter = giveUpAfter;
        this.clock = clock;
    }

    /** @return how many alerts the PAS systems accepted in this round */
    public synchronized int sendDue() throws SQLException {
        if (!leaseHeld.getAsBoolean()) {
            return 0;
        }
        Set<String> down = new HashSet<>();
        int sent = 0;
        OffsetDateTime now = OffsetDateTime.now(clock.withZone(ZoneOffset.UTC));
        for (PasAlertTable.Due alert : alerts.due(200)) {
            if (alert.createdAt().plus(giveUpAfter).isBefore(now)) {
                LOG.warn("PAS alert {} for facility {} given up after {} attempts: older than {} minutes", alert.id(),
                        alert.facility(), alert.attempts(), giveUpAfter.toMinutes());
                alerts.markGaveUp(alert.id(), "older than " + giveUpAfter.toMinutes() + " minutes");
                continue;
            }
            if (down.contains(alert.endpoint())) {
                continue; // one failure a round per PAS: the rest wait for the next round
            }
            Exchange done = producer.send("direct:send-pas-alert", e -> {
                e.getMessage().setHeader(ENDPOINT, alert.endpoint());
                e.getMessage().setBody(alert.message());
            });
            if (done.getException() == null) {
                alerts.markSent(alert.id());
                sent++;
                continue;
            }
            // the exception names the endpoint or the ACK code, never the message content
            String error = done.getException().getClass().getSimpleName();
            Duration wait = Duration.ofSeconds(Math.min(300, 5L << Math.min(alert.attempts(), 6)));
            LOG.warn("PAS alert {} for facility {} not accepted by {} ({}), tried again in {} s", alert.id(),
                    alert.facility(), alert.endpoint(), error, wait.toSeconds());
            alerts.markFailed(alert.id(), error, now.plus(wait));
            down.add(alert.endpoint());
        }
        return sent;
    }
}

package org.cpisgateway.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention of the message journal: messages (raw bytes, ACK) received more than the retention period ago, and
 * delivered notifications and PAS alerts sent or given up as old, are removed. Access records are the audit trail and are kept. A re-send of a
 * removed message is processed afresh.
 */
public class JournalRetention {

    private static final Logger LOG = LoggerFactory.getLogger(JournalRetention.class);

    private final DataSource dataSource;
    private final MessageLog messages;
    private final OutboxTable outbox;
    private final Clock clock;

    public JournalRetention(DataSource dataSource, MessageLog messages, OutboxTable outbox, Clock clock) {
        this.dataSource = dataSource;
        this.messages = messages;
        this.outbox = outbox;
        this.clock = clock;
    }

    /** @return how many messages were removed ({@code days} 0 or less keeps everything) */
    public int purgeOlderThan(int days) throws SQLException {
        return purgeOlderThan(days, 0);
    }

    /**
     * @param minutes when above 0, the age in minutes instead of {@code days}: a year compressed into a soak run
     *                ({@code cpis.journal.retention-minutes}; never in a real deployment)
     * @return how many messages were removed ({@code days} and {@code minutes} 0 or less keep everything)
     */
    public int purgeOlderThan(int days, int minutes) throws SQLException {
        if (days <= 0 && minutes <= 0) {
            return 0;
        }
        OffsetDateTime now = OffsetDateTime.now(clock.withZone(ZoneOffset.UTC));
        OffsetDateTime cutoff = minutes > 0 ? now.minusMinutes(minutes) : now.minusDays(days);
        try (Connection c = dataSource.getConnection()) {
            int n = messages.deleteReceivedBefore(c, cutoff);
            DeliveryTable.deleteDeliveredBefore(c, cutoff); // a notification's deliveries go before it
            int m = outbox.deleteDeliveredBefore(c, cutoff);
            VisitTable.deleteCheckedBefore(c, cutoff); // a visit is long over when its messages go
            PasAlertTable.deleteFinishedBefore(c, cutoff);
            if (n + m > 0) {
                LOG.info("Retention: removed {} messages and {} delivered notifications older than {}", n, m,
                        minutes > 0 ? minutes + " minutes" : days + " days");
            }
            return n;
        }
    }
}

package org.cpisgateway.app;

import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.spi.Registry;
import org.cpisgateway.config.ConfigurationProblems;
import org.cpisgateway.config.GatewaySettings;
import org.cpisgateway.config.StoreSettings;
import org.cpisgateway.store.AccessLog;
import org.cpisgateway.store.AttendanceJournal;
import org.cpisgateway.store.Database;
import org.cpisgateway.store.H2Leftovers;
import org.cpisgateway.store.JournalRetention;
import org.cpisgateway.store.MessageLog;
import org.cpisgateway.store.DeliveryTable;
import org.cpisgateway.store.OutboxTable;
import org.cpisgateway.store.PasAlertTable;
import org.cpisgateway.store.PlanFile;
import org.cpisgateway.store.PlanHolders;
import org.cpisgateway.store.PlanRetention;
import org.cpisgateway.store.PlanTable;
import org.cpisgateway.store.VisitTable;
import org.cpisgateway.store.WalPlacement;
import org.cpisgateway.store.WriteAheadLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The store: the pool (migrated by Flyway), one object per table, the journal writer, retention, demo plans. */
record StoreWiring(HikariDataSource dataSource, PlanTable plans, AccessLog accesses, MessageLog messages,
                   OutboxTable outbox, AttendanceJournal journal, JournalRetention retention,
                   PlanRetention planRetention, VisitTable visits, PasAlertTable pasAlerts, DeliveryTable deliveries) {

    private static final Logger LOG = LoggerFactory.getLogger(StoreWiring.class);

    /**
     * Binds the store's beans the routes call by name: the pool, the plan table, and the two retentions
     * (routes/retention.camel.yaml).
     */
    void bind(Registry registry) {
        registry.bind("dataSource", dataSource);
        registry.bind("planTable", plans);
        registry.bind("journalRetention", retention);
        registry.bind("planRetention", planRetention);
    }

    static StoreWiring wire(GatewaySettings settings, Clock clock, List<AutoCloseable> started)
            throws SQLException, java.io.IOException {
        StoreSettings s = settings.store();
        if (s.inUseMarker() != null) { // before the store is opened at all
            Optional<String> moved = WalPlacement.problem(s.inUseMarker(), s.walDirectory(),
                    s.walDirectoryBesideFile());
            if (moved.isPresent()) {
                throw new ConfigurationProblems(List.of(moved.get()));
            }
        }
        HikariDataSource dataSource = Database.pool(s.url(), s.user(), s.password(), s.poolSize());
        // the marker goes at a stop only once the log has been read into the store at this start: a start that fails
        // before (a migration, the replay) leaves it, so that the next start clears again and opens the same log
        AtomicBoolean logReadIn = new AtomicBoolean();
        try {
            if (s.inUseMarker() != null) { // closed in reverse: the marker goes once the pool has closed the store
                Runnable removeMarker = H2Leftovers.clearAfterUncleanStop(dataSource, s.inUseMarker());
                WalPlacement.record(s.inUseMarker(), s.walDirectory());
                started.add(() -> {
                    if (logReadIn.get()) {
                        removeMarker.run();
                    }
                });
            }
        } catch (SQLException | java.io.IOException | RuntimeException e) {
            dataSource.close(); // the marker stays: the next start clears again
            throw e;
        }
        started.add(dataSource);
        Database.migrate(dataSource);
        PlanTable plans = new PlanTable(dataSource, clock);
        if (s.walDirectory() != null) { // the embedded store on disk: no other process writes its plans
            plans.answerFromMemory(PlanHolders.load(dataSource));
        }
        MessageLog messages = new MessageLog(dataSource);
        OutboxTable outbox = new OutboxTable(dataSource, clock);
        AttendanceJournal journal = s.walDirectory() == null ? new AttendanceJournal(dataSource, messages, clock)
                : new AttendanceJournal(dataSource, messages, clock, WriteAheadLog.open(s.walDirectory(),
                settings.mllp().maxFrameBytes()),
                s.syncEachCommit());
        logReadIn.set(true);
        started.add(journal::close);
        if (settings.demo().enabled()) {
            int n = PlanFile.load(plans, settings.demo().plansFile(), LocalDate.now(clock));
            LOG.info("Demo data loaded: {} synthetic plans (cpis.demo.enabled=false turns this off)", n);
        }
        return new StoreWiring(dataSource, plans, new AccessLog(dataSource), messages, outbox, journal,
                new JournalRetention(dataSource, messages, outbox, clock),
                new PlanRetention(dataSource, settings.check().planVisibleAfterEnd(), clock),
                new VisitTable(dataSource), new PasAlertTable(dataSource, clock), new DeliveryTable(dataSource, clock));
    }
}

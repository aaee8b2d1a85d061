package org.cpisgateway;

import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ca.uhn.hl7v2.HapiContext;
import com.zaxxer.hikari.HikariDataSource;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.component.mllp.FramePreservingMllpComponent;
import org.apache.camel.support.service.ServiceSupport;
import org.cpisgateway.ack.AckWriter;
import org.cpisgateway.ack.FailureAnswer;
import org.cpisgateway.broker.BrokerSecurity;
import org.cpisgateway.broker.EmbeddedBroker;
import org.cpisgateway.check.FlagCheck;
import org.cpisgateway.hl7.AttendanceReader;
import org.cpisgateway.hl7.HapiSetup;
import org.cpisgateway.hl7.InboundFrame;
import org.cpisgateway.mapping.AuthorityDirectory;
import org.cpisgateway.mapping.CareSettingDirectory;
import org.cpisgateway.mapping.NhsNumberLocations;
import org.cpisgateway.notify.NotificationFactory;
import org.cpisgateway.notify.NotificationOutbox;
import org.cpisgateway.notify.RelayLease;
import org.cpisgateway.store.Database;
import org.cpisgateway.store.FlagStore;
import org.cpisgateway.store.MessageJournal;
import org.cpisgateway.store.PlanFile;
import org.cpisgateway.upload.PlanUpload;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;
import org.apache.camel.support.FileWatcherResourceReloadStrategy;
import org.cpisgateway.ops.AccessAudit;
import org.cpisgateway.ops.GatewayMetrics;
import org.cpisgateway.ops.OperationsView;
import org.cpisgateway.ops.Readiness;
import org.cpisgateway.reload.MappingReloader;
import org.cpisgateway.reload.ReloadGate;
import org.cpisgateway.reload.ReloadLog;
import org.cpisgateway.reload.RouteFileReloader;
import org.cpisgateway.upload.UploadRoutes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * Wires the gateway from {@code conf/application.properties} (each key overridable by a JVM system property or an
 * environment variable, e.g. {@code CPIS_MLLP_PORT}): the store, the mapping tables, the broker, and the beans the
 * routes in {@code routes/} call by name.
 */
public class GatewayConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayConfiguration.class);

    /** The one clock everything asks for the time (in the zone of cpis.timezone once the settings are read). */
    private final java.time.Clock baseClock;

    public GatewayConfiguration() {
        this(java.time.Clock.systemUTC());
    }

    public GatewayConfiguration(java.time.Clock clock) {
        this.baseClock = clock;
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        java.util.List<AutoCloseable> started = new java.util.ArrayList<>();
        try {
            wire(context, started);
        } catch (Exception e) {
            // a half-started gateway must not keep the JVM alive (the broker's threads would)
            for (int i = started.size() - 1; i >= 0; i--) {
                try {
                    started.get(i).close();
                } catch (Exception ignored) {
                    // already failing
                }
            }
            throw e;
        }
    }

    private void wire(CamelContext context, java.util.List<AutoCloseable> started) throws Exception {
        Settings s = new Settings(context);
        check(s);
        ZoneId zone = ZoneId.of(s.get("cpis.timezone"));
        java.time.Clock clock = baseClock.withZone(zone);
        context.getRegistry().bind("clock", clock);
        Path mappings = Path.of(s.get("cpis.mappings.dir"));
        AuthorityDirectory authorities = AuthorityDirectory.load(mappings.resolve("authorities.csv"));
        CareSettingDirectory settings = CareSettingDirectory.load(mappings.resolve("care-settings.csv"));
        NhsNumberLocations locations = NhsNumberLocations.load(mappings.resolve("nhs-number-locations.csv"));
        String queuePrefix = s.get("cpis.notify.queue-prefix");

        HikariDataSource dataSource = Database.open(s.get("cpis.store.url"), s.get("cpis.store.user"),
                s.get("cpis.store.password"), Integer.parseInt(s.get("cpis.store.pool-size")));
        started.add(dataSource);
        FlagStore store = new FlagStore(dataSource, clock);
        if (Boolean.parseBoolean(s.get("cpis.demo.enabled"))) {
            int n = PlanFile.load(store, Path.of(s.get("cpis.demo.plans-file")), java.time.LocalDate.now(clock));
            LOG.info("Demo data loaded: {} synthetic plans (cpis.demo.enabled=false turns this off)", n);
        }

        boolean demo = Boolean.parseBoolean(s.get("cpis.demo.enabled"));
        boolean embeddedBroker = Boolean.parseBoolean(s.get("cpis.broker.embedded"));
        String uploadPrefix = s.get("cpis.upload.queue-prefix");
        String unrouted = s.get("cpis.notify.unrouted-queue");
        String brokerUser = s.get("cpis.broker.user");
        String brokerPassword = s.get("cpis.broker.password");
        if (brokerPassword.isEmpty()) {
            if (!embeddedBroker) {
                throw new IllegalStateException("cpis.broker.password is required for an external broker");
            }
            // the embedded broker's service user gets a password nobody has to store: fresh at every start
            brokerPassword = java.util.UUID.randomUUID().toString();
        }
        List<Path> userFiles = new ArrayList<>(List.of(Path.of(s.get("cpis.broker.security.users-file"))));
        List<Path> roleFiles = new ArrayList<>(List.of(Path.of(s.get("cpis.broker.security.roles-file"))));
        if (demo) {
            userFiles.add(Path.of(s.get("cpis.demo.broker-users-file")));
            roleFiles.add(Path.of(s.get("cpis.demo.broker-roles-file")));
        }
        BrokerSecurity security = new BrokerSecurity(userFiles, roleFiles, brokerUser, brokerPassword);
        EmbeddedBroker broker = null;
        if (embeddedBroker) {
            broker = new EmbeddedBroker(Path.of(s.get("cpis.broker.data-dir")), s.get("cpis.broker.acceptor"),
                    s.get("cpis.broker.in-vm-url"), security);
            broker.start(authorities.all(), queuePrefix, uploadPrefix, unrouted);
            started.add(broker::stop);
        }
        ActiveMQConnectionFactory artemis = new ActiveMQConnectionFactory(s.get("cpis.broker.url"));
        artemis.setUser(brokerUser);
        artemis.setPassword(brokerPassword);
        if (!embeddedBroker) {
            checkAuthorityQueues(s.get("cpis.broker.url"), brokerUser, brokerPassword, authorities, queuePrefix,
                    unrouted);
        }
        CachingConnectionFactory connectionFactory = new CachingConnectionFactory(artemis);
        connectionFactory.setSessionCacheSize(Integer.parseInt(s.get("cpis.broker.session-cache-size")));
        context.addComponent("jms", JmsComponent.jmsComponent(connectionFactory));
        FramePreservingMllpComponent mllp = new FramePreservingMllpComponent();
        mllp.setLogPhi(false);
        mllp.setFrameTimeoutMillis(Long.parseLong(s.get("cpis.mllp.frame-timeout-ms")));
        mllp.setMaxFrameBytes(Integer.parseInt(s.get("cpis.mllp.max-frame-bytes")));
        context.addComponent("mllp", mllp);
        context.getRegistry().bind("mllpTls", Boolean.parseBoolean(s.get("cpis.mllp.tls.enabled"))
                ? MllpTls.parameters(s.get("cpis.mllp.tls.keystore"), s.get("cpis.mllp.tls.keystore-password"),
                        s.get("cpis.mllp.tls.truststore"), s.get("cpis.mllp.tls.truststore-password"),
                        s.get("cpis.mllp.tls.client-auth"))
                : new org.apache.camel.support.jsse.SSLContextParameters()); // route not started

        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        prometheus.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                // Camel's per-route timers get histogram buckets too (route latency histograms)
                return id.getName().startsWith("camel.route") || id.getName().startsWith("camel.exchange")
                        ? DistributionStatisticConfig.builder().percentilesHistogram(true).build().merge(config)
                        : config;
            }
        });
        context.getRegistry().bind("prometheusRegistry", prometheus);
        GatewayMetrics metrics = new GatewayMetrics(prometheus, settings::knowsFacility);
        context.getManagementStrategy().addEventNotifier(metrics);
        if (Boolean.parseBoolean(s.get("cpis.metrics.route-timers"))) {
            MicrometerRoutePolicyFactory routeTimers = new MicrometerRoutePolicyFactory();
            routeTimers.setMeterRegistry(prometheus);
            context.addRoutePolicyFactory(routeTimers);
        }
        ReloadLog reloadLog = new ReloadLog(clock);
        Readiness readiness = new Readiness(context, dataSource, connectionFactory,
                Long.parseLong(s.get("cpis.health.timeout-ms")));

        HapiContext hapi = HapiSetup.lenientContext();
        AckWriter ackWriter = new AckWriter(authorities, s.get("cpis.ack.sending-application"),
                s.get("cpis.ack.default-version"), clock);
        MessageJournal journal = new MessageJournal(dataSource,
                Boolean.parseBoolean(s.get("cpis.store.sync-each-commit")) && s.get("cpis.store.url").startsWith("jdbc:h2:"), clock);
        var registry = context.getRegistry();
        registry.bind("hl7", HapiSetup.dataFormat(hapi));
        registry.bind("inboundFrame", new InboundFrame(Charset.forName(s.get("cpis.mllp.default-charset")), clock));
        registry.bind("attendanceReader", new AttendanceReader(locations, zone));
        registry.bind("flagCheck", new FlagCheck(store, settings, authorities,
                AttendanceReader.events(s.get("cpis.events")), zone, metrics.lookupTimer()));
        registry.bind("notificationFactory", new NotificationFactory(authorities, queuePrefix, unrouted, clock));
        registry.bind("ackWriter", ackWriter);
        registry.bind("messageJournal", journal);
        NotificationOutbox outbox = new NotificationOutbox(dataSource, unrouted, clock);
        RelayLease relayLease = RelayLease.forStore(s.get("cpis.store.url"), s.get("cpis.store.user"),
                s.get("cpis.store.password"));
        if (relayLease instanceof AutoCloseable closeable) {
            started.add(closeable);
        }
        registry.bind("notificationOutbox", outbox);
        registry.bind("notificationRelay", new org.cpisgateway.notify.NotificationRelay(outbox,
                context.createProducerTemplate(), Integer.parseInt(s.get("cpis.notify.retry-min-age-seconds")), metrics, relayLease));
        registry.bind("failureAnswer", new FailureAnswer(ackWriter, journal, clock));
        registry.bind("messageReplay", new org.cpisgateway.store.MessageReplay(journal, context.createProducerTemplate(),
                ackWriter));
        registry.bind("flagStore", store);
        registry.bind("authorityDirectory", authorities);
        registry.bind("planUpload", new PlanUpload(store, security, clock));

        // the operations side: metrics, health, the operations page, the audit log
        registry.bind("readiness", readiness);
        registry.bind("operationsView", new OperationsView(context, dataSource, readiness, clock));
        registry.bind("reloadLog", reloadLog);
        ReloadGate reloadGate = new ReloadGate();
        registry.bind("accessAudit", new AccessAudit());
        metrics.gauge("cpis.notifications.pending", "Notifications in the outbox not yet delivered (-1: store down)",
                (OperationsView) registry.lookupByName("operationsView"), OperationsView::pendingNotifications);
        metrics.gauge("cpis.mllp.connections.open", "PAS connections open", readiness, Readiness::mllpConnections);

        // the PAS-facing listeners are Java, not a route file: reloading routes/ must never close a connection
        context.addRoutes(new MllpListeners(reloadGate));

        // one upload route per authority from the templates in routes/uploads.camel.yaml; live edits of routes/ and
        // mappings/ once everything has started
        UploadRoutes uploadRoutes = new UploadRoutes(authorities);
        boolean reloadEnabled = Boolean.parseBoolean(s.get("cpis.reload.enabled"));
        Path routesDir = Path.of(s.get("cpis.reload.routes-dir"));
        String notifyPrefix = queuePrefix;
        EmbeddedBroker brokerForReload = broker;
        context.addStartupListener(new org.apache.camel.ExtendedStartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext ctx, boolean alreadyStarted) {
                // templates are not all loaded yet
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext ctx, boolean alreadyStarted) throws Exception {
                uploadRoutes.ensureAll(ctx);
                if (!reloadEnabled) {
                    return;
                }
                RouteFileReloader routeReloader = new RouteFileReloader(ctx, routesDir, uploadRoutes, reloadLog,
                        reloadGate);
                routeReloader.rememberStartingVersions();
                MappingReloader mappingReloader = new MappingReloader(mappings, Map.of(
                        "authorities.csv", new MappingReloader.Table<>(AuthorityDirectory::load, loaded -> {
                            authorities.replaceWith(loaded);
                            if (brokerForReload != null) {
                                brokerForReload.applyAuthorities(authorities.all(), notifyPrefix, uploadPrefix, unrouted);
                            }
                            uploadRoutes.ensureAll(ctx);
                        }),
                        "care-settings.csv", new MappingReloader.Table<>(CareSettingDirectory::load, settings::replaceWith),
                        "nhs-number-locations.csv", new MappingReloader.Table<>(NhsNumberLocations::load,
                                locations::replaceWith)), reloadLog);
                watch(ctx, routesDir, (name, resource) -> routeReloader.reload(pathOf(resource)));
                watch(ctx, mappings, (name, resource) -> mappingReloader.reload(pathOf(resource)));
                LOG.info("Live edits on: {} and {} are watched (cpis.reload.enabled)", routesDir, mappings);
            }
        });

        EmbeddedBroker embedded = broker;
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() throws Exception {
                journal.close();
                if (relayLease instanceof AutoCloseable lease) {
                    lease.close(); // another gateway sharing the store takes over sending
                }
                connectionFactory.destroy();
                if (embedded != null) {
                    embedded.stop();
                }
                dataSource.close();
            }
        });
    }

    /** Every configuration problem at once, one line each, before anything starts. */
    private static void check(Settings s) {
        StartupChecks checks = new StartupChecks(s::get)
                .number("cpis.mllp.port", "cpis.mllp.tls.port", "cpis.mllp.max-connections", "cpis.mllp.backlog",
                        "cpis.mllp.max-frame-bytes", "cpis.mllp.frame-timeout-ms", "cpis.mllp.receive-timeout-ms",
                        "cpis.mllp.idle-timeout-ms", "cpis.store.pool-size", "cpis.broker.session-cache-size",
                        "cpis.notify.retry-interval-ms", "cpis.notify.retry-min-age-seconds", "cpis.notify.queue-size",
                        "cpis.journal.retention-days", "cpis.uploads.min-age-ms", "cpis.health.timeout-ms",
                        "camel.server.port")
                .trueOrFalse("cpis.mllp.tls.enabled", "cpis.store.sync-each-commit", "cpis.demo.enabled",
                        "cpis.broker.embedded", "cpis.reload.enabled")
                .timeZone("cpis.timezone")
                .charset("cpis.mllp.default-charset");
        Path mappings = Path.of(s.get("cpis.mappings.dir"));
        checks.loads(mappings.resolve("authorities.csv"), AuthorityDirectory::load)
                .loads(mappings.resolve("care-settings.csv"), CareSettingDirectory::load)
                .loads(mappings.resolve("nhs-number-locations.csv"), NhsNumberLocations::load)
                .fileExists("broker users file (cpis.broker.security.users-file)",
                        Path.of(s.get("cpis.broker.security.users-file")))
                .fileExists("broker roles file (cpis.broker.security.roles-file)",
                        Path.of(s.get("cpis.broker.security.roles-file")));
        if ("true".equalsIgnoreCase(s.get("cpis.demo.enabled").trim())) {
            checks.fileExists("demo plans file (cpis.demo.plans-file)", Path.of(s.get("cpis.demo.plans-file")));
        }
        if ("true".equalsIgnoreCase(s.get("cpis.mllp.tls.enabled").trim())) {
            checks.fileExists("TLS key store (cpis.mllp.tls.keystore)", Path.of(s.get("cpis.mllp.tls.keystore")))
                    .portFree("MLLP over TLS listener", "cpis.mllp.host", "cpis.mllp.tls.port");
        }
        checks.portFree("MLLP listener", "cpis.mllp.host", "cpis.mllp.port")
                .portFree("HTTP operations endpoint", "camel.server.host", "camel.server.port");
        if ("true".equalsIgnoreCase(s.get("cpis.broker.embedded").trim())) {
            checks.portFreeOfUrl("embedded broker acceptor", "cpis.broker.acceptor");
        }
        checks.throwIfAny();
    }

    /**
     * With an external broker: every authority in mappings/authorities.csv must have its notification queue there
     * (and the unrouted queue must exist). A broker that does not answer is not a reason to refuse to start (the flag
     * check does not need it; notifications wait in the outbox), so that is only a warning.
     */
    private static void checkAuthorityQueues(String url, String user, String password, AuthorityDirectory authorities,
                                             String queuePrefix, String unrouted) {
        List<String> problems = new ArrayList<>();
        ActiveMQConnectionFactory probe = new ActiveMQConnectionFactory(url);
        probe.setUser(user);
        probe.setPassword(password);
        probe.setInitialConnectAttempts(1);
        probe.setReconnectAttempts(0);
        probe.setCallTimeout(5000);
        try (jakarta.jms.Connection c = probe.createConnection();
             jakarta.jms.Session session = c.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE)) {
            var core = ((org.apache.activemq.artemis.jms.client.ActiveMQSession) session).getCoreSession();
            List<String> queues = new ArrayList<>();
            queues.add(unrouted);
            authorities.all().forEach(a -> queues.add(queuePrefix + a.code()));
            for (String queue : queues) {
                if (!core.queueQuery(org.apache.activemq.artemis.api.core.SimpleString.of(queue)).isExists()) {
                    problems.add("the broker has no queue " + queue + (queue.equals(unrouted) ? ""
                            : " for authority " + queue.substring(queuePrefix.length()) + " (mappings/authorities.csv)")
                            + ": create it as a durable anycast queue, see README \"Adding an authority\"");
                }
            }
        } catch (jakarta.jms.JMSSecurityException refused) {
            problems.add("the broker at cpis.broker.url refused the gateway's user " + user
                    + " (cpis.broker.user / cpis.broker.password)");
        } catch (Exception unreachable) {
            LOG.warn("The broker at cpis.broker.url did not answer at start-up ({}): starting anyway, notifications "
                    + "wait in the outbox until it does; its queues are not checked", unreachable.getClass().getSimpleName());
        } finally {
            probe.close();
        }
        if (!problems.isEmpty()) {
            throw new StartupChecks.ConfigurationProblems(problems);
        }
    }

    private static void watch(CamelContext context, Path directory, org.apache.camel.spi.ResourceReload onChange)
            throws Exception {
        FileWatcherResourceReloadStrategy watcher = new FileWatcherResourceReloadStrategy(directory.toString());
        watcher.setResourceReload(onChange);
        context.addService(watcher, true, true);
    }

    private static Path pathOf(org.apache.camel.spi.Resource resource) {
        return Path.of(resource.getLocation().replaceFirst("^file:", ""));
    }

    /** Property lookup through Camel's properties component (file, then JVM system property / env overrides). */
    static final class Settings {
        private final CamelContext context;

        Settings(CamelContext context) {
            this.context = context;
        }

        String get(String key) {
            return context.getPropertiesComponent().resolveProperty(key)
                    .orElseThrow(() -> new IllegalStateException("Missing configuration property " + key
                            + " (conf/application.properties)"));
        }
    }
}

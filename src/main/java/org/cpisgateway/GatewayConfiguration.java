package org.cpisgateway;

import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

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
import org.cpisgateway.store.Database;
import org.cpisgateway.store.FlagStore;
import org.cpisgateway.store.MessageJournal;
import org.cpisgateway.store.PlanFile;
import org.cpisgateway.upload.PlanUpload;
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
        ZoneId zone = ZoneId.of(s.get("cpis.timezone"));
        Path mappings = Path.of(s.get("cpis.mappings.dir"));
        AuthorityDirectory authorities = AuthorityDirectory.load(mappings.resolve("authorities.csv"));
        CareSettingDirectory settings = CareSettingDirectory.load(mappings.resolve("care-settings.csv"));
        NhsNumberLocations locations = NhsNumberLocations.load(mappings.resolve("nhs-number-locations.csv"));
        String queuePrefix = s.get("cpis.notify.queue-prefix");

        HikariDataSource dataSource = Database.open(s.get("cpis.store.url"), s.get("cpis.store.user"),
                s.get("cpis.store.password"), Integer.parseInt(s.get("cpis.store.pool-size")));
        started.add(dataSource);
        FlagStore store = new FlagStore(dataSource);
        if (Boolean.parseBoolean(s.get("cpis.demo.enabled"))) {
            int n = PlanFile.load(store, Path.of(s.get("cpis.demo.plans-file")));
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

        HapiContext hapi = HapiSetup.lenientContext();
        AckWriter ackWriter = new AckWriter(hapi, authorities, s.get("cpis.ack.sending-application"),
                s.get("cpis.ack.default-version"), zone);
        MessageJournal journal = new MessageJournal(dataSource,
                Boolean.parseBoolean(s.get("cpis.store.sync-each-commit")) && s.get("cpis.store.url").startsWith("jdbc:h2:"));
        var registry = context.getRegistry();
        registry.bind("hl7", HapiSetup.dataFormat(hapi));
        registry.bind("inboundFrame", new InboundFrame(Charset.forName(s.get("cpis.mllp.default-charset"))));
        registry.bind("attendanceReader", new AttendanceReader(locations, zone));
        registry.bind("flagCheck", new FlagCheck(store, settings, authorities,
                AttendanceReader.events(s.get("cpis.events")), zone));
        registry.bind("notificationFactory", new NotificationFactory(authorities, queuePrefix, unrouted));
        registry.bind("ackWriter", ackWriter);
        registry.bind("messageJournal", journal);
        NotificationOutbox outbox = new NotificationOutbox(dataSource, unrouted);
        registry.bind("notificationOutbox", outbox);
        registry.bind("notificationRelay", new org.cpisgateway.notify.NotificationRelay(outbox,
                context.createProducerTemplate(), Integer.parseInt(s.get("cpis.notify.retry-min-age-seconds"))));
        registry.bind("failureAnswer", new FailureAnswer(ackWriter, journal));
        registry.bind("messageReplay", new org.cpisgateway.store.MessageReplay(journal, context.createProducerTemplate(),
                ackWriter));
        registry.bind("flagStore", store);
        registry.bind("authorityDirectory", authorities);
        registry.bind("planUpload", new PlanUpload(store, security));

        // one upload route per authority, from the templates in routes/uploads.camel.yaml
        context.addStartupListener(new org.apache.camel.ExtendedStartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext ctx, boolean alreadyStarted) {
                // templates are not all loaded yet
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext ctx, boolean alreadyStarted) throws Exception {
                if (((org.apache.camel.model.ModelCamelContext) ctx).getRouteTemplateDefinition("upload-queue") == null) {
                    return; // route tests load only some route files
                }
                for (var authority : authorities.all()) {
                    for (String template : List.of("upload-queue", "upload-folder")) {
                        org.apache.camel.builder.TemplatedRouteBuilder.builder(ctx, template)
                                .routeId(template + "-" + authority.code())
                                .parameter("authority", authority.code())
                                .add();
                    }
                }
                LOG.info("Upload routes started for {} authorities", authorities.all().size());
            }
        });

        EmbeddedBroker embedded = broker;
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() throws Exception {
                journal.close();
                connectionFactory.destroy();
                if (embedded != null) {
                    embedded.stop();
                }
                dataSource.close();
            }
        });
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

package org.cpisgateway;

import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.ZoneId;

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

        EmbeddedBroker broker = null;
        if (Boolean.parseBoolean(s.get("cpis.broker.embedded"))) {
            broker = new EmbeddedBroker(Path.of(s.get("cpis.broker.data-dir")), s.get("cpis.broker.acceptor"),
                    s.get("cpis.broker.in-vm-url"));
            broker.start(authorities.all(), queuePrefix);
            started.add(broker::stop);
        }
        ActiveMQConnectionFactory artemis = new ActiveMQConnectionFactory(s.get("cpis.broker.url"));
        String user = s.get("cpis.broker.user");
        if (!user.isEmpty()) {
            artemis.setUser(user);
            artemis.setPassword(s.get("cpis.broker.password"));
        }
        CachingConnectionFactory connectionFactory = new CachingConnectionFactory(artemis);
        connectionFactory.setSessionCacheSize(Integer.parseInt(s.get("cpis.broker.session-cache-size")));
        context.addComponent("jms", JmsComponent.jmsComponent(connectionFactory));
        FramePreservingMllpComponent mllp = new FramePreservingMllpComponent();
        mllp.setLogPhi(false);
        org.apache.camel.component.mllp.MllpConfiguration mllpDefaults = new org.apache.camel.component.mllp.MllpConfiguration();
        mllpDefaults.setMaxBufferSize(Integer.parseInt(s.get("cpis.mllp.max-frame-bytes")));
        mllp.setConfiguration(mllpDefaults);
        context.addComponent("mllp", mllp);

        HapiContext hapi = HapiSetup.lenientContext();
        AckWriter ackWriter = new AckWriter(hapi, authorities, s.get("cpis.ack.sending-application"),
                s.get("cpis.ack.default-version"), zone);
        MessageJournal journal = new MessageJournal(dataSource);
        var registry = context.getRegistry();
        registry.bind("hl7", HapiSetup.dataFormat(hapi));
        registry.bind("inboundFrame", new InboundFrame(Charset.forName(s.get("cpis.mllp.default-charset"))));
        registry.bind("attendanceReader", new AttendanceReader(locations, zone));
        registry.bind("flagCheck", new FlagCheck(store, settings, authorities,
                AttendanceReader.events(s.get("cpis.events")), zone));
        registry.bind("notificationFactory", new NotificationFactory(authorities, queuePrefix));
        registry.bind("ackWriter", ackWriter);
        registry.bind("messageJournal", journal);
        registry.bind("notificationOutbox", new NotificationOutbox(dataSource));
        registry.bind("failureAnswer", new FailureAnswer(ackWriter, journal));
        registry.bind("flagStore", store);
        registry.bind("authorityDirectory", authorities);

        EmbeddedBroker embedded = broker;
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() throws Exception {
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

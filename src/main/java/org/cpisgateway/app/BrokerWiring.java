package org.cpisgateway.app;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.jms.JMSSecurityException;
import jakarta.jms.Session;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.activemq.artemis.jms.client.ActiveMQSession;
import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.JmsComponent;
import org.cpisgateway.broker.BrokerSecurity;
import org.cpisgateway.broker.EmbeddedBroker;
import org.cpisgateway.config.BrokerSettings;
import org.cpisgateway.config.ConfigurationProblems;
import org.cpisgateway.config.GatewaySettings;
import org.cpisgateway.mapping.AuthorityDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * The broker side: its users and roles, the embedded Artemis (or, with an external broker, a check that every
 * authority has its queue there), and the {@code jms} component the routes send and receive with.
 */
record BrokerWiring(BrokerSecurity security, EmbeddedBroker embedded, CachingConnectionFactory connectionFactory) {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerWiring.class);

    static BrokerWiring wire(CamelContext context, GatewaySettings settings, AuthorityDirectory authorities,
                             List<AutoCloseable> started) throws Exception {
        BrokerSettings s = settings.broker();
        // the embedded broker's service user gets a password nobody has to store: fresh at every start
        String password = s.password().isEmpty() ? UUID.randomUUID().toString() : s.password();
        List<Path> userFiles = new ArrayList<>(List.of(s.usersFile()));
        List<Path> roleFiles = new ArrayList<>(List.of(s.rolesFile()));
        if (settings.demo().enabled()) {
            userFiles.add(settings.demo().brokerUsersFile());
            roleFiles.add(settings.demo().brokerRolesFile());
        }
        BrokerSecurity security = new BrokerSecurity(userFiles, roleFiles, s.user(), password);
        String notifyPrefix = settings.notifications().queuePrefix();
        String unrouted = settings.notifications().unroutedQueue();
        EmbeddedBroker broker = null;
        if (s.embedded()) {
            broker = new EmbeddedBroker(s.dataDir(), s.acceptor(), s.inVmUrl(), security, s.memoryBytes(),
                    s.minDiskFreeMb() * 1024L * 1024);
            broker.start(authorities.all(), notifyPrefix, settings.upload().queuePrefix(), unrouted);
            started.add(broker::stop);
            // users and roles edited while running (authority add/rotate/retire, or by hand) take effect at the next
            // login whatever the file times say (BrokerSecurity.reloadLoginFilesIfChanged)
            var loginFiles = context.getExecutorServiceManager()
                    .newSingleThreadScheduledExecutor(BrokerWiring.class, "broker-login-files");
            security.reloadLoginFilesIfChanged();
            loginFiles.scheduleWithFixedDelay(security::reloadLoginFilesIfChanged, 1, 1,
                    java.util.concurrent.TimeUnit.SECONDS);
            started.add(loginFiles::shutdownNow);
        } else {
            checkAuthorityQueues(s, password, authorities, notifyPrefix, unrouted);
        }
        ActiveMQConnectionFactory artemis = new ActiveMQConnectionFactory(s.url());
        artemis.setUser(s.user());
        artemis.setPassword(password);
        // each send names its queue, and without this the client asks the broker whether that queue exists, a round
        // trip before every notification (most of the relay's time); a queue not found is not cached, so an
        // authority's queue created later is found, and a missing one still goes to the unrouted queue
        artemis.setCacheDestinations(true);
        CachingConnectionFactory connectionFactory = new CachingConnectionFactory(artemis);
        connectionFactory.setSessionCacheSize(s.sessionCacheSize());
        // the upload routes' listeners keep their own consumers; a consumer cached here instead outlives its listener
        // with messages the broker already pushed to it (Artemis's consumer window), which then wait unread
        connectionFactory.setCacheConsumers(false);
        started.add(connectionFactory::destroy);
        context.addComponent("jms", JmsComponent.jmsComponent(connectionFactory));
        return new BrokerWiring(security, broker, connectionFactory);
    }

    /**
     * With an external broker: every authority in mappings/authorities.csv must have its notification queue there
     * (and the unrouted queue must exist). A broker that does not answer is not a reason to refuse to start (the flag
     * check does not need it; notifications wait in the outbox), so that is only a warning.
     */
    /**
     * Whether the broker takes no more messages, as far as the gateway can know: the embedded broker with its disk
     * full; an external broker is its operators' to watch (its sends would wait).
     */
    boolean refusingMessages() {
        return embedded != null && embedded.diskFull();
    }

    private static void checkAuthorityQueues(BrokerSettings s, String password, AuthorityDirectory authorities,
                                             String queuePrefix, String unrouted) {
        List<String> problems = new ArrayList<>();
        ActiveMQConnectionFactory probe = new ActiveMQConnectionFactory(s.url());
        probe.setUser(s.user());
        probe.setPassword(password);
        probe.setInitialConnectAttempts(1);
        probe.setReconnectAttempts(0);
        probe.setCallTimeout(5000);
        try (jakarta.jms.Connection c = probe.createConnection();
             Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            var core = ((ActiveMQSession) session).getCoreSession();
            List<String> queues = new ArrayList<>();
            queues.add(unrouted);
            authorities.all().forEach(a -> queues.add(queuePrefix + a.code()));
            for (String queue : queues) {
                if (!core.queueQuery(SimpleString.of(queue)).isExists()) {
                    problems.add("the broker has no queue " + queue + (queue.equals(unrouted) ? ""
                            : " for authority " + queue.substring(queuePrefix.length()) + " (mappings/authorities.csv)")
                            + ": create it as a durable anycast queue, see docs/authorities.md");
                }
            }
        } catch (JMSSecurityException refused) {
            problems.add("the broker at cpis.broker.url refused the gateway's user " + s.user()
                    + " (cpis.broker.user / cpis.broker.password)");
        } catch (Exception unreachable) {
            LOG.warn("The broker at cpis.broker.url did not answer at start-up ({}): starting anyway, notifications "
                    + "wait in the outbox until it does; its queues are not checked", unreachable.getClass().getSimpleName());
        } finally {
            probe.close();
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationProblems(problems);
        }
    }
}

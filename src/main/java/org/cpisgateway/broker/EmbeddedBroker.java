package org.cpisgateway.broker;

import java.nio.file.Path;
import java.util.Collection;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.cpisgateway.core.Authority;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ActiveMQ Artemis broker started inside the gateway by default: persistent journal on disk, an in-VM acceptor
 * for the gateway itself and a TCP acceptor speaking Artemis core and AMQP 1.0 for authority systems. Security on
 * ({@link BrokerSecurity}); the validated user is stamped on every message. Per authority in the directory, durable
 * anycast queues {@code cpis.notify.<code>}, {@code cpis.upload.<code>} and {@code cpis.upload.<code>.response}. Addresses under {@code cpis.} are never
 * auto-created, so a notification for an authority without a queue stays in the outbox and is reported.
 */
public class EmbeddedBroker {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);

    /** The free space below which the broker takes no more messages, unless told otherwise: 1 GiB. */
    public static final long DEFAULT_MIN_DISK_FREE_BYTES = 1024L * 1024 * 1024;

    private final EmbeddedActiveMQ server = new EmbeddedActiveMQ();

    private final BrokerSecurity security;

    /**
     * @param memoryBytes how many bytes of undelivered messages the broker keeps in memory, all queues together;
     *                    beyond that it pages them to disk (still durable, delivered in order) instead of holding
     *                    them in the gateway's heap, where every young collection would copy them until they were
     *                    old (Artemis's own default is half the heap)
     */
    public EmbeddedBroker(Path dataDir, String acceptorUrl, String inVmUrl, BrokerSecurity security, int memoryBytes)
            throws Exception {
        this(dataDir, acceptorUrl, inVmUrl, security, memoryBytes, DEFAULT_MIN_DISK_FREE_BYTES);
    }

    /**
     * @param minDiskFreeBytes below this much free space on its disk the broker takes no more messages (its journal
     *                         and paging would fill the disk); Artemis's own default is a share of the disk (90%
     *                         used), which on a large, well-used volume stops it with gigabytes free
     */
    public EmbeddedBroker(Path dataDir, String acceptorUrl, String inVmUrl, BrokerSecurity security, int memoryBytes,
                          long minDiskFreeBytes) throws Exception {
        this.security = security;
        Configuration config = new ConfigurationImpl()
                .setName("cpis-embedded")
                .setPersistenceEnabled(true)
                .setSecurityEnabled(true)
                .setPopulateValidatedUser(true)
                .setJMXManagementEnabled(false)
                .setJournalType(JournalType.NIO)
                // each durable write goes to the disk and is synced as it comes, instead of waiting in a buffer for
                // Artemis's flush timer: the gateway's sends come one at a time (the relay is the one sender), so the
                // timer batched nothing and allowed one send per tick; and the timer thread, once it finds sleeping
                // imprecise (a busy CPU, a VM), spins through every wait on the CPU the MLLP threads need
                .setJournalBufferTimeout_NIO(0)
                .setJournalDirectory(dataDir.resolve("journal").toString())
                .setBindingsDirectory(dataDir.resolve("bindings").toString())
                .setPagingDirectory(dataDir.resolve("paging").toString())
                .setLargeMessagesDirectory(dataDir.resolve("large-messages").toString())
                .setNodeManagerLockDirectory(dataDir.toString())
                .setGlobalMaxSize(memoryBytes)
                .setMinDiskFree(minDiskFreeBytes);
        config.addAcceptorConfiguration("in-vm", inVmUrl);
        config.addAcceptorConfiguration("tcp", acceptorUrl);
        config.addAddressSetting("cpis.#", new AddressSettings()
                .setAutoCreateAddresses(false)
                .setAutoCreateQueues(false)
                .setDeadLetterAddress(SimpleString.of("DLQ"))
                .setExpiryAddress(SimpleString.of("DLQ"))
                .setMaxDeliveryAttempts(10));
        // DLQ is its own dead-letter and expiry address: nothing is ever moved out of it automatically
        config.addAddressSetting("DLQ", new AddressSettings().setAutoCreateAddresses(false).setAutoCreateQueues(false)
                .setDeadLetterAddress(SimpleString.of("DLQ")).setExpiryAddress(SimpleString.of("DLQ")));
        server.setConfiguration(config);
        server.setSecurityManager(new ActiveMQJAASSecurityManager("cpis-gateway", security.users()));
    }

    public void start(Collection<Authority> authorities, String notifyPrefix, String uploadPrefix, String unrouted)
            throws Exception {
        server.getConfiguration().setSecurityRoles(security.permissions(authorities, notifyPrefix, uploadPrefix, unrouted));
        server.start();
        try {
            createQueues(authorities, notifyPrefix, uploadPrefix, unrouted);
        } catch (Exception e) {
            server.stop();
            throw e;
        }
    }

    private void createQueues(Collection<Authority> authorities, String notifyPrefix, String uploadPrefix,
                              String unrouted) throws Exception {
        ensureQueue("DLQ");
        ensureQueue(unrouted);
        for (Authority authority : authorities) {
            ensureQueue(notifyPrefix + authority.code());
            ensureQueue(uploadPrefix + authority.code());
            ensureQueue(uploadPrefix + authority.code() + ".response");
        }
        LOG.info("Embedded Artemis started with {} authority queues", authorities.size());
    }

    /** After a live edit of mappings/authorities.csv: permissions for the new set, queues for new authorities. */
    public void applyAuthorities(Collection<Authority> authorities, String notifyPrefix, String uploadPrefix,
                                 String unrouted) throws Exception {
        var repository = server.getActiveMQServer().getSecurityRepository();
        security.permissions(authorities, notifyPrefix, uploadPrefix, unrouted).forEach(repository::addMatch);
        createQueues(authorities, notifyPrefix, uploadPrefix, unrouted);
    }

    void ensureQueue(String name) throws Exception {
        server.getActiveMQServer().createQueue(QueueConfiguration.of(name).setAddress(name)
                .setRoutingType(RoutingType.ANYCAST).setDurable(true).setAutoCreateAddress(true), true);
    }

    /**
     * Whether the broker takes no more messages because its disk has less free space than it was given: a send would
     * wait (Artemis's flow control) until space is freed.
     */
    public boolean diskFull() {
        var running = server.getActiveMQServer();
        return running != null && running.getPagingManager() != null && running.getPagingManager().isDiskFull();
    }

    public void stop() throws Exception {
        server.stop();
    }
}

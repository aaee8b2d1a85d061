package org.cpisgateway;

import java.nio.file.Path;
import java.util.List;

import org.apache.activemq.artemis.core.config.ClusterConnectionConfiguration;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.ha.SharedStoreBackupPolicyConfiguration;
import org.apache.activemq.artemis.core.config.ha.SharedStorePrimaryPolicyConfiguration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.cluster.impl.MessageLoadBalancingType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;

/** An Artemis primary/backup pair on one shared store, as a site runs the broker for failover. */
public final class SharedStoreBroker {

    private SharedStoreBroker() {
    }

    /** One broker of a shared-store pair; each announces itself to the other through a cluster connection. */
    public static EmbeddedActiveMQ create(String name, Path shared, int port, int otherPort, boolean isPrimary)
            throws Exception {
        Configuration config = new ConfigurationImpl()
                .setName(name)
                .setPersistenceEnabled(true)
                .setSecurityEnabled(false)
                .setJMXManagementEnabled(false)
                .setJournalDirectory(shared.resolve("journal").toString())
                .setBindingsDirectory(shared.resolve("bindings").toString())
                .setPagingDirectory(shared.resolve("paging").toString())
                .setLargeMessagesDirectory(shared.resolve("large-messages").toString())
                .setNodeManagerLockDirectory(shared.toString())
                .setClusterUser("cpis-cluster")
                .setClusterPassword("cpis-cluster-test-password")
                .setHAPolicyConfiguration(isPrimary
                        ? new SharedStorePrimaryPolicyConfiguration().setFailoverOnServerShutdown(true)
                        : new SharedStoreBackupPolicyConfiguration().setAllowFailBack(false));
        config.addAcceptorConfiguration("tcp", "tcp://127.0.0.1:" + port);
        config.addConnectorConfiguration("self", "tcp://127.0.0.1:" + port);
        config.addConnectorConfiguration("other", "tcp://127.0.0.1:" + otherPort);
        config.addClusterConfiguration(new ClusterConnectionConfiguration().setName("cpis-ha").setAddress("")
                .setConnectorName("self").setStaticConnectors(List.of("other")).setRetryInterval(200)
                .setMessageLoadBalancingType(MessageLoadBalancingType.OFF));
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ();
        broker.setConfiguration(config);
        return broker;
    }
}

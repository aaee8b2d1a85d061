package org.cpisgateway;

import java.nio.file.Path;
import java.util.List;

import org.cpisgateway.broker.BrokerSecurity;
import org.cpisgateway.broker.EmbeddedBroker;
import org.cpisgateway.mapping.AuthorityDirectory;

/**
 * The gateway's embedded broker on its own, outside any gateway (a broker a gateway uses with
 * {@code cpis.broker.embedded=false}, or one several gateways share): the demo's authority users, and the gateway's
 * user {@code cpis-gateway} with the password {@link #GATEWAY_PASSWORD}.
 */
public final class StandaloneBroker {

    public static final String GATEWAY_PASSWORD = "gateway-test-password";

    private StandaloneBroker() {
    }

    /** Starts a broker journaling in {@code data}, listening (CORE and AMQP) on {@code port} of the loopback. */
    public static EmbeddedBroker start(Path data, int port) throws Exception {
        BrokerSecurity security = new BrokerSecurity(
                List.of(Path.of("conf/broker/users.properties"), Path.of("conf/demo/broker-users.properties")),
                List.of(Path.of("conf/broker/roles.properties"), Path.of("conf/demo/broker-roles.properties")),
                "cpis-gateway", GATEWAY_PASSWORD);
        EmbeddedBroker broker = new EmbeddedBroker(data, "tcp://127.0.0.1:" + port + "?protocols=CORE,AMQP",
                "vm://77", security, 16 * 1024 * 1024);
        broker.start(AuthorityDirectory.load(Path.of("mappings/authorities.csv")).all(), "cpis.notify.",
                "cpis.upload.", "cpis.unrouted");
        return broker;
    }
}

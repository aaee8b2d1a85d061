package org.cpisgateway;

import org.cpisgateway.app.GatewayMain;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.jms.ConnectionFactory;
import javax.sql.DataSource;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/**
 * The gateway started the way README starts it (Camel Main, conf/application.properties, routes/, embedded broker
 * and store, demo data), with its own free ports and a fresh data folder so tests do not collide.
 */
public final class RunningGateway implements AutoCloseable {

    private static final AtomicInteger VM_IDS = new AtomicInteger(100);

    public final int mllpPort;
    public final int brokerPort;
    public final int httpPort;
    public final Path dataDir;
    private final java.time.Clock clock;
    private final Main main;

    private RunningGateway(int mllpPort, int brokerPort, int httpPort, Path dataDir, java.time.Clock clock, Main main) {
        this.mllpPort = mllpPort;
        this.brokerPort = brokerPort;
        this.httpPort = httpPort;
        this.dataDir = dataDir;
        this.clock = clock;
        this.main = main;
    }

    public static RunningGateway start(String... extraProperties) throws Exception {
        return start(TestFolders.temporary("cpis-gateway-test"), extraProperties);
    }

    /** A gateway on the data folder of an earlier one (a restart: the same embedded store and broker journal). */
    public static RunningGateway start(Path dataDir, String... extraProperties) throws Exception {
        return start(java.time.Clock.systemUTC(), dataDir, extraProperties);
    }

    /** A gateway whose one clock is {@code clock} (a benchmark moving time through a month). */
    public static RunningGateway start(java.time.Clock clock, Path dataDir, String... extraProperties)
            throws Exception {
        int mllpPort = TestPorts.free();
        int brokerPort = TestPorts.free();
        int httpPort = TestPorts.free();
        String vm = "vm://" + VM_IDS.incrementAndGet();
        Main main = GatewayMain.create(clock);
        main.addOverrideProperty("cpis.mllp.host", "127.0.0.1");
        main.addOverrideProperty("cpis.mllp.port", String.valueOf(mllpPort));
        main.addOverrideProperty("cpis.broker.acceptor", "tcp://127.0.0.1:" + brokerPort + "?protocols=CORE,AMQP");
        main.addOverrideProperty("cpis.broker.in-vm-url", vm);
        main.addOverrideProperty("cpis.broker.url", vm);
        main.addOverrideProperty("cpis.http.port", String.valueOf(httpPort));
        main.addOverrideProperty("cpis.data.dir", dataDir.toAbsolutePath().toString());
        for (int i = 0; i + 1 < extraProperties.length; i += 2) {
            main.addOverrideProperty(extraProperties[i], extraProperties[i + 1]);
        }
        main.start();
        return new RunningGateway(mllpPort, brokerPort, httpPort, dataDir, clock, main);
    }

    /** The gateway's one clock: rows a test writes for it are dated by this, as the gateway dates its own. */
    public java.time.Clock clock() {
        return clock;
    }

    /** Now on the gateway's clock. */
    public java.time.OffsetDateTime now() {
        return java.time.OffsetDateTime.now(clock);
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    /** A JMS connection factory reaching the broker over TCP, as an authority system would. */
    public ConnectionFactory authorityConnectionFactory() {
        return new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort);
    }

    /** A JMS context logged in as the demo broker user of an authority (conf/demo/broker-users.properties). */
    public jakarta.jms.JMSContext connectAsAuthority(String code) {
        String lower = code.toLowerCase(java.util.Locale.ROOT);
        return authorityConnectionFactory().createContext(lower + "-system", lower + "-demo-password");
    }

    public DataSource store() {
        return context().getRegistry().lookupByNameAndType("dataSource", DataSource.class);
    }

    /**
     * Adds a plan the way an upload does (the gateway's plan table, which also tells its in-memory index of numbers
     * with plans), for a test that needs a plan in place without going through an upload.
     */
    public void addPlan(String nhsNumber, String type, java.time.LocalDate start, java.time.LocalDate end,
                        String authority) throws SQLException {
        var plans = context().getRegistry().lookupByNameAndType("planTable", org.cpisgateway.store.PlanTable.class);
        try (Connection c = store().getConnection()) {
            plans.upsert(c, new org.cpisgateway.core.Plan(nhsNumber, org.cpisgateway.core.PlanType.valueOf(type), start,
                    end, authority));
        }
    }

    public long count(String sql, Object... args) throws SQLException {
        try (Connection c = store().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Override
    public void close() throws Exception {
        main.stop();
    }
}

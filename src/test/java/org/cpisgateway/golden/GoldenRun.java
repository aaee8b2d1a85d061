package org.cpisgateway.golden;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.support.PluginHelper;
import org.cpisgateway.app.GatewayConfiguration;
import org.cpisgateway.core.Plan;
import org.cpisgateway.store.PlanFile;
import org.cpisgateway.store.PlanTable;

/**
 * The inbound route as the golden files run it: the real {@code routes/adt-inbound.camel.yaml} (and its error
 * handling) with the real beans, on an in-memory store, with a clock each case sets: no network, no broker
 * (notifications are read from the outbox, exactly as they will be sent). One case at a time.
 */
final class GoldenRun implements AutoCloseable {

    /** The cases: one folder each, holding the message in and the ACK and notifications expected out. */
    static final Path CASES = Path.of("src/test/resources/golden");

    /** The names of the cases, sorted. */
    static Stream<String> cases() throws IOException {
        try (Stream<Path> dirs = Files.list(CASES)) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    /** One segment a line for the file, and MSH-10 (random in every ACK) as a placeholder. */
    static byte[] readableAck(byte[] ack) {
        String text = new String(ack, StandardCharsets.ISO_8859_1);
        char fs = text.charAt(3);
        int start = 0;
        for (int i = 0; i < 9; i++) {
            start = text.indexOf(fs, start) + 1;
        }
        int end = text.indexOf(fs, start);
        text = text.substring(0, start) + "{ack-control-id}" + text.substring(end);
        return text.replace('\r', '\n').getBytes(StandardCharsets.ISO_8859_1);
    }

    static final String DEFAULT_CLOCK = "2026-11-22T09:30:00Z";

    /** What the gateway did with a case's message: the ACK's bytes, and the outbox's rows (queue, payload) in order. */
    record Outcome(byte[] ack, List<String[]> notifications) {
    }

    private final MovableClock clock = new MovableClock(ZoneId.of("Europe/London"));
    private final CamelContext context;
    private final ProducerTemplate producer;
    private final DataSource store;

    /**
     * @param storeName  the in-memory store's name (one per run, as each keeps its store until the JVM ends)
     * @param properties gateway properties beyond the shipped ones and the golden runs' own
     */
    GoldenRun(String storeName, Properties properties) throws Exception {
        context = new DefaultCamelContext();
        context.getPropertiesComponent().setLocation("file:conf/application.properties");
        Properties overrides = new Properties();
        overrides.put("cpis.store.url", "jdbc:h2:mem:" + storeName + ";DB_CLOSE_DELAY=-1;MODE=PostgreSQL;"
                + "DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
        overrides.put("cpis.broker.embedded", "false");
        overrides.put("cpis.broker.url", "vm://no-broker-for-golden-files");
        overrides.put("cpis.broker.password", "unused");
        overrides.put("cpis.demo.enabled", "false");
        overrides.put("cpis.reload.enabled", "false");
        overrides.put("cpis.mllp.port", "0");
        overrides.put("cpis.http.port", "0");
        overrides.putAll(properties);
        context.getPropertiesComponent().setOverrideProperties(overrides);
        // only the inbound route and what it calls: no listener, no sender
        ((ModelCamelContext) context).setRouteFilterPattern("adt-inbound,send-ack", null);
        new GatewayConfiguration(clock).configure(context);
        PluginHelper.getRoutesLoader(context).loadRoutes(
                PluginHelper.getResourceLoader(context).resolveResource("file:routes/error-handling.camel.yaml"),
                PluginHelper.getResourceLoader(context).resolveResource("file:routes/adt-inbound.camel.yaml"));
        context.start();
        producer = context.createProducerTemplate();
        store = context.getRegistry().lookupByNameAndType("dataSource", DataSource.class);
    }

    /** The case's properties ({@code case.properties}; empty when it has none). */
    static Properties propertiesOf(Path dir) throws Exception {
        Properties props = new Properties();
        if (Files.exists(dir.resolve("case.properties"))) {
            try (var in = Files.newBufferedReader(dir.resolve("case.properties"), StandardCharsets.UTF_8)) {
                props.load(in);
            }
        }
        return props;
    }

    /** Runs one case: its clock, its plans and history in an emptied store, its message with its segment ends. */
    Outcome run(Path dir) throws Exception {
        Properties props = propertiesOf(dir);
        clock.moveTo(Instant.parse(props.getProperty("clock", DEFAULT_CLOCK)));
        resetStore(dir);
        byte[] message = segmentEnds(Files.readAllBytes(dir.resolve("message.hl7")),
                props.getProperty("segment-ends", "CR"));
        boolean storeAway = "unavailable".equals(props.getProperty("store"));
        if (storeAway) {
            execute("alter table plan rename to plan_away");
        }
        byte[] ack;
        try {
            Exchange done = producer.request("direct:adt-inbound", e -> e.getMessage().setBody(message));
            ack = done.getProperty("CamelMllpAcknowledgement", byte[].class);
        } finally {
            if (storeAway) {
                execute("alter table plan_away rename to plan");
            }
        }
        List<String[]> notifications = new ArrayList<>();
        try (Connection c = store.getConnection(); Statement s = c.createStatement();
             var rs = s.executeQuery("select queue_name, payload from notification_outbox order by id")) {
            while (rs.next()) {
                notifications.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        return new Outcome(ack, notifications);
    }

    static byte[] segmentEnds(byte[] file, String ends) {
        String text = new String(file, StandardCharsets.ISO_8859_1).replace("\r\n", "\n").stripTrailing();
        String end = switch (ends) {
            case "LF" -> "\n";
            case "CRLF" -> "\r\n";
            default -> "\r";
        };
        return (text.replace("\n", end) + end).getBytes(StandardCharsets.ISO_8859_1);
    }

    private void resetStore(Path dir) throws Exception {
        for (String table : List.of("notification_outbox", "access_record", "inbound_message", "plan", "visit")) {
            execute("delete from " + table);
        }
        LocalDate today = LocalDate.now(clock);
        if (Files.exists(dir.resolve("plans.csv"))) {
            PlanTable plans = new PlanTable(store, clock);
            try (Connection c = store.getConnection()) {
                for (Plan plan : PlanFile.read(dir.resolve("plans.csv"), today)) {
                    plans.upsert(c, plan);
                }
            }
        }
        if (Files.exists(dir.resolve("history.csv"))) {
            List<String> lines = new ArrayList<>(Files.readAllLines(dir.resolve("history.csv"), StandardCharsets.UTF_8));
            lines.remove(0);
            try (Connection c = store.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "insert into access_record (nhs_number, accessed_at, setting_code, setting_name, setting_type, "
                            + "scheduled) values (?, ?, ?, ?, ?, ?)")) {
                for (String line : lines) {
                    String[] cells = line.split(",", -1);
                    ps.setString(1, cells[0]);
                    ps.setObject(2, OffsetDateTime.parse(cells[1]));
                    ps.setString(3, cells[2]);
                    ps.setString(4, cells[3]);
                    ps.setString(5, cells[4]);
                    ps.setBoolean(6, Boolean.parseBoolean(cells[5]));
                    ps.executeUpdate();
                }
            }
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = store.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Override
    public void close() {
        context.stop();
    }

    /** A clock each case sets to its own instant. */
    static final class MovableClock extends Clock {
        private final ZoneId zone;
        private volatile Instant now = Instant.parse(DEFAULT_CLOCK);

        MovableClock(ZoneId zone) {
            this.zone = zone;
        }

        void moveTo(Instant instant) {
            now = instant;
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId other) {
            return other.equals(zone) ? this : Clock.fixed(now, other);
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}

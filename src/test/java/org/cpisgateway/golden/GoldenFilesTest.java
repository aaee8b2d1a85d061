package org.cpisgateway.golden;

import static org.assertj.core.api.Assertions.assertThat;

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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.support.PluginHelper;
import org.cpisgateway.GatewayConfiguration;
import org.cpisgateway.core.Plan;
import org.cpisgateway.store.PlanFile;
import org.cpisgateway.store.PlanTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files: each folder under {@code src/test/resources/golden} is one case, an inbound HL7 message beside the
 * exact ACK and notifications the gateway must produce for it. The message goes through the real
 * {@code routes/adt-inbound.camel.yaml} (and its error handling) with the real beans, on an in-memory store, with
 * the case's clock: no network, no broker (notifications are read from the outbox, exactly as they will be sent).
 *
 * <p>A case folder holds:
 * <ul>
 *   <li>{@code message.hl7}: the message, one segment a line (sent with CR between segments, as on the wire; the
 *       bytes are sent as they are, so a Latin-1 case is a Latin-1 file);</li>
 *   <li>{@code case.properties} (optional): {@code clock} (an instant, default 2026-11-22T09:30:00Z),
 *       {@code segment-ends} ({@code CR} default, {@code LF}, {@code CRLF}), {@code store} ({@code unavailable}
 *       makes the plan table unreadable for this case), {@code description};</li>
 *   <li>{@code plans.csv} (optional): the plans in force, as the demo plans file writes them (dates may be relative to
 *       the case's clock: {@code today-2y});</li>
 *   <li>{@code history.csv} (optional): earlier accesses, {@code nhs_number,accessed_at,setting_code,setting_name,
 *       setting_type,scheduled};</li>
 *   <li>{@code ack.hl7}: the expected ACK bytes, one segment a line; MSH-10 (a fresh random id in every ACK) is
 *       written as {@code {ack-control-id}};</li>
 *   <li>{@code notifications.json}: the expected notifications, in outbox order.</li>
 * </ul>
 * A change in output fails with a readable diff. To regenerate the expected files on purpose after a deliberate
 * change, or to write them for a new case, run {@code mvn test -Dtest=GoldenFilesTest -Dgolden.update=true} and
 * review the diff before committing; without it a case with no expected files fails.
 */
class GoldenFilesTest {

    static final Path CASES = Path.of("src/test/resources/golden");
    static final String DEFAULT_CLOCK = "2026-11-22T09:30:00Z";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final boolean UPDATE = Boolean.getBoolean("golden.update");

    private static final MovableClock CLOCK = new MovableClock(ZoneId.of("Europe/London"));
    private static CamelContext context;
    private static ProducerTemplate producer;
    private static DataSource store;

    static Stream<String> cases() throws IOException {
        try (Stream<Path> dirs = Files.list(CASES)) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    @BeforeAll
    static void startRoutes() throws Exception {
        context = new DefaultCamelContext();
        context.getPropertiesComponent().setLocation("file:conf/application.properties");
        Properties overrides = new Properties();
        overrides.put("cpis.store.url", "jdbc:h2:mem:golden;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                + "DEFAULT_NULL_ORDERING=HIGH");
        overrides.put("cpis.broker.embedded", "false");
        overrides.put("cpis.broker.url", "vm://no-broker-for-golden-files");
        overrides.put("cpis.broker.password", "unused");
        overrides.put("cpis.demo.enabled", "false");
        overrides.put("cpis.reload.enabled", "false");
        overrides.put("cpis.mllp.port", "0");
        overrides.put("cpis.http.port", "0");
        context.getPropertiesComponent().setOverrideProperties(overrides);
        // only the inbound route and what it calls: no listener, no sender
        ((ModelCamelContext) context).setRouteFilterPattern("adt-inbound,send-ack", null);
        new GatewayConfiguration(CLOCK).configure(context);
        PluginHelper.getRoutesLoader(context).loadRoutes(
                PluginHelper.getResourceLoader(context).resolveResource("file:routes/error-handling.camel.yaml"),
                PluginHelper.getResourceLoader(context).resolveResource("file:routes/adt-inbound.camel.yaml"));
        context.start();
        producer = context.createProducerTemplate();
        store = context.getRegistry().lookupByNameAndType("dataSource", DataSource.class);
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.stop();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theGatewayAnswersAsTheGoldenFilesSay(String name) throws Exception {
        Path dir = CASES.resolve(name);
        Properties props = new Properties();
        if (Files.exists(dir.resolve("case.properties"))) {
            try (var in = Files.newBufferedReader(dir.resolve("case.properties"), StandardCharsets.UTF_8)) {
                props.load(in);
            }
        }
        CLOCK.moveTo(Instant.parse(props.getProperty("clock", DEFAULT_CLOCK)));
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
        assertThat(ack).as("every message gets an ACK").isNotNull();
        byte[] actualAck = readableAck(ack);
        String actualNotifications = JSON.writeValueAsString(notifications()) + "\n";

        Path ackFile = dir.resolve("ack.hl7");
        Path notificationsFile = dir.resolve("notifications.json");
        if (UPDATE) {
            Files.write(ackFile, actualAck);
            Files.writeString(notificationsFile, actualNotifications);
        }
        assertThat(ackFile).as("expected ACK of %s (a new case: run once with -Dgolden.update=true and review)", name)
                .exists();
        assertThat(notificationsFile).as("expected notifications of %s", name).exists();
        // compared as text in the ACK's own bytes (ISO-8859-1 maps each byte to one char), so a diff shows the line
        assertThat(new String(actualAck, StandardCharsets.ISO_8859_1)).as("ACK of %s", name)
                .isEqualTo(new String(Files.readAllBytes(ackFile), StandardCharsets.ISO_8859_1));
        assertThat(actualNotifications).as("notifications of %s", name)
                .isEqualTo(Files.readString(notificationsFile, StandardCharsets.UTF_8));
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

    static byte[] segmentEnds(byte[] file, String ends) {
        String text = new String(file, StandardCharsets.ISO_8859_1).replace("\r\n", "\n").stripTrailing();
        String end = switch (ends) {
            case "LF" -> "\n";
            case "CRLF" -> "\r\n";
            default -> "\r";
        };
        return (text.replace("\n", end) + end).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static ArrayNode notifications() throws Exception {
        ArrayNode list = JSON.createArrayNode();
        try (Connection c = store.getConnection(); Statement s = c.createStatement();
             var rs = s.executeQuery("select queue_name, payload from notification_outbox order by id")) {
            while (rs.next()) {
                var entry = JSON.createObjectNode();
                entry.put("queue", rs.getString(1));
                entry.set("body", JSON.readTree(rs.getString(2)));
                list.add(entry);
            }
        }
        return list;
    }

    private static void resetStore(Path dir) throws Exception {
        for (String table : List.of("notification_outbox", "access_record", "inbound_message", "plan", "visit")) {
            execute("delete from " + table);
        }
        LocalDate today = LocalDate.now(CLOCK);
        if (Files.exists(dir.resolve("plans.csv"))) {
            PlanTable plans = new PlanTable(store, CLOCK);
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

    private static void execute(String sql) throws SQLException {
        try (Connection c = store.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
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

package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import ca.uhn.hl7v2.util.Terser;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.cpisgateway.broker.EmbeddedBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two gateways behind one MLLP address share a real PostgreSQL server (binaries from Maven Central) and one external
 * Artemis: the same message reaching both is recorded once and answered alike; the access history one gateway wrote
 * is shown by the other; each notification reaches the authority exactly once; when the gateway that sends stops,
 * the other takes over sending. Also the store's behaviour on
 * PostgreSQL: migrations at start-up, plan upsert (MERGE), journal, outbox.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresScaleOutTest {

    static final String CPP_CHILD = "9990000018";   // LA901
    static final String LAC_CHILD = "9990000026";

    static EmbeddedPostgres postgres;
    static EmbeddedBroker broker;
    static int brokerPort;
    static RunningGateway a;
    static RunningGateway b;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().setDataDirectory(TestFolders.temporary("cpis-pg"))
                .setCleanDataDirectory(true).start();
        brokerPort = TestPorts.free();
        broker = StandaloneBroker.start(TestFolders.temporary("cpis-shared-broker"), brokerPort);
        a = gateway();
        b = gateway();
    }

    static RunningGateway gateway() throws Exception {
        return RunningGateway.start(
                "cpis.store.url", postgres.getJdbcUrl("postgres", "postgres"),
                "cpis.store.user", "postgres", "cpis.store.password", "",
                "cpis.broker.embedded", "false", "cpis.broker.url", "tcp://127.0.0.1:" + brokerPort,
                "cpis.broker.password", StandaloneBroker.GATEWAY_PASSWORD,
                "cpis.notify.retry-interval-ms", "500");
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {a, b}) {
            if (c != null) {
                c.close();
            }
        }
        if (broker != null) {
            broker.stop();
        }
        if (postgres != null) {
            postgres.close();
        }
    }


    @Test
    void theSameMessageSentToBothGatewaysIsRecordedOnceAndAnsweredAlike() throws Exception {
        int n = 25;
        List<String> ids = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Pas toA = Pas.connect(a.mllpPort); Pas toB = Pas.connect(b.mllpPort)) {
            for (int i = 0; i < n; i++) {
                String id = Hl7Messages.newControlId();
                ids.add(id);
                String message = Hl7Messages.a04(id, CPP_CHILD);
                Future<String> viaA = pool.submit((Callable<String>) () -> toA.sendForText(message));
                Future<String> viaB = pool.submit((Callable<String>) () -> toB.sendForText(message));
                String ackA = viaA.get(60, TimeUnit.SECONDS);
                String ackB = viaB.get(60, TimeUnit.SECONDS);
                assertThat(ackA).as("both gateways give the one stored answer").isEqualTo(ackB);
                Terser t = new Terser(Pas.HAPI.getPipeParser().parse(ackA));
                assertThat(t.get("/MSA-1")).isEqualTo("AA");
                assertThat(t.get("/ZCS-1")).isEqualTo("FLAGGED");
            }
        } finally {
            pool.shutdownNow();
        }
        String in = "('" + String.join("','", ids) + "')";
        assertThat(a.count("select count(*) from inbound_message where control_id in " + in)).isEqualTo(n);
        assertThat(a.count("select count(*) from access_record where control_id in " + in)).isEqualTo(n);
        // each notification exactly once on the authority's queue, in the order acknowledged
        List<String> received = AuthorityQueues.controlIds(brokerPort, "LA901", n);
        assertThat(received).containsExactlyElementsOf(ids);
    }

    @Test
    void theHistoryOneGatewayWroteIsShownByTheOther() throws Exception {
        try (Pas toA = Pas.connect(a.mllpPort); Pas toB = Pas.connect(b.mllpPort)) {
            toA.sendForText(Hl7Messages.a04(Hl7Messages.newControlId(), "R9Z02", "UTC", LAC_CHILD + "^^^NHS^NH"));
            String ack = toB.sendForText(Hl7Messages.a04(Hl7Messages.newControlId(), LAC_CHILD));
            Terser t = new Terser(Pas.HAPI.getPipeParser().parse(ack));
            assertThat(t.get("/ZCS-1")).isEqualTo("FLAGGED");
            assertThat(t.get("/ZCA-2")).isEqualTo("R9Z02-UTC");
        }
        AuthorityQueues.controlIds(brokerPort, "LA902", 0); // drain what this test sent (the LAC plan's authority)
    }

    @Test
    void aPatternSeenByBothGatewaysAtOnceIsAlertedOnceAndItsWindowOutlivesARestart() throws Exception {
        String child = "9990003424"; // LA902 takes notification version 2, so pattern alerts
        java.time.OffsetDateTime now = a.now();
        try (var c = a.store().getConnection()) {
            try (var ps = c.prepareStatement("insert into plan (nhs_number, plan_type, start_date, authority_code, "
                    + "updated_at) values (?, 'CPP', ?, 'LA902', ?)")) {
                ps.setString(1, child);
                ps.setObject(2, TestDates.day("today-1y"));
                ps.setObject(3, now);
                ps.executeUpdate();
            }
        }
        TestStore.earlierAccess(a, child, "R9Z02-UTC", 12);
        TestStore.earlierAccess(a, child, "R9Z03-MIU", 5);
        AuthorityQueues.controlIds(brokerPort, "LA902", 0);
        // the same emergency department, two visits, one to each gateway at once: the pattern is the same one
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Pas toA = Pas.connect(a.mllpPort); Pas toB = Pas.connect(b.mllpPort)) {
            Future<String> viaA = pool.submit((Callable<String>) () ->
                    toA.sendForText(Hl7Messages.a04(Hl7Messages.newControlId(), child)));
            Future<String> viaB = pool.submit((Callable<String>) () ->
                    toB.sendForText(Hl7Messages.a04(Hl7Messages.newControlId(), child)));
            for (Future<String> ack : List.of(viaA, viaB)) {
                Terser t = new Terser(Pas.HAPI.getPipeParser().parse(ack.get(60, TimeUnit.SECONDS)));
                assertThat(t.get("/ZCS-8-1")).isEqualTo("SETTINGS");
                assertThat(t.get("/ZCS-8-3")).isEqualTo("3");
            }
        } finally {
            pool.shutdownNow();
        }
        // gateway b restarts: the window is in the store, so the next visit still shows the pattern, alerted already
        b.close();
        b = gateway();
        try (Pas toB = Pas.connect(b.mllpPort)) {
            Terser t = new Terser(Pas.HAPI.getPipeParser().parse(
                    toB.sendForText(Hl7Messages.a04(Hl7Messages.newControlId(), child))));
            assertThat(t.get("/ZCS-8-1")).isEqualTo("SETTINGS");
        }
        List<String> types = new ArrayList<>();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        try (var cf = new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory("tcp://127.0.0.1:"
                + brokerPort); var jms = cf.createContext("la902-system", "la902-demo-password");
             var consumer = jms.createConsumer(jms.createQueue("cpis.notify.LA902"))) {
            for (jakarta.jms.TextMessage m; (m = (jakarta.jms.TextMessage) consumer.receive(
                    types.size() < 4 ? 20_000 : 3_000)) != null; ) {
                types.add(json.readTree(m.getText()).path("type").asText());
            }
        }
        assertThat(types).filteredOn("pattern"::equals).as("one alert for the pattern, not one per gateway").hasSize(1);
        assertThat(types).filteredOn("attendance"::equals).hasSize(3);
    }

    @Test
    @Order(Integer.MAX_VALUE) // stops gateway a
    void whenTheSendingGatewayStopsAnotherTakesOverSending() throws Exception {
        // a started first and took the relay lease (the advisory lock) at its first relay round
        long holderBefore = lockHolder();
        assertThat(holderBefore).as("a backend holds the relay lease").isPositive();
        a.close();
        a = null;
        String id = Hl7Messages.newControlId();
        try (Pas toB = Pas.connect(b.mllpPort)) {
            toB.send(Hl7Messages.a04(id, CPP_CHILD));
        }
        assertThat(AuthorityQueues.controlIds(brokerPort, "LA901", 1)).containsExactly(id);
        long holderAfter = lockHolder();
        assertThat(holderAfter).as("another backend (gateway b's) holds it now").isPositive().isNotEqualTo(holderBefore);
    }

    /** The PostgreSQL backend pid holding the relay lease, or 0. */
    private static long lockHolder() throws Exception {
        try (var c = java.sql.DriverManager.getConnection(postgres.getJdbcUrl("postgres", "postgres"));
             var rs = c.createStatement().executeQuery(
                     "select pid from pg_locks where locktype = 'advisory' and granted")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    @Test
    void theStoreRunsOnPostgres() throws Exception {
        try (var c = a.store().getConnection()) {
            assertThat(c.getMetaData().getDatabaseProductName()).isEqualTo("PostgreSQL");
        }
        assertThat(a.count("select count(*) from flyway_schema_history where success")).isGreaterThanOrEqualTo(2);
        assertThat(a.count("select count(*) from plan where nhs_number = ?", CPP_CHILD)).isEqualTo(1);
    }
}

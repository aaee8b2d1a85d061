package org.cpisgateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The relay's query for one authority's waiting notifications reads the rows it returns and stops, however long the
 * backlog: through the index on (sent_at, authority_code, id), in its order. Before, the embedded store read every
 * unsent row of the authority (and with few authorities, of every authority) and sorted them to keep the first 200,
 * so draining a backlog cost backlog squared (docs/archive/benchmark-history.md). Few authorities are the usual case (a trust sends to
 * a handful of councils) and the one the store's planner got wrong, with statistics as a long-running store has them.
 */
class OutboxWaitingQueryTest {

    private static final Pattern SCAN_COUNT = Pattern.compile("scancount: (\\d+)");

    @ParameterizedTest(name = "{0} authorities")
    @ValueSource(ints = {2, 40})
    void oneAuthoritysOldestWaitingAreReadWithoutWalkingTheBacklog(int authorities) throws Exception {
        JdbcDataSource store = new JdbcDataSource();
        store.setURL("jdbc:h2:mem:outbox-waiting-" + authorities + ";DB_CLOSE_DELAY=-1;MODE=PostgreSQL;"
                + "DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
        store.setUser("sa");
        Database.migrate(store);
        OffsetDateTime created = OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(5);
        try (Connection c = store.getConnection()) {
            try (PreparedStatement insert = c.prepareStatement("insert into notification_outbox "
                    + "(notification_id, authority_code, queue_name, payload, created_at) values (?, ?, ?, '{}', ?)")) {
                for (int i = 0; i < 4_000; i++) { // a backlog left by a broker outage
                    insert.setString(1, "n" + i);
                    insert.setString(2, "A" + (i % authorities));
                    insert.setString(3, "cpis.notify.A" + (i % authorities));
                    insert.setObject(4, created);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            c.createStatement().execute("analyze");
            try (PreparedStatement explain = c.prepareStatement(
                    "explain analyze " + DeliveryTable.WAITING + " fetch first 200 rows only")) {
                explain.setString(1, "queue:");
                explain.setString(2, "A1");
                explain.setObject(3, created.plusMinutes(1));
                try (ResultSet plan = explain.executeQuery()) {
                    assertThat(plan.next()).isTrue();
                    String text = plan.getString(1).toLowerCase(Locale.ROOT);
                    assertThat(text).contains("notification_outbox_waiting").contains("index sorted");
                    Matcher outboxRowsRead = SCAN_COUNT.matcher(text);
                    assertThat(outboxRowsRead.find()).isTrue();
                    assertThat(Integer.parseInt(outboxRowsRead.group(1))).isLessThanOrEqualTo(201);
                }
            }
        }
    }
}

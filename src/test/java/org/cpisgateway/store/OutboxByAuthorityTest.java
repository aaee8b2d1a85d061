package org.cpisgateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/**
 * The relay's query for one authority's waiting notifications reads that authority's rows only: through the index on
 * (authority_code, sent_at, id), not by walking every unsent notification of every authority, which made each relay
 * pass cost authorities x backlog rows after the broker had been down (docs/benchmark.md).
 */
class OutboxByAuthorityTest {

    @Test
    void oneAuthoritysWaitingNotificationsAreReadThroughTheAuthorityIndex() throws Exception {
        JdbcDataSource store = new JdbcDataSource();
        store.setURL("jdbc:h2:mem:outbox-by-authority;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                + "DEFAULT_NULL_ORDERING=HIGH");
        store.setUser("sa");
        Database.migrate(store);
        OffsetDateTime created = OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(5);
        try (Connection c = store.getConnection()) {
            try (PreparedStatement insert = c.prepareStatement("insert into notification_outbox "
                    + "(notification_id, authority_code, queue_name, payload, created_at) values (?, ?, ?, '{}', ?)")) {
                for (int i = 0; i < 2_000; i++) { // a backlog spread over 40 authorities
                    insert.setString(1, "n" + i);
                    insert.setString(2, "A" + (i % 40));
                    insert.setString(3, "cpis.notify.A" + (i % 40));
                    insert.setObject(4, created);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            try (PreparedStatement explain = c.prepareStatement("explain " + DeliveryTable.WAITING)) {
                explain.setString(1, "jms:queue:cpis.notify");
                explain.setString(2, "A7");
                explain.setObject(3, created.plusMinutes(1));
                try (ResultSet plan = explain.executeQuery()) {
                    assertThat(plan.next()).isTrue();
                    assertThat(plan.getString(1).toLowerCase(Locale.ROOT)).contains("notification_outbox_by_authority");
                }
            }
        }
    }
}

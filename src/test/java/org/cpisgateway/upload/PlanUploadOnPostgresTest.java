package org.cpisgateway.upload;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.cpisgateway.TestFolders;
import org.cpisgateway.store.Database;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link PlanUploadCases} on a real PostgreSQL server, as several gateways share it. */
class PlanUploadOnPostgresTest extends PlanUploadCases {

    static EmbeddedPostgres postgres;
    static HikariDataSource store;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().setDataDirectory(TestFolders.temporary("cpis-pg-upload"))
                .setCleanDataDirectory(true).start();
        store = Database.open(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "", 6);
        try (Connection c = store.getConnection(); Statement s = c.createStatement()) {
            s.execute("create table store_outage (nhs_number char(10) primary key)");
            s.execute("create function store_outage() returns trigger language plpgsql as $$ begin "
                    + "if exists (select 1 from store_outage o where o.nhs_number = new.nhs_number) then "
                    + "raise exception 'could not extend file: no space left on device' using errcode = '53100'; end if; "
                    + "return new; end $$");
            s.execute("create trigger store_outage before insert or update on plan for each row "
                    + "execute function store_outage()");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (store != null) {
            store.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    DataSource store() {
        return store;
    }

    @Override
    void beginOutage(Connection c, String nhsNumber) throws SQLException {
        execute(c, "insert into store_outage values (?)", nhsNumber);
    }

    @Override
    void endOutage(Connection c) throws SQLException {
        execute(c, "delete from store_outage");
    }

    @Override
    long sessionsWaitingForALock(Connection c) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery(
                "select count(*) from pg_stat_activity where wait_event_type = 'Lock'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

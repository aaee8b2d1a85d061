package org.cpisgateway.upload;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.cpisgateway.StoreOutage;
import org.cpisgateway.store.Database;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link PlanUploadCases} on the embedded store (H2), and reading an upload in one pass. */
class PlanUploadTest extends PlanUploadCases {

    static HikariDataSource store;

    @BeforeAll
    static void open() {
        store = Database.open("jdbc:h2:mem:plan-upload-test;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                + "LOCK_TIMEOUT=20000", "sa", "", 6);
    }

    @AfterAll
    static void close() {
        store.close();
    }

    @Override
    DataSource store() {
        return store;
    }

    @Override
    void beginOutage(Connection c, String nhsNumber) throws SQLException {
        StoreOutage.begin(c, nhsNumber);
    }

    @Override
    void endOutage(Connection c) throws SQLException {
        StoreOutage.end(c);
    }

    @Override
    long sessionsWaitingForALock(Connection c) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery(
                "select count(*) from information_schema.sessions where blocker_id is not null")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Counts the characters read through it. */
    static final class Counting extends Reader {
        final Reader in;
        long read;

        Counting(String text) {
            this.in = new StringReader(text);
        }

        @Override
        public int read(char[] buffer, int off, int len) throws IOException {
            int n = in.read(buffer, off, len);
            read += Math.max(0, n);
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    @Test
    void aJsonUploadIsReadOnceOptionsAndRowsAlikeWhereverTheOptionsStand() throws Exception {
        String json = "{\"plans\": [{\"nhs_number\": \"9990000018\", \"plan_type\": \"CPP\", \"start_date\": \"x\"},"
                + " {\"nhs_number\": \"9990000026\", \"plan_type\": \"LAC\"}], \"sequence\": 12, \"dryRun\": true, "
                + "\"ignored\": {\"deep\": [1, 2]}, \"mode\": \"snapshot\"}";
        Counting in = new Counting(json);
        PlanRowReader.ReadUpload upload = PlanRowReader.read(in, 10);
        assertThat(in.read).as("characters read").isEqualTo(json.length());
        assertThat(upload.format()).isEqualTo("json");
        assertThat(upload.options()).isEqualTo(new UploadOptions(12L, true, true, false));
        assertThat(upload.rows()).extracting(PlanRow::nhsNumber).containsExactly("9990000018", "9990000026");
    }

    @Test
    void aCsvUploadIsReadOnceWithItsOptionsFromItsCommentLines() throws Exception {
        String csv = "\uFEFF# exported by the council's system\n# cpis: sequence=42 mode=snapshot\n"
                + "NHS_Number,plan_type,start_date\n9990000018,CPP,2020-01-01\n# cpis: force\n9990000026,LAC,x\n";
        Counting in = new Counting(csv);
        PlanRowReader.ReadUpload upload = PlanRowReader.read(in, 10);
        assertThat(in.read).isEqualTo(csv.length());
        assertThat(upload.format()).isEqualTo("csv");
        assertThat(upload.options()).isEqualTo(new UploadOptions(42L, true, false, true));
        assertThat(upload.rows()).extracting(PlanRow::row).containsExactly(1, 2);
    }

    @Test
    void readingStopsAtTheRowAfterTheLimit() {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < 5; i++) {
            json.append(i == 0 ? "" : ",").append("{\"nhs_number\": \"9990000018\"}");
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PlanRowReader.read(new StringReader(json + "]"), 4))
                .isInstanceOf(PlanRowReader.TooManyRows.class).hasMessageContaining("more than 4 rows");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(
                () -> PlanRowReader.read(new StringReader("nhs_number,plan_type,start_date\n1,2,3\n4,5,6\n"), 1)))
                .isInstanceOf(PlanRowReader.TooManyRows.class);
    }
}

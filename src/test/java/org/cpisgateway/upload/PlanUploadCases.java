package org.cpisgateway.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.cpisgateway.TestDates;
import org.cpisgateway.TestNhsNumbers;
import org.cpisgateway.core.StoreUnavailableException;
import org.cpisgateway.store.PlanTable;
import org.junit.jupiter.api.Test;

/**
 * {@link PlanUpload} on a real database: sequence numbers compared and set in the rows' own transaction, so an older
 * upload never lands after a newer one still in progress elsewhere; the store failing midway fails the whole upload
 * (nothing reported as rejected, no sequence recorded), while a row the store refuses is rejected alone. Run on the
 * embedded H2 ({@link PlanUploadTest}) and on PostgreSQL ({@link PlanUploadOnPostgresTest}).
 */
abstract class PlanUploadCases {

    static final Duration WITHIN = Duration.ofSeconds(30);
    private static final TestNhsNumbers CHILDREN = new TestNhsNumbers(999_500_000L);

    /** The store under test, migrated. */
    abstract DataSource store();

    /** Makes the store fail (as a full disk does) on writing a plan for the NHS number, until {@link #endOutage}. */
    abstract void beginOutage(Connection c, String nhsNumber) throws SQLException;

    abstract void endOutage(Connection c) throws SQLException;

    /** How many of the store's sessions are waiting for a lock another holds. */
    abstract long sessionsWaitingForALock(Connection c) throws SQLException;

    PlanUpload uploads() {
        Clock clock = Clock.system(TestDates.ZONE);
        return new PlanUpload(new PlanTable(store(), clock), null, clock, 10, 1 << 20, 1000);
    }

    UploadReport upload(String authority, String text) {
        return uploads().process(new StringReader(text), authority, "queue", "test", null);
    }

    /** A valid NHS number in the 999 test range that no other test uses. */
    static String child() {
        return CHILDREN.next();
    }

    static String csv(String options, String... children) {
        StringBuilder s = new StringBuilder(options).append("nhs_number,plan_type,start_date\n");
        for (String c : children) {
            s.append(c).append(",CPP,").append(TestDates.iso("today-5m")).append('\n');
        }
        return s.toString();
    }

    /** The child's CPP plan's end date ("" while open), or null when there is no plan. */
    String endOf(String nhsNumber) throws SQLException {
        try (Connection c = store().getConnection(); PreparedStatement ps = c.prepareStatement(
                "select coalesce(cast(end_date as varchar(10)), '') from plan where nhs_number = ?")) {
            ps.setString(1, nhsNumber);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    Long lastSequence(String authority) throws SQLException {
        try (Connection c = store().getConnection()) {
            return new PlanTable(store(), Clock.systemUTC()).lastSequence(c, authority);
        }
    }

    static void execute(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.execute();
        }
    }

    @Test
    void anOlderUploadArrivingWhileANewerOneIsBeingAppliedIsRefusedAndCannotUndoIt() throws Exception {
        String child = child();
        assertThat(upload("LASEQ1", csv("# cpis: sequence=6\n", child)).outcome()).isEqualTo(UploadReport.APPLIED);
        String yesterday = TestDates.iso("today-1d");
        try (Connection newer = store().getConnection(); Connection look = store().getConnection()) {
            // upload 8, being applied by the authority's other route or another gateway: its number claimed and the
            // child's plan ended, not yet committed
            newer.setAutoCommit(false);
            execute(newer, "update upload_sequence set last_sequence = 8 where authority_code = 'LASEQ1'");
            execute(newer, "update plan set end_date = cast(? as date) where nhs_number = ?", yesterday, child);
            // upload 7, which would re-open the plan, arrives meanwhile
            CompletableFuture<UploadReport> older = CompletableFuture.supplyAsync(
                    () -> upload("LASEQ1", csv("# cpis: sequence=7\n", child)));
            await("upload 7 waiting for upload 8").atMost(WITHIN)
                    .until(() -> older.isDone() || sessionsWaitingForALock(look) > 0);
            newer.commit();
            UploadReport report = older.get(WITHIN.toSeconds(), TimeUnit.SECONDS);
            assertThat(report.outcome()).isEqualTo(UploadReport.STALE_SEQUENCE);
            assertThat(report.error()).contains("not after the last applied upload's 8");
        }
        assertThat(endOf(child)).isEqualTo(yesterday);
        assertThat(lastSequence("LASEQ1")).isEqualTo(8);
    }

    @Test
    void twoNumberedUploadsAtOnceAreAppliedOneAfterTheOtherAndTheNewerWins() throws Exception {
        String child = child();
        assertThat(upload("LASEQ2", csv("# cpis: sequence=1\n", child)).outcome()).isEqualTo(UploadReport.APPLIED);
        String ended = TestDates.iso("today-2d");
        String csv2 = "# cpis: sequence=2\nnhs_number,plan_type,start_date,end_date\n" + child + ",CPP,"
                + TestDates.iso("today-5m") + "," + ended + "\n";
        String csv3 = csv("# cpis: sequence=3\n", child);
        CompletableFuture<UploadReport> two = CompletableFuture.supplyAsync(() -> upload("LASEQ2", csv2));
        CompletableFuture<UploadReport> three = CompletableFuture.supplyAsync(() -> upload("LASEQ2", csv3));
        UploadReport r2 = two.get(WITHIN.toSeconds(), TimeUnit.SECONDS);
        UploadReport r3 = three.get(WITHIN.toSeconds(), TimeUnit.SECONDS);
        assertThat(r3.outcome()).isEqualTo(UploadReport.APPLIED);
        // whichever came first: 2 then 3 (both applied), or 3 then 2 (2 refused); never 3 undone by 2
        assertThat(r2.outcome()).isIn(UploadReport.APPLIED, UploadReport.STALE_SEQUENCE);
        assertThat(endOf(child)).isEmpty();
        assertThat(lastSequence("LASEQ2")).isEqualTo(3);
    }

    @Test
    void theStoreFailingDuringANumberedUploadFailsItWholeAndRecordsNoNumber() throws Exception {
        String a = child();
        String b = child();
        String c = child();
        String upload = csv("# cpis: sequence=5\n", a, b, c);
        try (Connection conn = store().getConnection()) {
            beginOutage(conn, b);
        }
        try {
            assertThatThrownBy(() -> upload("LAOUT1", upload)).isInstanceOf(StoreUnavailableException.class);
        } finally {
            try (Connection conn = store().getConnection()) {
                endOutage(conn);
            }
        }
        assertThat(endOf(a)).as("nothing applied").isNull();
        assertThat(lastSequence("LAOUT1")).as("no number recorded").isNull();

        UploadReport again = upload("LAOUT1", upload); // as the queue's redelivery, or the next poll of the inbox
        assertThat(again.outcome()).isEqualTo(UploadReport.APPLIED);
        assertThat(again.accepted()).isEqualTo(3);
        assertThat(lastSequence("LAOUT1")).isEqualTo(5);
    }

    @Test
    void theStoreFailingDuringADeltaFailsItRatherThanRejectingRows() throws Exception {
        String a = child();
        String b = child();
        try (Connection conn = store().getConnection()) {
            beginOutage(conn, b);
        }
        try {
            assertThatThrownBy(() -> upload("LAOUT2", csv("", a, b))).isInstanceOf(StoreUnavailableException.class);
        } finally {
            try (Connection conn = store().getConnection()) {
                endOutage(conn);
            }
        }
        assertThat(endOf(b)).isNull();
        UploadReport again = upload("LAOUT2", csv("", a, b));
        assertThat(again.accepted()).isEqualTo(2);
        assertThat(again.rejected()).isZero();
    }

    @Test
    void aRowTheStoreRefusesIsRejectedAloneInADeltaAndInANumberedUpload() throws Exception {
        String refused = child();
        String plain = child();
        String numbered = child();
        try (Connection c = store().getConnection()) {
            execute(c, "alter table plan add constraint refuse_one check (nhs_number <> '" + refused + "')");
        }
        try {
            UploadReport delta = upload("LAREF", csv("", plain, refused));
            assertThat(delta.outcome()).isEqualTo(UploadReport.APPLIED);
            assertThat(delta.accepted()).isEqualTo(1);
            assertThat(delta.rejectedRows()).singleElement()
                    .satisfies(r -> assertThat(r.rule()).isEqualTo(RowOutcome.NOT_STORED))
                    .satisfies(r -> assertThat(r.row()).isEqualTo(2));

            UploadReport withNumber = upload("LAREF", csv("# cpis: sequence=4\n", refused, numbered));
            assertThat(withNumber.outcome()).isEqualTo(UploadReport.APPLIED);
            assertThat(withNumber.accepted()).isEqualTo(1);
            assertThat(withNumber.rejectedRows()).singleElement()
                    .satisfies(r -> assertThat(r.rule()).isEqualTo(RowOutcome.NOT_STORED))
                    .satisfies(r -> assertThat(r.row()).isEqualTo(1));
        } finally {
            try (Connection c = store().getConnection()) {
                execute(c, "alter table plan drop constraint refuse_one");
            }
        }
        assertThat(endOf(plain)).isEmpty();
        assertThat(endOf(numbered)).isEmpty();
        assertThat(endOf(refused)).isNull();
        assertThat(lastSequence("LAREF")).isEqualTo(4);
    }
}

package org.cpisgateway.store;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.cpisgateway.core.Plan;
import org.cpisgateway.core.PlanSource;
import org.cpisgateway.core.PlanType;
import org.cpisgateway.core.StoreUnavailableException;

/** The {@code plan} table: CP-IS plans, read for each attendance, written by authority uploads and the demo data. */
public class PlanTable implements PlanSource {

    private final DataSource dataSource;
    private final Clock clock;
    private volatile PlanHolders holders;

    public PlanTable(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /**
     * Answers numbers that never had a plan here from memory (a store no other process writes: see
     * {@link PlanHolders}).
     */
    public void answerFromMemory(PlanHolders holders) {
        this.holders = holders;
    }

    @Override
    public List<Plan> plansFor(String nhsNumber) {
        PlanHolders known = holders;
        if (known != null && !known.mayHavePlan(nhsNumber)) {
            return List.of();
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "select plan_type, start_date, end_date, authority_code from plan where nhs_number = ?")) {
            ps.setString(1, nhsNumber);
            List<Plan> plans = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Date end = rs.getDate(3);
                    plans.add(new Plan(nhsNumber, PlanType.fromCode(rs.getString(1)), rs.getDate(2).toLocalDate(),
                            end == null ? null : end.toLocalDate(), rs.getString(4)));
                }
            }
            return plans;
        } catch (SQLException e) {
            throw new StoreUnavailableException("plans could not be read", e);
        }
    }

    /** Creates the plan, or updates its end date and authority when the same person, type and start date exist. */
    public void upsert(Connection c, Plan plan) throws SQLException {
        PlanHolders known = holders;
        if (known != null) {
            known.add(plan.nhsNumber()); // before the row: a look-up never misses a plan that is committed
        }
        try (PreparedStatement ps = c.prepareStatement(
                "merge into plan p using (values (cast(? as char(10)), cast(? as varchar(3)), cast(? as date), "
                        + "cast(? as date), cast(? as varchar(16)))) v(nhs_number, plan_type, start_date, end_date, authority_code) "
                        + "on p.nhs_number = v.nhs_number and p.plan_type = v.plan_type and p.start_date = v.start_date "
                        + "when matched then update set end_date = v.end_date, authority_code = v.authority_code, updated_at = ? "
                        + "when not matched then insert (nhs_number, plan_type, start_date, end_date, authority_code, updated_at) "
                        + "values (v.nhs_number, v.plan_type, v.start_date, v.end_date, v.authority_code, ?)")) {
            Timestamp now = Timestamp.from(clock.instant());
            ps.setString(1, plan.nhsNumber());
            ps.setString(2, plan.type().name());
            ps.setDate(3, Date.valueOf(plan.startDate()));
            ps.setDate(4, plan.endDate() == null ? null : Date.valueOf(plan.endDate()));
            ps.setString(5, plan.authorityCode());
            ps.setTimestamp(6, now);
            ps.setTimestamp(7, now);
            ps.executeUpdate();
        }
    }

    /** The authority holding the plan, or null when there is no such plan. */
    public String ownerOf(Connection c, String nhsNumber, PlanType type, LocalDate start) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "select authority_code from plan where nhs_number = ? and plan_type = ? and start_date = ?")) {
            ps.setString(1, nhsNumber);
            ps.setString(2, type.name());
            ps.setDate(3, Date.valueOf(start));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    public void delete(Connection c, String nhsNumber, PlanType type, LocalDate start) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "delete from plan where nhs_number = ? and plan_type = ? and start_date = ?")) {
            ps.setString(1, nhsNumber);
            ps.setString(2, type.name());
            ps.setDate(3, Date.valueOf(start));
            ps.executeUpdate();
        }
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** The authority's plans open on {@code day} (no end date, or ending on or after it): NHS number, type, start. */
    public List<Plan> openPlansOf(Connection c, String authority, LocalDate day) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select nhs_number, plan_type, start_date, end_date from plan "
                + "where authority_code = ? and (end_date is null or end_date >= ?) order by nhs_number, start_date")) {
            ps.setString(1, authority);
            ps.setDate(2, Date.valueOf(day));
            List<Plan> plans = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Date end = rs.getDate(4);
                    plans.add(new Plan(rs.getString(1).trim(), PlanType.fromCode(rs.getString(2)),
                            rs.getDate(3).toLocalDate(), end == null ? null : end.toLocalDate(), authority));
                }
            }
            return plans;
        }
    }

    /** The last upload sequence number applied for the authority, or null when none was. */
    public Long lastSequence(Connection c, String authority) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "select last_sequence from upload_sequence where authority_code = ?")) {
            ps.setString(1, authority);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    /**
     * Claims {@code sequence} as the authority's last applied upload, in the transaction of {@code c} (the upload's
     * own): a compare-and-set on the authority's row, which then stays locked until that transaction ends. Another
     * upload of the same authority claiming a number (its other route, another gateway on the same database) waits
     * for it, then compares with what it committed; an upload rolled back leaves the number as it was.
     *
     * @return null when claimed; else the last applied number, which {@code sequence} is not after (nothing changed)
     */
    public Long claimSequence(Connection c, String authority, long sequence) throws SQLException {
        if (advanceSequence(c, authority, sequence)) {
            return null;
        }
        Long last = lastSequence(c, authority);
        if (last != null) {
            return last;
        }
        Savepoint beforeInsert = c.setSavepoint();
        try (PreparedStatement insert = c.prepareStatement(
                "insert into upload_sequence (authority_code, last_sequence, applied_at) values (?, ?, ?)")) {
            insert.setString(1, authority);
            insert.setLong(2, sequence);
            insert.setObject(3, OffsetDateTime.now(clock));
            insert.executeUpdate();
            c.releaseSavepoint(beforeInsert);
            return null;
        } catch (SQLException e) {
            if (!Database.refusedRow(e)) {
                throw e;
            }
            // the authority's first numbered upload, inserted meanwhile by another: compare with it instead
            c.rollback(beforeInsert);
            return advanceSequence(c, authority, sequence) ? null : lastSequence(c, authority);
        }
    }

    private boolean advanceSequence(Connection c, String authority, long sequence) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("update upload_sequence set last_sequence = ?, "
                + "applied_at = ? where authority_code = ? and last_sequence < ?")) {
            update.setLong(1, sequence);
            update.setObject(2, OffsetDateTime.now(clock));
            update.setString(3, authority);
            update.setLong(4, sequence);
            return update.executeUpdate() == 1;
        }
    }
}

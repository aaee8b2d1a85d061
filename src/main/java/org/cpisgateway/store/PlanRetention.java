package org.cpisgateway.store;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what CP-IS may no longer show: a plan that ended longer ago than the visibility window (12 months by
 * default), and, once a child has no plan left, the child's access history. One transaction per run. Each deleted
 * plan and each child whose history went is written to the audit log ({@code cpis.audit}, with the NHS number: the
 * audit must say whose record was removed); the application log gets the counts only. Runs hourly
 * ({@code routes/retention.camel.yaml}); an authority can still delete a plan at once with an uploaded DELETE.
 */
public class PlanRetention {

    private static final Logger LOG = LoggerFactory.getLogger(PlanRetention.class);
    private static final Logger AUDIT = LoggerFactory.getLogger("cpis.audit");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource dataSource;
    private final Period visibleAfterEnd;
    private final Clock clock;

    /** @param clock in the zone plan dates are judged in */
    public PlanRetention(DataSource dataSource, Period visibleAfterEnd, Clock clock) {
        this.dataSource = dataSource;
        this.visibleAfterEnd = visibleAfterEnd;
        this.clock = clock;
    }

    /** Plans ending before this day are past the window today. */
    LocalDate cutoff() {
        return LocalDate.now(clock).minus(visibleAfterEnd);
    }

    /** @return how many plans were deleted */
    public int purge() throws SQLException, JsonProcessingException {
        LocalDate cutoff = cutoff();
        String at = clock.instant().toString();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                List<Map<String, Object>> expired = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("select nhs_number, plan_type, start_date, end_date, "
                        + "authority_code from plan where end_date < ? order by nhs_number")) {
                    ps.setDate(1, Date.valueOf(cutoff));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            Map<String, Object> line = new LinkedHashMap<>();
                            line.put("at", at);
                            line.put("action", "retention-delete-plan");
                            line.put("nhsNumber", rs.getString(1).trim());
                            line.put("planType", rs.getString(2));
                            line.put("startDate", rs.getDate(3).toLocalDate().toString());
                            line.put("endDate", rs.getDate(4).toLocalDate().toString());
                            line.put("authority", rs.getString(5));
                            expired.add(line);
                        }
                    }
                }
                if (expired.isEmpty()) {
                    c.rollback();
                    return 0;
                }
                try (PreparedStatement ps = c.prepareStatement("delete from plan where end_date < ?")) {
                    ps.setDate(1, Date.valueOf(cutoff));
                    ps.executeUpdate();
                }
                int histories = 0;
                int accesses = 0;
                List<Map<String, Object>> historyLines = new ArrayList<>();
                for (String nhs : expired.stream().map(l -> (String) l.get("nhsNumber")).distinct().toList()) {
                    boolean stillHasPlan;
                    try (PreparedStatement ps = c.prepareStatement("select 1 from plan where nhs_number = ?")) {
                        ps.setString(1, nhs);
                        try (ResultSet rs = ps.executeQuery()) {
                            stillHasPlan = rs.next();
                        }
                    }
                    if (stillHasPlan) {
                        continue; // the history still serves the child's other plan
                    }
                    try (PreparedStatement ps = c.prepareStatement("delete from access_record where nhs_number = ?")) {
                        ps.setString(1, nhs);
                        int n = ps.executeUpdate();
                        accesses += n;
                        histories++;
                        Map<String, Object> line = new LinkedHashMap<>();
                        line.put("at", at);
                        line.put("action", "retention-delete-history");
                        line.put("nhsNumber", nhs);
                        line.put("accessRecords", n);
                        historyLines.add(line);
                    }
                }
                c.commit();
                for (Map<String, Object> line : expired) {
                    AUDIT.info(JSON.writeValueAsString(line));
                }
                for (Map<String, Object> line : historyLines) {
                    AUDIT.info(JSON.writeValueAsString(line));
                }
                LOG.info("Plan retention: deleted {} plans that ended before {} and the access history of {} children "
                        + "({} access records)", expired.size(), cutoff, histories, accesses);
                return expired.size();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }
}

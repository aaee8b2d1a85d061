package org.cpisgateway;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Rows a test puts straight into a running gateway's store, for history it would take days to make by messages. */
public final class TestStore {

    private TestStore() {
    }

    /**
     * An earlier access to the child at an unscheduled setting, {@code daysAgo} days before now on the gateway's clock.
     */
    public static void earlierAccess(RunningGateway gateway, String nhsNumber, String settingCode, long daysAgo)
            throws SQLException {
        try (Connection c = gateway.store().getConnection(); PreparedStatement ps = c.prepareStatement("insert into access_record "
                + "(nhs_number, accessed_at, setting_code, setting_name, setting_type, scheduled) "
                + "values (?, ?, ?, 'earlier setting', 'UTC', false)")) {
            ps.setString(1, nhsNumber);
            ps.setObject(2, gateway.now().minusDays(daysAgo));
            ps.setString(3, settingCode);
            ps.executeUpdate();
        }
    }
}

package org.cpisgateway.check;

import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.Timer;
import org.apache.camel.ExchangeProperty;
import org.cpisgateway.hl7.Attendance;
import org.cpisgateway.mapping.AuthorityDirectory;
import org.cpisgateway.mapping.CareSetting;
import org.cpisgateway.mapping.CareSettingDirectory;
import org.cpisgateway.store.FlagStore;

/** Decides the CP-IS answer for an attendance: reads plans and history; writes nothing. */
public class FlagCheck {

    /** How many earlier accesses the clerk sees, as the national service shows. */
    public static final int HISTORY_SIZE = 25;
    /** How many stored accesses are read to build the collapsed history. */
    static final int HISTORY_SCAN = 1000;

    private final FlagStore store;
    private final CareSettingDirectory settings;
    private final AuthorityDirectory authorities;
    private final Set<String> events;
    private final ZoneId zone;
    private final Timer lookupTimer;

    public FlagCheck(FlagStore store, CareSettingDirectory settings, AuthorityDirectory authorities, Set<String> events,
                     ZoneId zone, Timer lookupTimer) {
        this.lookupTimer = lookupTimer;
        this.store = store;
        this.settings = settings;
        this.authorities = authorities;
        this.events = events;
        this.zone = zone;
    }

    public CheckResult check(@ExchangeProperty("cpisAttendance") Attendance attendance,
                             @ExchangeProperty("cpisReceivedAt") OffsetDateTime receivedAt) throws SQLException {
        CareSetting setting = settings.find(attendance.msh().sendingFacilityCode(), attendance.location());
        if (!events.contains(attendance.eventCode())) {
            return CheckResult.notChecked("EVENT_NOT_IN_SCOPE",
                    "Not checked: event " + attendance.eventCode() + " is not in scope", setting);
        }
        if (attendance.nhsNumber() == null) {
            String code = attendance.nhsNumberProblem().startsWith("no ") ? "NO_NHS_NUMBER" : "INVALID_NHS_NUMBER";
            return CheckResult.notChecked(code, "Not checked: " + attendance.nhsNumberProblem(), setting);
        }
        OffsetDateTime when = attendance.attendanceTime() != null ? attendance.attendanceTime() : receivedAt;
        var day = when.atZoneSameInstant(zone).toLocalDate();
        long started = System.nanoTime();
        List<Plan> plans = store.plansFor(attendance.nhsNumber());
        lookupTimer.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        List<Plan> active = plans.stream()
                .filter(p -> p.type() != null && p.isActiveOn(day))
                .sorted(Comparator.comparing(Plan::startDate))
                .toList();
        if (active.isEmpty()) {
            return new CheckResult(CheckResult.Status.NOT_FLAGGED, "NO_ACTIVE_PLAN", "No active CP-IS plan", List.of(),
                    List.of(), setting, List.of());
        }
        List<AccessRecord> history = AccessHistory.collapse(store.recentAccesses(attendance.nhsNumber(), HISTORY_SCAN),
                HISTORY_SIZE);
        List<String> notify = setting.scheduled() ? List.of()
                : active.stream().map(Plan::authorityCode).distinct().toList();
        return new CheckResult(CheckResult.Status.FLAGGED, "ACTIVE_PLAN", summary(active), active, history, setting,
                notify);
    }

    private String summary(List<Plan> plans) {
        return plans.stream()
                .map(p -> p.type().snomedDisplay() + " (" + p.type() + "), " + authorities.find(p.authorityCode()).name()
                        + ", emergency duty " + authorities.find(p.authorityCode()).emergencyDutyPhone())
                .collect(Collectors.joining("; "));
    }
}

package org.cpisgateway.core;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The CP-IS answer for one attendance: is the event in scope, is there a usable NHS number, which plans apply on the
 * day of the attendance, what the clerk is told, what earlier accesses are shown, and which authorities are to be
 * notified (none for a scheduled setting: a silent read). Reads plans and history through its ports; writes nothing.
 */
public class FlagRules {

    /** How many earlier accesses the clerk sees, as the national service shows. */
    public static final int HISTORY_SIZE = 25;
    /** How many stored accesses are read to build the collapsed history. */
    static final int HISTORY_SCAN = 1000;

    private final PlanSource plans;
    private final AccessHistorySource history;
    private final CareSettings settings;
    private final Authorities authorities;
    private final Set<String> events;
    private final ZoneId zone;
    private final java.time.Period visibleAfterEnd;
    private final VisitHistory visits;
    private final java.util.function.Supplier<PatternRules> patterns;

    /**
     * @param events          trigger events that are checked (upper case); other events are answered NOT_CHECKED
     * @param zone            the zone whose calendar date decides whether a plan is active on the day of the
     *                        attendance
     * @param visibleAfterEnd how long after its end a plan still flags the child (the national service: 12 months)
     * @param visits          which visits were already checked, with which NHS number
     */
    public FlagRules(PlanSource plans, AccessHistorySource history, CareSettings settings, Authorities authorities,
                     Set<String> events, ZoneId zone, java.time.Period visibleAfterEnd, VisitHistory visits) {
        this(plans, history, settings, authorities, events, zone, visibleAfterEnd, visits, null);
    }

    /**
     * @param patterns the pattern rules in force, asked at each check so that an edit applies to the next message
     *                 (null: none are looked for)
     */
    public FlagRules(PlanSource plans, AccessHistorySource history, CareSettings settings, Authorities authorities,
                     Set<String> events, ZoneId zone, java.time.Period visibleAfterEnd, VisitHistory visits,
                     java.util.function.Supplier<PatternRules> patterns) {
        this.patterns = patterns;
        this.visibleAfterEnd = visibleAfterEnd;
        this.visits = visits;
        this.plans = plans;
        this.history = history;
        this.settings = settings;
        this.authorities = authorities;
        this.events = Set.copyOf(events);
        this.zone = zone;
    }

    /**
     * The answer for one message. A visit (see {@link #visitOf}) is notified once: a later message of the same visit
     * with the same NHS number gets the current answer and notifies nobody; one with another number (a correction
     * or a merge) is checked and notified as a new look-up. Only flagged answers are remembered per visit, so a plan
     * that appears during a visit is notified at the visit's next message.
     *
     * @param receivedAt when the message arrived: the attendance time when the message carries none
     */
    public CheckResult check(Attendance attendance, OffsetDateTime receivedAt) {
        CheckResult result = lookUp(attendance, receivedAt);
        if (!result.flagged()) {
            return result; // nothing to notify, so no visit to remember: the common case costs no visit look-up
        }
        String visit = visitOf(attendance, receivedAt);
        if (visit == null) {
            return result;
        }
        return attendance.nhsNumber().equals(visits.lastCheckedNhsNumber(visit))
                ? result.repeatOfVisit(visit) : result.firstOfVisit(visit);
    }

    /**
     * Which visit a message belongs to: the sender's visit number (PV1-19), else the sender's own patient
     * identifier (PID-3) and the day of the attendance; null when the message has neither.
     */
    public String visitOf(Attendance attendance, OffsetDateTime receivedAt) {
        String sender = attendance.sendingFacility() == null ? "" : attendance.sendingFacility();
        if (attendance.visitNumber() != null && !attendance.visitNumber().isBlank()) {
            return sender + "|visit|" + attendance.visitNumber().strip();
        }
        if (attendance.patientId() != null && !attendance.patientId().isBlank()) {
            LocalDate day = attendance.timeOr(receivedAt).atZoneSameInstant(zone).toLocalDate();
            return sender + "|patient|" + attendance.patientId().strip() + "|" + day;
        }
        return null;
    }

    /**
     * A search by a care setting's own system (the FHIR API): the answer an attendance at that setting would get
     * now, and an access like one (recorded, notified unless the setting is scheduled). Not a message, so no event
     * scope and no visit; the system searches with a number it has verified, so no PID-32 either.
     */
    public CheckResult checkSearch(Attendance search, OffsetDateTime at) {
        return lookUp(search, at, false);
    }

    private CheckResult lookUp(Attendance attendance, OffsetDateTime receivedAt) {
        return lookUp(attendance, receivedAt, true);
    }

    private CheckResult lookUp(Attendance attendance, OffsetDateTime receivedAt, boolean message) {
        CareSetting setting = settings.find(attendance.sendingFacility(), attendance.location());
        if (message && !events.contains(attendance.eventCode())) {
            return CheckResult.notChecked("EVENT_NOT_IN_SCOPE",
                    "Not checked: event " + attendance.eventCode() + " is not in scope", setting);
        }
        if (attendance.nhsNumber() == null) {
            String problem = attendance.nhsNumberProblem();
            String code = problem == null || problem.startsWith("no ") ? "NO_NHS_NUMBER"
                    : problem.startsWith("conflicting") ? "CONFLICTING_NHS_NUMBERS" : "INVALID_NHS_NUMBER";
            return CheckResult.notChecked(code, "Not checked: " + problem, setting);
        }
        CheckResult unverified = message ? unverified(attendance, setting) : null;
        if (unverified != null) {
            return unverified;
        }
        LocalDate day = attendance.timeOr(receivedAt).atZoneSameInstant(zone).toLocalDate();
        // plans in force on the day, and plans that ended within the window before it (both flag the child)
        List<Plan> active = plans.plansFor(attendance.nhsNumber()).stream()
                .filter(p -> p.type() != null && (p.isActiveOn(day) || p.endedWithin(day, visibleAfterEnd)))
                .sorted(Comparator.comparing(Plan::startDate))
                .toList();
        if (active.isEmpty()) {
            return new CheckResult(CheckResult.Status.NOT_FLAGGED, "NO_ACTIVE_PLAN", "No active CP-IS plan", List.of(),
                    List.of(), setting, List.of());
        }
        String reason = active.stream().anyMatch(p -> p.isActiveOn(day)) ? "ACTIVE_PLAN" : "RECENTLY_ENDED_PLAN";
        List<AccessRecord> stored = history.recentAccesses(attendance.nhsNumber(), HISTORY_SCAN);
        List<AccessRecord> seen = AccessHistory.collapse(stored, HISTORY_SIZE);
        Pattern pattern = patterns == null ? null : patterns.get().find(stored,
                new AccessRecord(receivedAt, setting.code(), setting.name(), setting.type(), setting.scheduled()));
        List<String> notify = setting.scheduled() ? List.of()
                : active.stream().map(Plan::authorityCode).distinct().toList();
        return new CheckResult(CheckResult.Status.FLAGGED, reason, summary(active, day), active, seen, setting,
                notify).withPattern(pattern);
    }

    /**
     * The national rule: a number whose status (PID-32) says it is not verified is not looked up (a wrong or
     * unconfirmed number must never show another child's record); the clerk is told why, and a later message of
     * the visit with status 01 is checked. A number without a status is looked up (many feeds never send PID-32),
     * unless the setting's sender is known to send it ({@code requiresNhsNumberStatus}). A status that is none of
     * 01-08 counts as not verified. Null when the number may be looked up.
     */
    private static CheckResult unverified(Attendance attendance, CareSetting setting) {
        String raw = attendance.nhsNumberStatus();
        if (!NhsNumberStatus.present(raw)) {
            return setting.requiresNhsNumberStatus()
                    ? CheckResult.notChecked("NHS_NUMBER_STATUS_MISSING", "Not checked: the NHS number's verification "
                    + "status (PID-32) is missing and this sender always sends it; check CP-IS once it is verified",
                    setting)
                    : null;
        }
        String code = NhsNumberStatus.code(raw);
        if (NhsNumberStatus.VERIFIED.equals(code)) {
            return null;
        }
        return CheckResult.notChecked("NHS_NUMBER_NOT_VERIFIED", "Not checked: NHS number not verified ("
                + (code == null ? "status not recognised" : "status " + code + ", " + NhsNumberStatus.meaning(code))
                + "); check CP-IS once it is traced and verified", setting);
    }

    /**
     * What the clerk reads first: each plan (and, for one that has ended, when), its authority and the number to
     * call out of hours.
     */
    private String summary(List<Plan> shown, LocalDate day) {
        return shown.stream()
                .map(p -> {
                    Authority authority = authorities.find(p.authorityCode());
                    String ended = p.isActiveOn(day) ? "" : ", plan ended on " + p.endDate();
                    return p.type().snomedDisplay() + " (" + p.type() + ")" + ended + ", " + authority.name()
                            + ", emergency duty " + authority.emergencyDutyPhone();
                })
                .collect(Collectors.joining("; "));
    }
}

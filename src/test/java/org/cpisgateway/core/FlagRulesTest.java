package org.cpisgateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The CP-IS rules on their own: plans and history in memory, no Camel, no HL7, no database. */
class FlagRulesTest {

    static final ZoneId LONDON = ZoneId.of("Europe/London");
    /** Every date below is relative to this instant. */
    static final OffsetDateTime NOW = OffsetDateTime.of(2026, 11, 22, 9, 30, 0, 0, ZoneOffset.UTC);
    static final LocalDate TODAY = NOW.toLocalDate();

    final List<Plan> plans = new ArrayList<>();
    final List<AccessRecord> accesses = new ArrayList<>();
    final Map<String, CareSetting> settings = new java.util.HashMap<>(Map.of(
            "ED", new CareSetting("R9Z01-ED", "Riverside ED", "ED", false, true),
            "PAEDS", new CareSetting("R9Z01-PAEDS", "Community paediatrics", "COMMUNITY_PAEDIATRICS", true, true)));
    final Authorities authorities = new Authorities() {
        @Override
        public Authority find(String code) {
            return knows(code) ? new Authority(code, "Council " + code, "0100", "0199") : Authority.unknown(code);
        }

        @Override
        public boolean knows(String code) {
            return code.startsWith("LA9");
        }
    };
    /** visit -> the NHS number it was last looked up with */
    final java.util.Map<String, String> visits = new java.util.HashMap<>();
    final FlagRules rules = new FlagRules(
            nhs -> plans.stream().filter(p -> p.nhsNumber().equals(nhs)).toList(),
            (nhs, limit) -> accesses.stream().limit(limit).toList(),
            (facility, location) -> settings.getOrDefault(location, CareSetting.unmapped(facility)),
            authorities, Set.of("A04"), LONDON, java.time.Period.ofMonths(12), visits::get);

    static Attendance attendance(String nhs, String location, String event) {
        return new Attendance("R9Z01", event, nhs, nhs == null ? "no NHS number in the message" : null, "NSTS01",
                "TESTCHILD", "ROBIN", LocalDate.of(2015, 3, 2), "2", "E", location, NOW.minusMinutes(1));
    }

    @Test
    void anOpenPlanFlagsAndNotifiesItsAuthority() {
        plans.add(new Plan("9990000018", PlanType.CPP, TODAY.minusYears(2), null, "LA901"));
        CheckResult r = rules.check(attendance("9990000018", "ED", "A04"), NOW);
        assertThat(r.status()).isEqualTo(CheckResult.Status.FLAGGED);
        assertThat(r.reasonCode()).isEqualTo("ACTIVE_PLAN");
        assertThat(r.authoritiesToNotify()).containsExactly("LA901");
        assertThat(r.summary()).isEqualTo("Subject to child protection plan (CPP), Council LA901, emergency duty 0199");
    }

    @Test
    void aScheduledSettingIsASilentRead() {
        plans.add(new Plan("9990000018", PlanType.LAC, TODAY.minusYears(1), null, "LA902"));
        CheckResult r = rules.check(attendance("9990000018", "PAEDS", "A04"), NOW);
        assertThat(r.flagged()).isTrue();
        assertThat(r.authoritiesToNotify()).isEmpty();
    }

    @Test
    void aPlanIsActiveFromItsStartToItsEndDayInclusive() {
        plans.add(new Plan("9990000018", PlanType.CPP, TODAY.minusYears(1), TODAY, "LA901"));
        assertThat(rules.check(attendance("9990000018", "ED", "A04"), NOW).flagged()).isTrue();
        plans.clear();
        plans.add(new Plan("9990000018", PlanType.CPP, TODAY.plusDays(1), null, "LA901"));
        assertThat(rules.check(attendance("9990000018", "ED", "A04"), NOW).flagged()).isFalse();
    }

    @Test
    void aPlanThatEndedWithinTwelveMonthsStillFlagsSaysWhenAndNotifies() {
        plans.add(new Plan("9990000018", PlanType.LAC, TODAY.minusYears(3), TODAY.minusDays(1), "LA902"));
        CheckResult r = rules.check(attendance("9990000018", "ED", "A04"), NOW);
        assertThat(r.status()).isEqualTo(CheckResult.Status.FLAGGED);
        assertThat(r.reasonCode()).isEqualTo("RECENTLY_ENDED_PLAN");
        assertThat(r.summary()).isEqualTo("Looked after child (LAC), plan ended on " + TODAY.minusDays(1)
                + ", Council LA902, emergency duty 0199");
        assertThat(r.authoritiesToNotify()).containsExactly("LA902");
        // the last day of the window, and the first day after it
        plans.clear();
        plans.add(new Plan("9990000018", PlanType.CPP, TODAY.minusYears(3), TODAY.minusMonths(12), "LA901"));
        assertThat(rules.check(attendance("9990000018", "ED", "A04"), NOW).reasonCode())
                .isEqualTo("RECENTLY_ENDED_PLAN");
        plans.clear();
        plans.add(new Plan("9990000018", PlanType.CPP, TODAY.minusYears(3), TODAY.minusMonths(12).minusDays(1),
                "LA901"));
        assertThat(rules.check(attendance("9990000018", "ED", "A04"), NOW).reasonCode()).isEqualTo("NO_ACTIVE_PLAN");
    }

    @Test
    void anActivePlanBesideARecentlyEndedOneIsAnActivePlanAndBothAreShown() {
        plans.add(new Plan("9990000018", PlanType.CPP, TODAY.minusYears(2), TODAY.minusMonths(2), "LA901"));
        plans.add(new Plan("9990000018", PlanType.LAC, TODAY.minusMonths(2), null, "LA901"));
        CheckResult r = rules.check(attendance("9990000018", "ED", "A04"), NOW);
        assertThat(r.reasonCode()).isEqualTo("ACTIVE_PLAN");
        assertThat(r.plans()).hasSize(2);
        assertThat(r.summary()).contains("plan ended on " + TODAY.minusMonths(2)).contains("Looked after child (LAC), "
                + "Council LA901");
        assertThat(r.authoritiesToNotify()).containsExactly("LA901");
    }

    @Test
    void eachAuthorityIsNotifiedOnceAndPlansAreInStartOrder() {
        plans.add(new Plan("9990000050", PlanType.UCP, TODAY.minusMonths(4), null, "LA902"));
        plans.add(new Plan("9990000050", PlanType.CPP, TODAY.minusMonths(20), null, "LA901"));
        plans.add(new Plan("9990000050", PlanType.LAC, TODAY.minusMonths(10), null, "LA901"));
        CheckResult r = rules.check(attendance("9990000050", "ED", "A04"), NOW);
        assertThat(r.plans()).extracting(Plan::type).containsExactly(PlanType.CPP, PlanType.LAC, PlanType.UCP);
        assertThat(r.authoritiesToNotify()).containsExactly("LA901", "LA902");
    }

    @Test
    void outOfScopeEventsAndMissingNumbersAreNotChecked() {
        plans.add(new Plan("9990000018", PlanType.CPP, TODAY.minusYears(2), null, "LA901"));
        assertThat(rules.check(attendance("9990000018", "ED", "A08"), NOW).reasonCode()).isEqualTo("EVENT_NOT_IN_SCOPE");
        assertThat(rules.check(attendance(null, "ED", "A04"), NOW).reasonCode()).isEqualTo("NO_NHS_NUMBER");
        Attendance invalid = new Attendance("R9Z01", "A04", null, "NHS number fails the modulus-11 check", null, null,
                null, null, null, null, "ED", null);
        CheckResult r = rules.check(invalid, NOW);
        assertThat(r.status()).isEqualTo(CheckResult.Status.NOT_CHECKED);
        assertThat(r.reasonCode()).isEqualTo("INVALID_NHS_NUMBER");
        assertThat(r.summary()).isEqualTo("Not checked: NHS number fails the modulus-11 check");
    }

    @Test
    void theDayOfTheAttendanceDecidesNotTheDayTheMessageArrives() {
        plans.add(new Plan("9990000018", PlanType.CPP, TODAY.minusYears(2), TODAY.minusDays(10), "LA901"));
        Attendance late = new Attendance("R9Z01", "A04", "9990000018", null, null, null, null, null, null, "E", "ED",
                NOW.minusDays(20)); // an attendance sent three weeks late, while the plan was open
        assertThat(rules.check(late, NOW).reasonCode()).isEqualTo("ACTIVE_PLAN");
        Attendance untimed = new Attendance("R9Z01", "A04", "9990000018", null, null, null, null, null, null, "E", "ED",
                null); // no time in the message: the day it arrived, after the plan ended
        assertThat(rules.check(untimed, NOW).reasonCode()).isEqualTo("RECENTLY_ENDED_PLAN");
    }

    @Test
    void anUnmappedSettingNotifiesBecauseAMissedNotificationIsTheWorseError() {
        plans.add(new Plan("9990000018", PlanType.CPP, TODAY.minusYears(2), null, "LA901"));
        CheckResult r = rules.check(attendance("9990000018", "NOWHERE", "A04"), NOW);
        assertThat(r.setting().mapped()).isFalse();
        assertThat(r.authoritiesToNotify()).containsExactly("LA901");
    }

    @Test
    void theHistoryIsReadOnlyForAFlaggedChild() {
        accesses.add(new AccessRecord(NOW.minusDays(3), "R9Z02-UTC", "Hillside UTC", "UTC", false));
        CheckResult none = rules.check(attendance("9990000069", "ED", "A04"), NOW);
        assertThat(none.history()).isEmpty();
        plans.add(new Plan("9990000069", PlanType.CPP, TODAY.minusYears(2), null, "LA901"));
        assertThat(rules.check(attendance("9990000069", "ED", "A04"), NOW).history()).hasSize(1);
    }

    static Attendance ofVisit(String nhs, String event, String visitNumber, String patientId, String status) {
        return new Attendance("R9Z01", event, nhs, nhs == null ? "no NHS number in the message" : null, status,
                "TESTCHILD", "ROBIN", LocalDate.of(2015, 3, 2), "2", "E", "ED", NOW.minusMinutes(1), visitNumber,
                patientId);
    }

    @Test
    void aVisitIsCheckedAndNotifiedOnceUnlessItsNhsNumberChanges() {
        FlagRules allEvents = new FlagRules(
                nhs -> plans.stream().filter(p -> p.nhsNumber().equals(nhs)).toList(), (nhs, limit) -> List.of(),
                (facility, location) -> settings.getOrDefault(location, CareSetting.unmapped(facility)), authorities,
                Set.of("A04", "A01", "A08", "A31", "A40"), LONDON, java.time.Period.ofMonths(12), visits::get);
        plans.add(new Plan("9990000018", PlanType.CPP, TODAY.minusYears(2), null, "LA901"));
        plans.add(new Plan("9990000026", PlanType.LAC, TODAY.minusYears(2), null, "LA902"));
        CheckResult first = allEvents.check(ofVisit("9990000018", "A04", "V1", "H123", null), NOW);
        assertThat(first.visit()).isEqualTo("R9Z01|visit|V1");
        assertThat(first.visitCheckedBefore()).isFalse();
        assertThat(first.authoritiesToNotify()).containsExactly("LA901");
        visits.put(first.visit(), "9990000018"); // what recording the attendance does

        CheckResult update = allEvents.check(ofVisit("9990000018", "A08", "V1", "H123", null), NOW);
        assertThat(update.status()).isEqualTo(CheckResult.Status.FLAGGED); // the clerk still sees it
        assertThat(update.visitCheckedBefore()).isTrue();
        assertThat(update.authoritiesToNotify()).isEmpty();

        CheckResult corrected = allEvents.check(ofVisit("9990000026", "A08", "V1", "H123", null), NOW);
        assertThat(corrected.visitCheckedBefore()).isFalse();
        assertThat(corrected.authoritiesToNotify()).containsExactly("LA902");

        // no visit number: the sender's patient identifier and the day
        CheckResult byPatient = allEvents.check(ofVisit("9990000018", "A04", null, "H123", null), NOW);
        assertThat(byPatient.visit()).isEqualTo("R9Z01|patient|H123|" + NOW.atZoneSameInstant(LONDON).toLocalDate());
        // neither: every message on its own
        assertThat(allEvents.check(ofVisit("9990000018", "A04", null, null, null), NOW).visit()).isNull();
    }

    @Test
    void anUnverifiedNumberIsNotLookedUpAndAMissingStatusOnlyWhereTheSenderAlwaysSendsIt() {
        plans.add(new Plan("9990000018", PlanType.CPP, TODAY.minusYears(2), null, "LA901"));
        assertThat(rules.check(ofVisit("9990000018", "A04", "V2", "H1", "NSTS01"), NOW).flagged()).isTrue();
        assertThat(rules.check(ofVisit("9990000018", "A04", "V2", "H1", "01"), NOW).flagged()).isTrue();
        assertThat(rules.check(ofVisit("9990000018", "A04", "V2", "H1", null), NOW).flagged()).isTrue();
        CheckResult untraced = rules.check(ofVisit("9990000018", "A04", "V2", "H1", "NSTS02"), NOW);
        assertThat(untraced.status()).isEqualTo(CheckResult.Status.NOT_CHECKED);
        assertThat(untraced.reasonCode()).isEqualTo("NHS_NUMBER_NOT_VERIFIED");
        assertThat(untraced.summary()).isEqualTo("Not checked: NHS number not verified (status 02, number present but "
                + "not traced); check CP-IS once it is traced and verified");
        assertThat(untraced.plans()).isEmpty();
        assertThat(rules.check(ofVisit("9990000018", "A04", "V2", "H1", "08"), NOW).reasonCode())
                .isEqualTo("NHS_NUMBER_NOT_VERIFIED");
        assertThat(rules.check(ofVisit("9990000018", "A04", "V2", "H1", "XX"), NOW).summary())
                .contains("status not recognised");
        settings.put("ED", new CareSetting("R9Z01-ED", "ED", "ED", false, true, true)); // this sender always sends it
        assertThat(rules.check(ofVisit("9990000018", "A04", "V2", "H1", null), NOW).reasonCode())
                .isEqualTo("NHS_NUMBER_STATUS_MISSING");
        assertThat(rules.check(ofVisit("9990000018", "A04", "V2", "H1", "NSTS01"), NOW).flagged()).isTrue();
    }
}

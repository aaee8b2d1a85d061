package org.cpisgateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;

import org.cpisgateway.TestNhsNumbers;
import org.junit.jupiter.api.Test;

/**
 * The rules of an upload's rows, with no store: each rule's code, the order they are checked in, and the share of
 * open plans a snapshot may end.
 */
class PlanUploadRulesTest {

    private static final String NHS = new TestNhsNumbers(999_730_000L).next();
    /** Compared only with dates relative to it, never with today. */
    private static final LocalDate START = LocalDate.of(2020, 4, 10);

    private static PlanUploadRules.Checked check(String nhs, String type, String start, String end, String action,
                                                 String authorityCode) {
        return PlanUploadRules.check(nhs, type, start, end, action, authorityCode, "LA1");
    }

    private static String rule(PlanUploadRules.Checked checked) {
        return checked.broken() == null ? null : checked.broken().rule();
    }

    @Test
    void aGoodRowNamesItsPlanWithTheNumberSpacesRemoved() {
        String spaced = NHS.substring(0, 3) + " " + NHS.substring(3, 6) + " " + NHS.substring(6);
        PlanUploadRules.Checked row = check(spaced, "lac", START.toString(), START.plusDays(30).toString(), null,
                "la1");
        assertThat(row.broken()).isNull();
        assertThat(row.plan("LA1")).isEqualTo(new Plan(NHS, PlanType.LAC, START, START.plusDays(30), "LA1"));
        assertThat(row.action()).isEqualTo(PlanUploadRules.Action.UPSERT);
    }

    @Test
    void eachRuleOfTheRowHasItsCode() {
        assertThat(rule(check("123", "CPP", START.toString(), null, null, null)))
                .isEqualTo(PlanUploadRules.FORMAT_INCORRECT);
        assertThat(rule(check(null, "CPP", START.toString(), null, null, null)))
                .isEqualTo(PlanUploadRules.FORMAT_INCORRECT);
        assertThat(rule(check(NHS, "XYZ", START.toString(), null, null, null))).isEqualTo(PlanUploadRules.PLAN_TYPE);
        assertThat(rule(check(NHS, "CPP", START.toString(), null, null, "LA2")))
                .isEqualTo(PlanUploadRules.OTHER_AUTHORITY_NAMED);
        assertThat(rule(check(NHS, "CPP", null, null, null, null))).isEqualTo(PlanUploadRules.START_DATE);
        assertThat(rule(check(NHS, "CPP", "01/02/2003", null, null, null))).isEqualTo(PlanUploadRules.START_DATE);
        assertThat(rule(check(NHS, "CPP", START.toString(), "soon", null, null))).isEqualTo(PlanUploadRules.END_DATE);
        assertThat(rule(check(NHS, "CPP", START.toString(), START.minusDays(1).toString(), null, null)))
                .isEqualTo(PlanUploadRules.END_BEFORE_START);
        assertThat(rule(check(NHS, "CPP", START.toString(), START.toString(), null, null)))
                .as("a plan may end the day it starts").isNull();
    }

    @Test
    void theFirstRuleBrokenIsTheOneReportedAndTheNumberIsNeverEchoed() {
        PlanUploadRules.Checked row = check(NHS + "1", "XYZ", null, null, "EXPLODE", "LA2");
        assertThat(rule(row)).isEqualTo(PlanUploadRules.FORMAT_INCORRECT);
        assertThat(row.broken().reason()).doesNotContain(NHS);
        assertThat(check(NHS, null, null, null, null, null).broken().reason()).isEqualTo(
                "unknown plan type '': use CPP, LAC or UCP");
    }

    @Test
    void theRulesThatNeedThePlansHolder() {
        PlanUploadRules.Checked upsert = check(NHS, "CPP", START.toString(), null, null, null);
        assertThat(PlanUploadRules.againstHolder(upsert, null, "LA1")).as("a new plan").isNull();
        assertThat(PlanUploadRules.againstHolder(upsert, "LA1", "LA1")).as("its own plan").isNull();
        assertThat(PlanUploadRules.againstHolder(upsert, "LA2", "LA1").rule())
                .isEqualTo(PlanUploadRules.HELD_BY_ANOTHER);

        PlanUploadRules.Checked endWithoutDate = check(NHS, "CPP", START.toString(), null, "end", null);
        assertThat(PlanUploadRules.againstHolder(endWithoutDate, "LA1", "LA1").rule())
                .isEqualTo(PlanUploadRules.END_WITHOUT_DATE);
        PlanUploadRules.Checked end = check(NHS, "CPP", START.toString(), START.plusDays(1).toString(), "END", null);
        assertThat(PlanUploadRules.againstHolder(end, null, "LA1").rule()).isEqualTo(PlanUploadRules.NO_SUCH_PLAN);
        assertThat(PlanUploadRules.againstHolder(end, "LA1", "LA1")).isNull();

        PlanUploadRules.Checked delete = check(NHS, "CPP", START.toString(), null, "Delete", null);
        assertThat(PlanUploadRules.againstHolder(delete, null, "LA1")).as("deleting what is not there").isNull();
        assertThat(delete.action()).isEqualTo(PlanUploadRules.Action.DELETE);

        PlanUploadRules.Checked unknown = check(NHS, "CPP", START.toString(), null, "Explode", null);
        assertThat(unknown.broken()).as("the action is a rule that needs the holder").isNull();
        assertThat(PlanUploadRules.againstHolder(unknown, "LA2", "LA1").rule())
                .as("a plan held by another is reported before the action").isEqualTo(PlanUploadRules.HELD_BY_ANOTHER);
        PlanUploadRules.Broken unknownAction = PlanUploadRules.againstHolder(unknown, null, "LA1");
        assertThat(unknownAction.rule()).isEqualTo(PlanUploadRules.UNKNOWN_ACTION);
        assertThat(unknownAction.reason()).contains("'Explode'");
    }

    @Test
    void actionsByName() {
        assertThat(PlanUploadRules.Action.of(null)).isEqualTo(PlanUploadRules.Action.UPSERT);
        assertThat(PlanUploadRules.Action.of("create")).isEqualTo(PlanUploadRules.Action.UPSERT);
        assertThat(PlanUploadRules.Action.of("UPDATE")).isEqualTo(PlanUploadRules.Action.UPSERT);
        assertThat(PlanUploadRules.Action.of("end")).isEqualTo(PlanUploadRules.Action.END);
        assertThat(PlanUploadRules.Action.of("")).isNull();
        assertThat(PlanUploadRules.Action.of("remove")).isNull();
    }

    @Test
    void aSnapshotMayEndUpToItsShareOfTheOpenPlans() {
        assertThat(PlanUploadRules.snapshotEndsTooMany(1, 10, 10)).as("exactly the share").isFalse();
        assertThat(PlanUploadRules.snapshotEndsTooMany(2, 10, 10)).isTrue();
        assertThat(PlanUploadRules.snapshotEndsTooMany(0, 0, 0)).as("nothing open, nothing ended").isFalse();
        assertThat(PlanUploadRules.snapshotEndsTooMany(1, 1, 100)).isFalse();
    }

    @Test
    void datesAreIsoOrNothing() {
        assertThat(PlanUploadRules.date(START.toString())).isEqualTo(START);
        assertThat(PlanUploadRules.date(null)).isNull();
        assertThat(PlanUploadRules.date("2021-02-30")).isNull();
    }
}

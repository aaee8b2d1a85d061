package org.cpisgateway.core;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The CP-IS rules of an authority's plan upload: what makes a row valid, with the national service's codes (CPR04 NHS
 * number format incorrect; CPR07 rejected, with a sub-code naming the rule: the table in docs/uploads.md), and how many
 * of its open plans an authority's snapshot may end.
 *
 * <p>A row's rules are checked in two steps, each stopping at the first rule broken: those that need only the row and
 * the uploading authority ({@link #check}), then, once the store has said which authority holds the plan, those that
 * need that ({@link #againstHolder}).
 */
public final class PlanUploadRules {

    /** CPR04: the NHS number is missing, not ten digits, or fails its check digit. */
    public static final String FORMAT_INCORRECT = "CPR04";
    /** CPR07: rejected for another reason, which a sub-code names. */
    public static final String REJECTED = "CPR07";

    public static final String PLAN_TYPE = "CPR07-01";
    public static final String OTHER_AUTHORITY_NAMED = "CPR07-02";
    public static final String START_DATE = "CPR07-03";
    public static final String END_DATE = "CPR07-04";
    public static final String END_BEFORE_START = "CPR07-05";
    public static final String HELD_BY_ANOTHER = "CPR07-06";
    public static final String END_WITHOUT_DATE = "CPR07-07";
    public static final String NO_SUCH_PLAN = "CPR07-08";
    public static final String UNKNOWN_ACTION = "CPR07-09";

    private PlanUploadRules() {
    }

    /** What a row asks for. */
    public enum Action {
        /** Create the plan, or update its end date (the action empty, UPSERT, CREATE or UPDATE). */
        UPSERT,
        /** Set the end date of an existing plan. */
        END,
        /** Remove the plan (one that is not there is accepted: the end state is the one asked for). */
        DELETE;

        /** The action a cell names (any case; empty is UPSERT), or null when it names none. */
        public static Action of(String cell) {
            if (cell == null) {
                return UPSERT;
            }
            return switch (cell.toUpperCase(Locale.ROOT)) {
                case "UPSERT", "CREATE", "UPDATE" -> UPSERT;
                case "END" -> END;
                case "DELETE" -> DELETE;
                default -> null;
            };
        }
    }

    /** A rule a row breaks: its code ({@link #FORMAT_INCORRECT}, or a CPR07 sub-code) and why, in words. */
    public record Broken(String rule, String reason) {
    }

    /**
     * A row after {@link #check}: the first rule it breaks, or (broken null) the plan it names (a plan is identified by
     * NHS number, type and start date) and its action cell as sent.
     */
    public record Checked(Broken broken, String nhsNumber, PlanType type, LocalDate start, LocalDate end,
                          String actionCell) {

        static Checked broken(String rule, String reason) {
            return new Checked(new Broken(rule, reason), null, null, null, null, null);
        }

        /** The action the row asks for; null when its cell names none ({@link #againstHolder} rejects it). */
        public Action action() {
            return Action.of(actionCell);
        }

        /** The plan as the row would leave it, held by {@code authority}. */
        public Plan plan(String authority) {
            return new Plan(nhsNumber, type, start, end, authority);
        }
    }

    /**
     * The rules that need only the row: a valid NHS number (spaces removed), a known plan type, no other authority
     * named than the one uploading, a start date, an end date (when given) that is a date and not before the start.
     *
     * @param uploadingAuthority the authority whose queue or folder the upload came through
     */
    public static Checked check(String nhsNumber, String planType, String startDate, String endDate, String action,
                                String authorityCode, String uploadingAuthority) {
        String nhs = NhsNumber.normalise(nhsNumber);
        String problem = NhsNumber.problem(nhs);
        if (problem != null) {
            return Checked.broken(FORMAT_INCORRECT, problem);
        }
        PlanType type = PlanType.fromCode(planType);
        if (type == null) {
            return Checked.broken(PLAN_TYPE, "unknown plan type '" + (planType == null ? "" : planType)
                    + "': use CPP, LAC or UCP");
        }
        if (authorityCode != null && !authorityCode.equalsIgnoreCase(uploadingAuthority)) {
            return Checked.broken(OTHER_AUTHORITY_NAMED, "row names authority " + authorityCode
                    + " but this upload is from " + uploadingAuthority);
        }
        LocalDate start = date(startDate);
        if (start == null) {
            return Checked.broken(START_DATE, "start_date missing or not a date (YYYY-MM-DD)");
        }
        LocalDate end = null;
        if (endDate != null) {
            end = date(endDate);
            if (end == null) {
                return Checked.broken(END_DATE, "end_date is not a date (YYYY-MM-DD)");
            }
            if (end.isBefore(start)) {
                return Checked.broken(END_BEFORE_START, "end_date is before start_date");
            }
        }
        return new Checked(null, nhs, type, start, end, action);
    }

    /**
     * The rules that need the plan's holder, for a row that passed {@link #check}: a plan another authority holds is
     * not touched; END needs an end date and a plan to end; the action must be one there is.
     *
     * @param holder the authority that holds the plan now, or null when there is no such plan
     * @return the first rule broken, or null when the row may be applied
     */
    public static Broken againstHolder(Checked row, String holder, String uploadingAuthority) {
        if (holder != null && !holder.equals(uploadingAuthority)) {
            return new Broken(HELD_BY_ANOTHER, "this plan is held by another authority");
        }
        Action action = row.action();
        if (action == null) {
            return new Broken(UNKNOWN_ACTION, "unknown action '" + row.actionCell()
                    + "': use UPSERT (or empty), END or DELETE");
        }
        if (action == Action.END && row.end() == null) {
            return new Broken(END_WITHOUT_DATE, "END needs an end_date");
        }
        if (action == Action.END && holder == null) {
            return new Broken(NO_SUCH_PLAN, "no such plan to end (NHS number, type and start date)");
        }
        return null;
    }

    /**
     * Whether a snapshot would end too many of the authority's open plans: more than {@code maxPercent} of the
     * {@code open} ones (such a snapshot is applied only when it says {@code force}).
     */
    public static boolean snapshotEndsTooMany(int ending, int open, int maxPercent) {
        return ending * 100L > (long) maxPercent * open;
    }

    /** An ISO date ({@code YYYY-MM-DD}), or null when the cell is empty or not one. */
    public static LocalDate date(String cell) {
        if (cell == null) {
            return null;
        }
        try {
            return LocalDate.parse(cell);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}

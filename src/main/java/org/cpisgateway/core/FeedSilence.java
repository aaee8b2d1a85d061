package org.cpisgateway.core;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;

/**
 * When a care setting's feed counts as silent: its PAS has stopped sending (an interface change, a firewall, a stuck
 * outbound queue), so every child registered meanwhile goes unchecked.
 * <ul>
 * <li>A setting that has never sent anything is <b>not yet live</b>, never silent (a rollout, setting by setting).</li>
 * <li>With usual traffic learnt ({@link UsualTraffic}): silent once the messages it usually sends in the time since
 * its last one add up to {@code expectedMessages} or more, and, when a threshold is set, that time is longer than the
 * threshold too (the threshold only ever waits longer). Hours in which it usually sends nothing add nothing: a GP
 * practice closed at night is not silent at night, and its silence starts counting when it usually opens.</li>
 * <li>Without usual traffic (not enough weeks yet), with a threshold: silent once nothing came for longer than it.</li>
 * <li>With neither: never silent (it is learning).</li>
 * </ul>
 * With Poisson-like arrivals, a gap with {@code n} messages expected happens by chance with probability e^-n per gap:
 * 10 expected is about 1 gap in 22,000, a false alarm a few times a year for a busy emergency department.
 */
public final class FeedSilence {

    /** What the operations page and the gauges show for a setting. */
    public enum State {
        NOT_YET_LIVE("not yet live"), LIVE("live"), SILENT("silent");

        private final String label;

        State(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** What the judgement was made on. */
    public enum Basis {
        /** Usual traffic learnt from the store (and a threshold, when set, as a floor). */
        USUAL_TRAFFIC("usual traffic"),
        /** A threshold set for the setting (or the gateway's default): no usual traffic learnt yet. */
        THRESHOLD("threshold"),
        /** Neither: never silent until usual traffic is learnt or a threshold set. */
        LEARNING("learning");

        private final String label;

        Basis(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * One judgement. {@code age} is null when nothing was ever sent; {@code usualPerHour} and {@code expectedSince}
     * are negative when no usual traffic is learnt.
     */
    public record Verdict(State state, Basis basis, Duration age, double usualPerHour, double expectedSince) {
        public boolean silent() {
            return state == State.SILENT;
        }
    }

    private final double expectedMessages;

    /** @param expectedMessages how many messages must usually have come since the last one for a silence */
    public FeedSilence(double expectedMessages) {
        if (!(expectedMessages > 0)) {
            throw new IllegalArgumentException("expected messages must be above 0");
        }
        this.expectedMessages = expectedMessages;
    }

    public double expectedMessages() {
        return expectedMessages;
    }

    /**
     * @param last      when the setting last sent a message, or null when it never did
     * @param threshold the setting's own threshold (or the default), or null for none
     * @param usual     its usual traffic, or null when not learnt
     * @param now       now, in the gateway's zone (the hours of the week are counted in it)
     */
    public Verdict judge(Instant last, Duration threshold, UsualTraffic usual, ZonedDateTime now) {
        double perHour = usual == null ? -1 : usual.perHour(now);
        Basis basis = usual != null ? Basis.USUAL_TRAFFIC : threshold != null ? Basis.THRESHOLD : Basis.LEARNING;
        if (last == null) {
            return new Verdict(State.NOT_YET_LIVE, basis, null, perHour, -1);
        }
        Duration age = Duration.between(last, now.toInstant());
        if (age.isNegative()) {
            age = Duration.ZERO;
        }
        boolean pastThreshold = threshold == null || age.compareTo(threshold) > 0;
        double expected = -1;
        boolean silent;
        if (usual != null) {
            expected = usual.expectedBetween(last.atZone(now.getZone()), now);
            silent = expected >= expectedMessages && pastThreshold;
        } else {
            silent = threshold != null && pastThreshold;
        }
        return new Verdict(silent ? State.SILENT : State.LIVE, basis, age, perHour, expected);
    }
}

package org.cpisgateway.config;

/**
 * The watch on silent feeds ({@code cpis.feeds.*}): how often each care setting's feed is checked, how its usual
 * traffic is learnt from the store (weeks back, the fewest weeks before it applies, how often it is learnt again),
 * how many usual messages must be missing for a silence, and the threshold of a setting that sets none (0: none).
 */
public record FeedSettings(int checkIntervalMs, int learnWeeks, int learnMinWeeks, int learnEveryHours,
                           int expectedMessages, int silentAfterMinutes) {

    static FeedSettings read(SettingsReader r) {
        FeedSettings s = new FeedSettings(r.integer("cpis.feeds.check-interval-ms"), r.integer("cpis.feeds.learn-weeks"),
                r.integer("cpis.feeds.learn-min-weeks"), r.integer("cpis.feeds.learn-every-hours"),
                r.integer("cpis.feeds.expected-messages"), r.integer("cpis.feeds.silent-after-minutes"));
        if (s.checkIntervalMs() < 1) {
            r.problem("cpis.feeds.check-interval-ms must be above 0 (conf/application.properties)");
        }
        if (s.learnWeeks() < 1 || s.learnMinWeeks() < 1 || s.learnMinWeeks() > s.learnWeeks()) {
            r.problem("cpis.feeds.learn-weeks and cpis.feeds.learn-min-weeks must be above 0, the minimum no more than "
                    + "the weeks (conf/application.properties)");
        }
        if (s.learnEveryHours() < 1) {
            r.problem("cpis.feeds.learn-every-hours must be above 0 (conf/application.properties)");
        }
        if (s.expectedMessages() < 1) {
            r.problem("cpis.feeds.expected-messages must be above 0 (conf/application.properties)");
        }
        if (s.silentAfterMinutes() < 0) {
            r.problem("cpis.feeds.silent-after-minutes must be 0 (none) or above (conf/application.properties)");
        }
        return s;
    }
}

package org.cpisgateway.ops;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.component.mllp.MllpEndpoint;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.service.ServiceSupport;
import org.cpisgateway.core.Attendance;
import org.cpisgateway.core.CareSetting;
import org.cpisgateway.core.FeedSilence;
import org.cpisgateway.core.IsoTime;
import org.cpisgateway.core.UsualTraffic;
import org.cpisgateway.hl7.Er7Segments;
import org.cpisgateway.hl7.MshHeader;
import org.cpisgateway.inbound.InboundMessage;
import org.cpisgateway.mapping.CareSettingDirectory;
import org.cpisgateway.store.FeedTraffic;
import org.cpisgateway.supervision.Workers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches each care setting's feed for silence ({@link FeedSilence}): when it last sent a message (kept in memory as
 * messages arrive over MLLP, no store round trip per message; from the store at start), its usual traffic per hour
 * of the week (learnt from the store's messages, again every {@code learnEvery}), and its threshold
 * ({@code silent_after_minutes} in {@code mappings/care-settings.csv}, live edits included). A periodic check, a
 * supervised worker ({@code feed-watch}), judges each setting, logs WARN once when it falls silent and INFO when it
 * sends again, and keeps the gauges {@code cpis_feed_*{setting}} and the operations page's rows. A setting that looks
 * silent is checked against the store first, where every gateway sharing it writes its messages. Setting codes and
 * times only: no patient data.
 */
public class FeedWatch extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(FeedWatch.class);

    /** How it learns and judges. {@code defaultThreshold}: for a setting that sets none (null: none). */
    public record Options(Duration checkEvery, int learnWeeks, int learnMinWeeks, Duration learnEvery,
                          double expectedMessages, Duration defaultThreshold) {
    }

    /** One setting's feed: its last message and the last judgement; its meters once registered. */
    private static final class Watched {
        final String code;
        final AtomicReference<Instant> last = new AtomicReference<>();
        volatile FeedSilence.Verdict verdict;
        volatile Duration threshold;
        volatile UsualTraffic usual;
        List<Meter> meters;

        Watched(String code) {
            this.code = code;
        }

        void sent(Instant at) {
            last.accumulateAndGet(at, (a, b) -> a == null || b.isAfter(a) ? b : a);
        }

        FeedSilence.State state() {
            FeedSilence.Verdict v = verdict;
            return v != null ? v.state() : last.get() == null ? FeedSilence.State.NOT_YET_LIVE : FeedSilence.State.LIVE;
        }
    }

    private final CareSettingDirectory settings;
    private final FeedTraffic traffic;
    private final Clock clock;
    private final Options options;
    private final FeedSilence rule;
    private final MeterRegistry registry;
    private final Workers.Worker health;
    private final Map<String, Watched> watched = new ConcurrentHashMap<>();
    private volatile Instant learntAt;
    private volatile boolean storeWarned;
    private ScheduledExecutorService scheduler;

    public FeedWatch(CareSettingDirectory settings, FeedTraffic traffic, Clock clock, Options options,
                     MeterRegistry registry, Workers workers) {
        this.settings = settings;
        this.traffic = traffic;
        this.clock = clock;
        this.options = options;
        this.rule = new FeedSilence(options.expectedMessages());
        this.registry = registry;
        this.health = workers.worker("feed-watch");
    }

    /** Notes each message received over MLLP against its care setting (an event notifier: routes stay as they are). */
    public EventNotifierSupport arrivals() {
        EventNotifierSupport notifier = new EventNotifierSupport() {
            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.ExchangeCompletedEvent
                        || event instanceof CamelEvent.ExchangeFailedEvent;
            }

            @Override
            public void notify(CamelEvent event) {
                Exchange exchange = ((CamelEvent.ExchangeEvent) event).getExchange();
                if (exchange.getFromEndpoint() instanceof MllpEndpoint
                        && exchange.getMessage().getBody() instanceof InboundMessage m) {
                    Attendance a = m.attendance();
                    MshHeader msh = m.msh();
                    received(a != null ? a.sendingFacility() : msh == null ? null : msh.sendingFacilityCode(),
                            a != null ? a.location() : null, m.receivedAt().toInstant());
                }
            }
        };
        notifier.setIgnoreCamelContextEvents(true);
        notifier.setIgnoreRouteEvents(true);
        notifier.setIgnoreServiceEvents(true);
        notifier.setIgnoreStepEvents(true);
        notifier.setIgnoreExchangeCreatedEvent(true);
        notifier.setIgnoreExchangeSendingEvents(true);
        notifier.setIgnoreExchangeSentEvents(true);
        notifier.setIgnoreExchangeRedeliveryEvents(true);
        notifier.setIgnoreExchangeAsyncProcessingStartedEvents(true);
        return notifier;
    }

    /** A message from {@code facility} (MSH-4), point of care {@code location} (PV1-3, null if none), at {@code at}. */
    public void received(String facility, String location, Instant at) {
        String code = codeOf(facility, location);
        if (code != null) {
            watched.computeIfAbsent(code, Watched::new).sent(at);
        }
    }

    /** The setting a message of the facility and point of care counts for, or null when the facility is not ours. */
    private String codeOf(String facility, String location) {
        if (facility == null || facility.isEmpty() || !settings.knowsFacility(facility)) {
            return null;
        }
        CareSetting setting = settings.find(facility, location);
        return setting.mapped() ? setting.code() : null;
    }

    @Override
    protected void doStart() {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cpis-feed-watch");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::supervisedCheck, 0, options.checkEvery().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    /**
     * A check that cannot end the schedule: a scheduled task that throws is never run again, and a watch on silence
     * that falls silent itself would be the worst kind. A failure is logged and noted (down until a check succeeds).
     */
    private void supervisedCheck() {
        try {
            check();
            health.running();
        } catch (Throwable failed) {
            health.died(failed);
            LOG.error("The check of silent feeds failed; the next is tried in its turn", failed);
        }
    }

    /** Learns usual traffic when due, then judges every setting of the care settings table now. */
    public void check() {
        Instant now = clock.instant();
        Instant learnt = learntAt;
        if (learnt == null || !now.isBefore(learnt.plus(options.learnEvery())) || now.isBefore(learnt)) {
            learn(now);
        }
        Map<String, List<CareSettingDirectory.Feed>> feeds = settings.feeds().stream()
                .collect(Collectors.groupingBy(CareSettingDirectory.Feed::code, LinkedHashMap::new,
                        Collectors.toList()));
        for (Map.Entry<String, List<CareSettingDirectory.Feed>> e : feeds.entrySet()) {
            Watched w = watched.computeIfAbsent(e.getKey(), Watched::new);
            w.threshold = e.getValue().stream().map(CareSettingDirectory.Feed::silentAfter)
                    .filter(java.util.Objects::nonNull).findFirst().orElse(options.defaultThreshold());
            if (w.meters == null) {
                w.meters = register(w);
            }
            judge(w, e.getValue(), now);
        }
        for (Watched w : List.copyOf(watched.values())) {
            if (!feeds.containsKey(w.code)) { // no longer in the table (a live edit)
                watched.remove(w.code);
                if (w.meters != null) {
                    w.meters.forEach(registry::remove);
                }
            }
        }
    }

    private void judge(Watched w, List<CareSettingDirectory.Feed> rows, Instant now) {
        ZonedDateTime at = now.atZone(clock.getZone());
        FeedSilence.Verdict v = rule.judge(w.last.get(), w.threshold, w.usual, at);
        if (v.silent()) {
            // another gateway sharing the store may have had its messages: the store has the last word
            lastFromStore(w, rows);
            v = rule.judge(w.last.get(), w.threshold, w.usual, at);
        }
        FeedSilence.State before = w.state();
        FeedSilence.Verdict previous = w.verdict;
        w.verdict = v;
        if (v.silent() && (previous == null || !previous.silent())) {
            LOG.warn("Feed silent: care setting {} has sent nothing for {} min (last message {}); {} (check its PAS "
                    + "interface, firewall and outbound queue)", w.code, v.age().toMinutes(),
                    IsoTime.of(w.last.get().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC)), why(v, w.threshold));
        } else if (previous != null && previous.silent() && !v.silent()) {
            LOG.info("Feed resumed: care setting {} sends again (last message {})", w.code,
                    IsoTime.of(w.last.get().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC)));
        } else if (previous != null && before == FeedSilence.State.NOT_YET_LIVE
                && v.state() != FeedSilence.State.NOT_YET_LIVE) {
            LOG.info("Feed live: care setting {} sent its first message", w.code);
        }
    }

    private String why(FeedSilence.Verdict v, Duration threshold) {
        String floor = threshold == null ? "" : ", and its threshold of " + threshold.toMinutes() + " min has passed";
        return v.basis() == FeedSilence.Basis.USUAL_TRAFFIC
                ? String.format(java.util.Locale.ROOT, "%.1f messages usually come in that time%s",
                v.expectedSince(), floor)
                : "its threshold of " + threshold.toMinutes() + " min has passed (no usual traffic learnt yet)";
    }

    /** Messages in the store since the one last known, e.g. received by another gateway sharing it. */
    private void lastFromStore(Watched w, List<CareSettingDirectory.Feed> rows) {
        Instant known = w.last.get();
        if (known == null) {
            return;
        }
        try {
            for (String facility : rows.stream().map(CareSettingDirectory.Feed::facility).distinct().toList()) {
                boolean located = located().contains(facility);
                traffic.receivedAfter(known, facility, located, (from, at, raw) -> {
                    if (w.code.equals(codeOf(from, located ? location(raw) : null))) {
                        w.sent(at);
                    }
                });
            }
            storeWarned = false;
        } catch (SQLException storeDown) {
            storeUnavailable(storeDown);
        }
    }

    /**
     * Learns each setting's usual traffic from the last {@code learnWeeks} weeks of messages in the store, and the
     * last message of each (the memory of a gateway just started). A store that does not answer leaves what was
     * learnt before; it is tried again at the next check.
     */
    private void learn(Instant now) {
        try {
            ZonedDateTime at = now.atZone(clock.getZone());
            Map<String, UsualTraffic.Tally> tallies = new HashMap<>();
            Map<String, Instant> lasts = new HashMap<>();
            Set<String> located = located();
            FeedTraffic.Received count = (facility, when, raw) -> {
                String code = codeOf(facility, located.contains(facility) ? location(raw) : null);
                if (code != null) {
                    tallies.computeIfAbsent(code, c -> new UsualTraffic.Tally(at, options.learnWeeks(),
                            options.learnMinWeeks())).add(when);
                    lasts.merge(code, when, (a, b) -> b.isAfter(a) ? b : a);
                }
            };
            Instant since = new UsualTraffic.Tally(at, options.learnWeeks(), options.learnMinWeeks()).since();
            traffic.receivedAfter(since, null, false, (facility, when, raw) -> {
                if (!located.contains(facility)) {
                    count.accept(facility, when, null);
                }
            });
            for (String facility : located) {
                traffic.receivedAfter(since, facility, true, count);
            }
            Map<String, FeedTraffic.Span> spans = traffic.spans();
            for (CareSettingDirectory.Feed feed : settings.feeds()) {
                FeedTraffic.Span span = spans.get(feed.facility());
                if (span == null) {
                    continue;
                }
                if (feed.location() == null) { // a facility's last message of any point of care: its default's
                    lasts.merge(feed.code(), span.last(), (a, b) -> b.isAfter(a) ? b : a);
                }
                UsualTraffic.Tally tally = tallies.get(feed.code());
                if (tally != null) { // its facility's first message: as long as the store tells it has been live
                    tally.sentSince(span.first());
                }
            }
            lasts.forEach((code, last) -> watched.computeIfAbsent(code, Watched::new).sent(last));
            for (CareSettingDirectory.Feed feed : settings.feeds()) {
                UsualTraffic.Tally tally = tallies.get(feed.code());
                watched.computeIfAbsent(feed.code(), Watched::new).usual = tally == null ? null : tally.result();
            }
            learntAt = now;
            storeWarned = false;
        } catch (SQLException storeDown) {
            storeUnavailable(storeDown);
        }
    }

    private void storeUnavailable(SQLException e) {
        if (!storeWarned) {
            storeWarned = true;
            LOG.warn("The check of silent feeds could not read the store ({}); it judges on what it knows and tries "
                    + "again at the next check", e.getClass().getName());
        }
    }

    /** Facilities with a row for a point of care of their own: their messages' PV1-3 tells which setting. */
    private Set<String> located() {
        return settings.feeds().stream().filter(f -> f.location() != null).map(CareSettingDirectory.Feed::facility)
                .collect(Collectors.toSet());
    }

    /** PV1-3's first component of a stored message, or null (its facility's default setting then). */
    static String location(byte[] raw) {
        if (raw == null) {
            return null;
        }
        Er7Segments segments = Er7Segments.of(new String(raw, StandardCharsets.ISO_8859_1));
        Er7Segments.Segment pv1 = segments == null ? null : segments.first("PV1");
        return pv1 == null ? null : pv1.get(3, 0, 1, 1);
    }

    private List<Meter> register(Watched w) {
        List<Meter> meters = new ArrayList<>();
        meters.add(Gauge.builder("cpis.feed.last.message.age", w, x -> ageSeconds(x))
                .description("Seconds since the care setting's last message (-1: none yet, not yet live)")
                .baseUnit("seconds").tag("setting", w.code).strongReference(true).register(registry));
        meters.add(Gauge.builder("cpis.feed.expected.messages.per.hour", w,
                        x -> x.usual == null ? -1 : x.usual.perHour(clock.instant().atZone(clock.getZone())))
                .description("Messages the care setting usually sends in this hour of the week (-1: not learnt yet)")
                .tag("setting", w.code).strongReference(true).register(registry));
        meters.add(Gauge.builder("cpis.feed.silent", w, x -> x.state() == FeedSilence.State.SILENT ? 1 : 0)
                .description("1 while the care setting's feed is silent (nothing for longer than its usual traffic "
                        + "or threshold allows), else 0")
                .tag("setting", w.code).strongReference(true).register(registry));
        meters.add(Gauge.builder("cpis.feed.live", w, x -> x.state() == FeedSilence.State.NOT_YET_LIVE ? 0 : 1)
                .description("1 once the care setting has sent a message, 0 while it is not yet live")
                .tag("setting", w.code).strongReference(true).register(registry));
        return meters;
    }

    private double ageSeconds(Watched w) {
        Instant last = w.last.get();
        return last == null ? -1 : Math.max(0, Duration.between(last, clock.instant()).toSeconds());
    }

    /** Per setting, for the operations page: state, last message and its age, usual traffic now, threshold. */
    public List<Map<String, Object>> rows() {
        List<Map<String, Object>> rows = new ArrayList<>();
        Set<String> codes = new java.util.LinkedHashSet<>();
        settings.feeds().forEach(f -> codes.add(f.code()));
        for (String code : codes) {
            Watched w = watched.get(code);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("setting", code);
            if (w == null) {
                row.put("state", FeedSilence.State.NOT_YET_LIVE.label());
                rows.add(row);
                continue;
            }
            Instant last = w.last.get();
            FeedSilence.Verdict v = w.verdict;
            row.put("state", w.state().label());
            row.put("lastMessageAt", last == null ? null : IsoTime.of(last.atOffset(ZoneOffset.UTC)));
            row.put("lastMessageAgeSeconds", last == null ? null : (long) ageSeconds(w));
            row.put("usualPerHour", w.usual == null ? null
                    : Math.round(w.usual.perHour(clock.instant().atZone(clock.getZone())) * 10) / 10.0);
            row.put("basis", v == null ? null : v.basis().label());
            row.put("silentAfterMinutes", w.threshold == null ? null : w.threshold.toMinutes());
            rows.add(row);
        }
        return rows;
    }
}

package org.cpisgateway.ops;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.Exchange;
import org.apache.camel.component.mllp.MllpEndpoint;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.cpisgateway.core.CheckResult;
import org.cpisgateway.hl7.Er7Segments;
import org.cpisgateway.hl7.MshHeader;
import org.cpisgateway.inbound.InboundMessage;

/**
 * The gateway's own Prometheus metrics, counted from each finished MLLP exchange (so routes stay free of counting
 * steps). Labels never carry patient data: the sender is the MSH-4 facility code only when it is one of ours (in
 * {@code mappings/care-settings.csv}, else {@code unmapped}), so a stray sender cannot invent label values; the
 * event is a validated trigger event code, else {@code other}.
 */
public class GatewayMetrics extends EventNotifierSupport {

    private final MeterRegistry registry;
    private final Predicate<String> knownSender;
    private final Timer lookup;
    // the meters of each label combination, built once: the labels' values are few (see the class comment)
    private final Map<Received, Counter> received = new ConcurrentHashMap<>();
    private final Map<String, Counter> acks = new ConcurrentHashMap<>();
    private final Map<Result, Counter> results = new ConcurrentHashMap<>();
    private final Map<String, Timer> processing = new ConcurrentHashMap<>();

    private record Received(String event, String sender) {
    }

    private record Result(String status, String reason) {
    }

    public GatewayMetrics(MeterRegistry registry, Predicate<String> knownSender) {
        this.registry = registry;
        this.knownSender = knownSender;
        this.lookup = Timer.builder("cpis.store.lookup").description("Flag store lookup of one NHS number")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(5)).register(registry);
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeSendingEvents(true);
        setIgnoreExchangeSentEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Times the flag store lookup (plans of one NHS number). */
    public Timer lookupTimer() {
        return lookup;
    }

    /** A gauge read when scraped, e.g. notifications waiting or connections open. */
    public <T> void gauge(String name, String description, T source, ToDoubleFunction<T> value) {
        // held strongly: Micrometer keeps a gauge's object weakly by default, and one nothing else holds reads NaN
        // after the next collection
        Gauge.builder(name, source, value).description(description).strongReference(true).register(registry);
    }

    /** A notification delivered through one of the authority's channels (queue, webhook, file, sftp, mail). */
    public void notificationSent(String authority, String channel) {
        Counter.builder("cpis.notifications.sent").description("Notifications delivered, by authority and channel")
                .tag("authority", authority).tag("channel", channel).register(registry).increment();
    }

    /**
     * A relay round that had notifications for the authorities' queues: {@code transaction} when they went to the
     * broker as one transaction, {@code one_by_one} when the round did not go cleanly (the broker away, a send or the
     * commit refused) and was sent again one notification at a time.
     */
    public void relayRound(String way) {
        Counter.builder("cpis.relay.queue.rounds")
                .description("Relay rounds with queue sends, by how they reached the broker (transaction, one_by_one)")
                .tag("way", way).register(registry).increment();
    }

    /** A delivery that failed and will be tried again. */
    public void notificationFailed(String authority, String channel) {
        Counter.builder("cpis.notifications.send.failures")
                .description("Notification deliveries that failed (tried again later)")
                .tag("authority", authority).tag("channel", channel).register(registry).increment();
    }

    /** A notification the receiver refused, parked until an operator retries it. */
    public void notificationParked(String authority, String channel) {
        Counter.builder("cpis.notifications.parked.events")
                .description("Notifications refused by their receiver and parked")
                .tag("authority", authority).tag("channel", channel).register(registry).increment();
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.ExchangeCompletedEvent || event instanceof CamelEvent.ExchangeFailedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        Exchange exchange = ((CamelEvent.ExchangeEvent) event).getExchange();
        if (!(exchange.getFromEndpoint() instanceof MllpEndpoint)) {
            return; // replays and internal exchanges are not messages received
        }
        InboundMessage inbound = exchange.getMessage().getBody() instanceof InboundMessage m ? m : null;
        MshHeader msh = inbound == null ? null : inbound.msh();
        String eventCode = msh == null ? "other" : msh.triggerEvent();
        String sender = msh == null ? "" : msh.sendingFacilityCode();
        String ackCode = ackCode(exchange.getProperty("CamelMllpAcknowledgement", byte[].class));
        received.computeIfAbsent(new Received(isEventCode(eventCode) ? eventCode : "other",
                !sender.isEmpty() && knownSender.test(sender) ? sender : "unmapped"), this::receivedCounter)
                .increment();
        acks.computeIfAbsent(ackCode, this::ackCounter).increment();
        CheckResult result = inbound == null ? null : inbound.result();
        if (result != null) {
            results.computeIfAbsent(new Result(result.status().name(),
                    result.reasonCode() == null ? "" : result.reasonCode()), this::resultCounter).increment();
        }
        processing.computeIfAbsent(ackCode, this::processingTimer)
                .record(exchange.getClock().elapsed(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private Counter receivedCounter(Received key) {
        return Counter.builder("cpis.messages.received").description("HL7 messages received over MLLP")
                .tag("event", key.event()).tag("sender", key.sender()).register(registry);
    }

    private Counter ackCounter(String code) {
        return Counter.builder("cpis.acks").description("ACKs sent, by MSA-1 code").tag("code", code)
                .register(registry);
    }

    private Counter resultCounter(Result key) {
        return Counter.builder("cpis.flag.results").description("CP-IS check results")
                .tag("status", key.status()).tag("reason", key.reason()).register(registry);
    }

    private Timer processingTimer(String code) {
        return Timer.builder("cpis.message.processing").description("From frame received to ACK ready")
                .tag("code", code).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    /** A trigger event code as HL7 writes them: a capital letter, then two capitals or digits. */
    static boolean isEventCode(String code) {
        return code.length() == 3 && Er7Segments.startsWithCode(code);
    }

    /** MSA-1 of an encoded ACK ({@code none} when there is no ACK, e.g. the frame was cut off). */
    static String ackCode(byte[] ack) {
        if (ack == null || ack.length < 8) {
            return "none";
        }
        byte fs = ack[3];
        for (int i = 0; i + 7 <= ack.length; i++) {
            if (ack[i] == '\r' && ack[i + 1] == 'M' && ack[i + 2] == 'S' && ack[i + 3] == 'A' && ack[i + 4] == fs) {
                return switch (new String(ack, i + 5, 2, StandardCharsets.ISO_8859_1)) {
                    case "AA" -> "AA";
                    case "AE" -> "AE";
                    case "AR" -> "AR";
                    case "CA" -> "CA";
                    case "CE" -> "CE";
                    case "CR" -> "CR";
                    default -> "other";
                };
            }
        }
        return "none";
    }
}

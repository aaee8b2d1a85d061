package org.cpisgateway.ops;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.Exchange;
import org.apache.camel.component.mllp.MllpEndpoint;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.cpisgateway.core.CheckResult;
import org.cpisgateway.hl7.MshHeader;
import org.cpisgateway.inbound.InboundMessage;

/**
 * The gateway's own Prometheus metrics, counted from each finished MLLP exchange (so routes stay free of counting
 * steps). Labels never carry patient data: the sender is the MSH-4 facility code only when it is one of ours (in
 * {@code mappings/care-settings.csv}, else {@code unmapped}), so a stray sender cannot invent label values; the
 * event is a validated trigger event code, else {@code other}.
 */
public class GatewayMetrics extends EventNotifierSupport {

    private static final Pattern EVENT = Pattern.compile("[A-Z][0-9A-Z]{2}");

    private final MeterRegistry registry;
    private final Predicate<String> knownSender;
    private final Timer lookup;

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
        Gauge.builder(name, source, value).description(description).register(registry);
    }

    /** A notification delivered through one of the authority's channels (queue, webhook, file, sftp, mail). */
    public void notificationSent(String authority, String channel) {
        Counter.builder("cpis.notifications.sent").description("Notifications delivered, by authority and channel")
                .tag("authority", authority).tag("channel", channel).register(registry).increment();
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
        Counter.builder("cpis.messages.received").description("HL7 messages received over MLLP")
                .tag("event", EVENT.matcher(eventCode).matches() ? eventCode : "other")
                .tag("sender", !sender.isEmpty() && knownSender.test(sender) ? sender : "unmapped")
                .register(registry).increment();
        Counter.builder("cpis.acks").description("ACKs sent, by MSA-1 code").tag("code", ackCode)
                .register(registry).increment();
        CheckResult result = inbound == null ? null : inbound.result();
        if (result != null) {
            Counter.builder("cpis.flag.results").description("CP-IS check results")
                    .tag("status", result.status().name())
                    .tag("reason", result.reasonCode() == null ? "" : result.reasonCode())
                    .register(registry).increment();
        }
        Timer.builder("cpis.message.processing").description("From frame received to ACK ready")
                .tag("code", ackCode).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry).record(Duration.ofMillis(exchange.getClock().elapsed()));
    }

    /** MSA-1 of an encoded ACK ({@code none} when there is no ACK, e.g. the frame was cut off). */
    static String ackCode(byte[] ack) {
        if (ack == null || ack.length < 8) {
            return "none";
        }
        String text = new String(ack, StandardCharsets.ISO_8859_1);
        char fs = text.charAt(3);
        int msa = text.indexOf("\rMSA" + fs);
        if (msa < 0 || text.length() < msa + 7) {
            return "none";
        }
        String code = text.substring(msa + 5, msa + 7);
        return Set.of("AA", "AE", "AR", "CA", "CE", "CR").contains(code) ? code : "other";
    }
}

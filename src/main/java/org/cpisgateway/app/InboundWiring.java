package org.cpisgateway.app;

import java.time.Clock;

import ca.uhn.hl7v2.HapiContext;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.cpisgateway.ack.AckWriter;
import org.cpisgateway.config.GatewaySettings;
import org.cpisgateway.core.FlagRules;
import org.cpisgateway.core.PlanSource;
import org.cpisgateway.fhir.FhirNotifications;
import org.cpisgateway.fhir.FhirResources;
import org.cpisgateway.hl7.AttendanceReader;
import org.cpisgateway.hl7.HapiSetup;
import org.cpisgateway.hl7.InboundFrame;
import org.cpisgateway.inbound.AccessAudit;
import org.cpisgateway.inbound.AttendanceSteps;
import org.cpisgateway.inbound.FailurePolicy;
import org.cpisgateway.inbound.MessageReplay;
import org.cpisgateway.notify.NotificationFactory;

/**
 * The attendance flow of {@code routes/adt-inbound.camel.yaml}: HL7 reading, the CP-IS rules over the store, the
 * notifications, the ACK, and the failure policy; bound under the names the route files use.
 */
final class InboundWiring {

    private InboundWiring() {
    }

    /** The rules and the notification builder, shared with the FHIR API's searches. */
    record Checking(FlagRules rules, NotificationFactory notifications) {
    }

    private static org.cpisgateway.inbound.InboundMessage inbound(org.apache.camel.Exchange e) {
        return e.getMessage().getBody(org.cpisgateway.inbound.InboundMessage.class);
    }

    static Checking wire(CamelContext context, GatewaySettings s, Mappings mappings, StoreWiring store,
                         OperationsWiring operations, Clock clock) {
        HapiContext hapi = HapiSetup.lenientContext();
        Timer lookupTimer = operations.metrics().lookupTimer();
        PlanSource timedPlans = nhsNumber -> lookupTimer.record(() -> store.plans().plansFor(nhsNumber));
        FlagRules rules = new FlagRules(timedPlans, store.accesses(), mappings.settings(), mappings.authorities(),
                s.check().events(), s.check().zone(), s.check().planVisibleAfterEnd(), store.visits(),
                mappings.patterns());
        AckWriter ackWriter = new AckWriter(mappings.authorities(), s.check().ackSendingApplication(),
                s.check().ackDefaultVersion(), clock);
        NotificationFactory notifications = new NotificationFactory(mappings.authorities(),
                s.notifications().queuePrefix(), s.notifications().unroutedQueue(), clock,
                mappings.authorities()::notificationVersion,
                code -> "fhir-r4".equals(mappings.authorities().notificationFormat(code)),
                new FhirNotifications(ca.uhn.fhir.context.FhirContext.forR4Cached(),
                        new FhirResources(mappings.authorities(), s.check().zone())));
        AttendanceSteps steps = new AttendanceSteps(new InboundFrame(s.mllp().defaultCharset()),
                new AttendanceReader(mappings.locations(), s.check().zone(), hapi,
                        s.mllp().maxFieldRepetitions()), rules, notifications,
                ackWriter, store.journal(), clock, mappings.pasAlerts());
        var registry = context.getRegistry();
        registry.bind("attendance", steps); // also as beans, so that a route written with bean steps still runs
        // each step of routes/adt-inbound.camel.yaml as a processor named attendance.<method>: a direct call on the
        // flow's InboundMessage, where a bean step looked its method up and bound its argument again for every message
        registry.bind("attendance.open", (Processor) e -> e.getMessage().setBody(
                steps.open(e.getMessage().getMandatoryBody(byte[].class))));
        registry.bind("attendance.requireAdt", (Processor) e -> steps.requireAdt(inbound(e)));
        registry.bind("attendance.read", (Processor) e -> steps.read(inbound(e)));
        registry.bind("attendance.check", (Processor) e -> steps.check(inbound(e)));
        registry.bind("attendance.notifications", (Processor) e -> steps.notifications(inbound(e)));
        registry.bind("attendance.pasAlert", (Processor) e -> steps.pasAlert(inbound(e)));
        registry.bind("attendance.ack", (Processor) e -> steps.ack(inbound(e)));
        registry.bind("attendance.record", (Processor) e -> steps.record(inbound(e)));
        AccessAudit audit = new AccessAudit();
        registry.bind("accessAudit", audit);
        registry.bind("accessAudit.prepare", (Processor) e -> audit.prepare(inbound(e)));
        // a route that audits after recording (the form before the journal wrote the lines) still audits
        registry.bind("accessAudit.record", (Processor) e -> audit.record(inbound(e)));
        // the route's conditions and the ACK's bytes, read straight from the message (no bean introspection per message)
        registry.bind("notifiesAuthorities", (org.apache.camel.Predicate) e -> !inbound(e).notifications().isEmpty());
        registry.bind("alertsPas", (org.apache.camel.Predicate) e -> inbound(e).pasAlert() != null);
        registry.bind("ackBytes", new org.apache.camel.support.ExpressionAdapter() {
            @Override
            public Object evaluate(org.apache.camel.Exchange e) {
                return inbound(e).ackBytes();
            }
        });
        registry.bind("failurePolicy", new FailurePolicy(steps, ackWriter, store.journal()));
        registry.bind("messageReplay", new MessageReplay(store.messages(), context.createProducerTemplate(), ackWriter));
        return new Checking(rules, notifications);
    }
}

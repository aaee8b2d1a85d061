package org.cpisgateway.inbound;

import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import ca.uhn.hl7v2.HL7Exception;
import org.cpisgateway.ack.AckWriter;
import org.cpisgateway.core.FlagRules;
import org.cpisgateway.hl7.AttendanceReader;
import org.cpisgateway.hl7.CorrelationId;
import org.cpisgateway.hl7.InboundFrame;
import org.cpisgateway.notify.NotificationFactory;
import org.cpisgateway.pasalert.PasAlerts;
import org.cpisgateway.store.AttendanceJournal;

/**
 * The steps of {@code routes/adt-inbound.camel.yaml}, one method each, in the order the route calls them. Each takes
 * the {@link InboundMessage} (the exchange body) and fills in its part; what fails is answered by
 * {@link FailurePolicy}.
 */
public class AttendanceSteps {

    private final InboundFrame frames;
    private final AttendanceReader reader;
    private final FlagRules rules;
    private final NotificationFactory notifications;
    private final AckWriter acks;
    private final AttendanceJournal journal;
    private final Clock clock;
    private final PasAlerts pasAlerts;

    public AttendanceSteps(InboundFrame frames, AttendanceReader reader, FlagRules rules,
                           NotificationFactory notifications, AckWriter acks, AttendanceJournal journal,
                           Clock clock, PasAlerts pasAlerts) {
        this.pasAlerts = pasAlerts;
        this.frames = frames;
        this.reader = reader;
        this.rules = rules;
        this.notifications = notifications;
        this.acks = acks;
        this.journal = journal;
        this.clock = clock;
    }

    /** Keeps the raw bytes, notes the time, reads MSH (so whatever happens next can be answered). */
    public InboundMessage open(byte[] raw) {
        CorrelationId.clear();
        InboundMessage m = new InboundMessage(frames.open(raw), OffsetDateTime.now(clock.withZone(ZoneOffset.UTC)));
        CorrelationId.set(m.msh());
        return m;
    }

    /** Turns away batch envelopes and anything but ADT (AR), before any parsing. */
    public void requireAdt(InboundMessage m) {
        reader.requireAdt(m.msh(), m.raw());
    }

    /**
     * Reads the attendance: NHS number, child, setting, time. Straight from the text for the plain case; anything
     * else is parsed by HAPI, whose errors are the answers the failure policy gives.
     */
    public void read(InboundMessage m) throws HL7Exception, java.io.UnsupportedEncodingException {
        String text = m.frame().text();
        var attendance = reader.readText(text, m.msh());
        if (attendance != null) {
            m.parsed(null, attendance);
            return;
        }
        var message = reader.parse(text);
        m.parsed(message, reader.read(message, m.msh()));
    }


    /** The CP-IS rules: in scope? NHS number? plans active on the day? history, who is notified. */
    public void check(InboundMessage m) {
        m.decided(rules.check(m.attendance(), m.receivedAt()));
    }

    /** One notification per authority to be told (none for a silent read or no flag). */
    public void notifications(InboundMessage m) {
        m.notify(notifications.forResult(m.msh(), m.attendance(), m.result(), m.receivedAt()));
    }

    /**
     * For a sender whose PAS shows nothing of the ACK beyond MSA (mappings/pas-alerts.csv): the alert message its PAS
     * is sent, once per FLAGGED visit, written with the attendance and sent off the ACK path.
     */
    public void pasAlert(InboundMessage m) {
        m.alertPas(pasAlerts.forResult(m.msh(), m.attendance(), m.result(), m.receivedAt()));
    }

    /** The AA with the CP-IS result for the clerk. */
    public void ack(InboundMessage m) {
        m.answer(acks.forResult(m.msh(), m.result()));
    }

    /**
     * Message, access and notifications in one transaction, durable before the ACK leaves. A re-sent message (same
     * MSH-4 + MSH-10) is found by the store's unique key, not by a look-up before the work: it gets the answer it got
     * before, and its access, notifications, alert and audit line are not written.
     */
    public void record(InboundMessage m) throws SQLException {
        AttendanceJournal.Recorded recorded = journal.record(new AttendanceJournal.Entry(m.raw(), m.receivedAt(),
                m.msh(), m.attendance(), m.result(), m.notifications(), m.ack(), m.pasAlert(), m.auditLine()));
        if (!recorded.ack().equals(m.ack())) {
            m.answerAsBefore(recorded.ack()); // the original wrote the PAS alert, if any
        } else {
            m.notify(recorded.notifications());
        }
    }
}

package org.cpisgateway.inbound;

import java.nio.charset.Charset;
import java.time.OffsetDateTime;
import java.util.List;

import ca.uhn.hl7v2.model.Message;
import org.cpisgateway.core.Attendance;
import org.cpisgateway.core.CheckResult;
import org.cpisgateway.hl7.InboundFrame;
import org.cpisgateway.hl7.MshHeader;
import org.cpisgateway.notify.Notification;

/**
 * One inbound HL7 message on its way through {@code routes/adt-inbound.camel.yaml}: what came in (the frame, when),
 * what was decided (the attendance read from it, the CP-IS result) and what goes out (the notifications, the ACK).
 * It is the body of the exchange from the first step to the last; each step fills in its part.
 */
public final class InboundMessage {

    private final InboundFrame.Frame frame;
    private final OffsetDateTime receivedAt;
    private Message hl7;
    private Attendance attendance;
    private CheckResult result;
    private List<Notification> notifications = List.of();
    private String ack;
    private boolean answeredBefore;
    private org.cpisgateway.store.PasAlertTable.Alert pasAlert;
    private String auditLine;

    public InboundMessage(InboundFrame.Frame frame, OffsetDateTime receivedAt) {
        this.frame = frame;
        this.receivedAt = receivedAt;
    }

    public byte[] raw() {
        return frame.raw();
    }

    public InboundFrame.Frame frame() {
        return frame;
    }

    public Charset charset() {
        return frame.charset();
    }

    public MshHeader msh() {
        return frame.msh();
    }

    public OffsetDateTime receivedAt() {
        return receivedAt;
    }

    /** HAPI's model of the message, when it was parsed by HAPI (null when read straight from the text). */
    public Message hl7() {
        return hl7;
    }

    public Attendance attendance() {
        return attendance;
    }

    public CheckResult result() {
        return result;
    }

    public List<Notification> notifications() {
        return notifications;
    }

    /** The alert for the sender's own PAS (mappings/pas-alerts.csv), or null. */
    public org.cpisgateway.store.PasAlertTable.Alert pasAlert() {
        return pasAlert;
    }

    void alertPas(org.cpisgateway.store.PasAlertTable.Alert alert) {
        this.pasAlert = alert;
    }

    /** The access's line for the audit log, written with the record (null: nothing was looked up). */
    public String auditLine() {
        return auditLine;
    }

    void audit(String line) {
        this.auditLine = line;
    }

    /** The ACK text (segments ended by CR), once decided. */
    public String ack() {
        return ack;
    }

    /** The ACK as camel-mllp writes it back: in the character set the message came in. */
    public byte[] ackBytes() {
        return ack.getBytes(charset());
    }

    /** True when the message was answered before (a re-send) and gets that same answer, nothing else. */
    public boolean answeredBefore() {
        return answeredBefore;
    }

    void parsed(Message message, Attendance read) {
        this.hl7 = message;
        this.attendance = read;
    }

    void decided(CheckResult checked) {
        this.result = checked;
    }

    void notify(List<Notification> toSend) {
        this.notifications = List.copyOf(toSend);
    }

    void answer(String ackText) {
        this.ack = ackText;
    }

    void answerAsBefore(String previousAck) {
        this.ack = previousAck;
        this.answeredBefore = true;
        this.notifications = List.of();
        this.pasAlert = null;
    }
}

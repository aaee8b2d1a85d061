package org.cpisgateway.ack;

import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import ca.uhn.hl7v2.HL7Exception;
import org.apache.camel.Exchange;
import org.cpisgateway.check.CheckResult;
import org.cpisgateway.hl7.InboundFrame;
import org.cpisgateway.hl7.MessageRejectedException;
import org.cpisgateway.hl7.MshHeader;
import org.cpisgateway.store.MessageJournal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answer when processing failed: AR for a message we will not take (not ADT, cannot be parsed), AE when we could
 * not do our part (store unreachable, internal error) with ZCS NOT_CHECKED telling the clerk to check CP-IS another
 * way. The raw message and the ACK are kept in the journal when the journal is reachable. Logs carry the sender, the
 * control ID and the error class: never message content.
 */
public class FailureAnswer {

    private static final Logger LOG = LoggerFactory.getLogger(FailureAnswer.class);
    public static final String CHECK_ANOTHER_WAY =
            "Not checked: CP-IS could not be checked by the gateway; check CP-IS another way (national CP-IS service)";

    private final AckWriter ackWriter;
    private final MessageJournal journal;

    private final java.time.Clock clock;

    public FailureAnswer(AckWriter ackWriter, MessageJournal journal, java.time.Clock clock) {
        this.clock = clock;
        this.ackWriter = ackWriter;
        this.journal = journal;
    }

    public void answer(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        MshHeader msh = exchange.getProperty(InboundFrame.MSH, MshHeader.class);
        if (msh == null) {
            msh = MshHeader.unreadable();
        }
        String ackCode;
        AckError error;
        CheckResult result = null;
        MessageRejectedException rejected = find(cause, MessageRejectedException.class);
        if (rejected != null) {
            ackCode = "AR";
            error = new AckError(rejected.errorCode(), rejected.segment(), rejected.field(), rejected.getMessage());
        } else if (find(cause, HL7Exception.class) != null || msh.messageType().isEmpty()) {
            ackCode = "AR";
            error = new AckError(102, "MSH", 0, "Message could not be parsed as HL7 v2: "
                    + safeText(find(cause, HL7Exception.class)));
        } else if (find(cause, SQLException.class) != null) {
            ackCode = "AE";
            error = new AckError(207, "", 0, "CP-IS flag store unavailable");
            result = CheckResult.notChecked("STORE_UNAVAILABLE", CHECK_ANOTHER_WAY, null);
        } else {
            ackCode = "AE";
            error = new AckError(207, "", 0, "Internal error in the CP-IS gateway");
            result = CheckResult.notChecked("INTERNAL_ERROR", CHECK_ANOTHER_WAY, null);
        }
        LOG.warn("Answered {} to facility '{}' control ID '{}': {} ({})", ackCode, msh.sendingFacilityCode(),
                msh.controlId(), error.codeText(), cause == null ? "no exception" : cause.getClass().getName());
        String ack = ackWriter.forError(msh, ackCode, error, result);
        try {
            OffsetDateTime receivedAt = exchange.getProperty(InboundFrame.RECEIVED_AT, OffsetDateTime.class);
            journal.recordFailure(exchange.getProperty(InboundFrame.RAW, byte[].class), msh,
                    receivedAt == null ? OffsetDateTime.now(clock.withZone(ZoneOffset.UTC)) : receivedAt, ack, ackCode,
                    result == null ? null : result.status().name(), error.text());
        } catch (SQLException | RuntimeException journalDown) {
            LOG.error("Could not keep the failed message from facility '{}' control ID '{}' in the journal: {}",
                    msh.sendingFacilityCode(), msh.controlId(), journalDown.getClass().getName());
        }
        exchange.setProperty("CamelMllpAcknowledgement", ackWriter.encode(ack,
                exchange.getProperty(InboundFrame.CHARSET, java.nio.charset.Charset.class)));
    }

    /** HAPI's parse errors name segments and positions; keep it short and without the message text it may quote. */
    private static String safeText(HL7Exception e) {
        if (e == null) {
            return "no MSH segment found";
        }
        String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int quote = text.indexOf(": MSH");
        if (quote >= 0) {
            text = text.substring(0, quote);
        }
        return text.length() > 200 ? text.substring(0, 200) : text;
    }

    static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable x = t; x != null; x = x.getCause()) {
            if (type.isInstance(x)) {
                return type.cast(x);
            }
        }
        return null;
    }
}

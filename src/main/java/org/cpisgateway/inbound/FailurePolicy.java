package org.cpisgateway.inbound;

import java.sql.SQLException;
import java.util.List;
import java.util.function.Function;

import ca.uhn.hl7v2.HL7Exception;
import org.apache.camel.Exchange;
import org.cpisgateway.ack.AckError;
import org.cpisgateway.ack.AckWriter;
import org.cpisgateway.core.CheckResult;
import org.cpisgateway.core.StoreUnavailableException;
import org.cpisgateway.hl7.MessageRejectedException;
import org.cpisgateway.hl7.MshHeader;
import org.cpisgateway.store.AttendanceJournal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that decides how a failure is answered, used by the shared route configuration
 * {@code answer-every-message} (routes/error-handling.camel.yaml) for the inbound route and the MLLP listeners alike.
 *
 * <p>The {@link #RULES} table, first match wins (the cause chain is searched for each type):
 * <ul>
 *   <li>{@link MessageRejectedException}: <b>AR</b>, the rejection's own HL7 error code and place (not ADT, batch
 *       envelope): we will not take this message;</li>
 *   <li>{@link HL7Exception}, or an MSH whose message type cannot be read: <b>AR</b> 102, the message is not HL7 v2
 *       we can parse;</li>
 *   <li>{@link StoreUnavailableException} or {@link SQLException}: <b>AE</b> 207 and ZCS {@code NOT_CHECKED}
 *       {@code STORE_UNAVAILABLE}: we could not do our part, the clerk checks CP-IS another way;</li>
 *   <li>anything else: <b>AE</b> 207 and ZCS {@code NOT_CHECKED} {@code INTERNAL_ERROR}.</li>
 * </ul>
 * The raw message and the ACK are kept in the journal when the journal is reachable. Logs carry the sender, the
 * control ID and the error class: never message content.
 */
public class FailurePolicy {

    private static final Logger LOG = LoggerFactory.getLogger(FailurePolicy.class);
    public static final String CHECK_ANOTHER_WAY =
            "Not checked: CP-IS could not be checked by the gateway; check CP-IS another way (national CP-IS service)";

    /** What the sender gets for a failure: MSA-1, ERR, and (for AE) the ZCS result telling the clerk what to do. */
    public record Answer(String ackCode, AckError error, CheckResult result) {
    }

    /** One line of the policy: a failure matching {@code applies} gets the answer {@code answer} makes of it. */
    record Rule(String name, Function<Failure, Boolean> applies, Function<Failure, Answer> answer) {
    }

    /** The failure as the rules see it: what was thrown, and the sender's MSH as far as it could be read. */
    record Failure(Throwable cause, MshHeader msh) {
        <T extends Throwable> T find(Class<T> type) {
            for (Throwable x = cause; x != null; x = x.getCause()) {
                if (type.isInstance(x)) {
                    return type.cast(x);
                }
            }
            return null;
        }
    }

    static final List<Rule> RULES = List.of(
            new Rule("rejected", f -> f.find(MessageRejectedException.class) != null, f -> {
                MessageRejectedException r = f.find(MessageRejectedException.class);
                return new Answer("AR", new AckError(r.errorCode(), r.segment(), r.field(), r.getMessage()), null);
            }),
            new Rule("not HL7 v2", f -> f.find(HL7Exception.class) != null || f.msh().messageType().isEmpty(),
                    f -> new Answer("AR", new AckError(102, "MSH", 0, "Message could not be parsed as HL7 v2: "
                            + safeText(f.find(HL7Exception.class))), null)),
            new Rule("store unavailable", f -> f.find(StoreUnavailableException.class) != null
                    || f.find(SQLException.class) != null,
                    f -> new Answer("AE", new AckError(207, "", 0, "CP-IS flag store unavailable"),
                            CheckResult.notChecked("STORE_UNAVAILABLE", CHECK_ANOTHER_WAY, null))),
            new Rule("internal error", f -> true,
                    f -> new Answer("AE", new AckError(207, "", 0, "Internal error in the CP-IS gateway"),
                            CheckResult.notChecked("INTERNAL_ERROR", CHECK_ANOTHER_WAY, null))));

    private final AttendanceSteps steps;
    private final AckWriter ackWriter;
    private final AttendanceJournal journal;

    public FailurePolicy(AttendanceSteps steps, AckWriter ackWriter, AttendanceJournal journal) {
        this.steps = steps;
        this.ackWriter = ackWriter;
        this.journal = journal;
    }

    /** The answer for a failure (pure: no I/O). */
    public static Answer decide(Throwable cause, MshHeader msh) {
        Failure failure = new Failure(cause, msh == null ? MshHeader.unreadable() : msh);
        for (Rule rule : RULES) {
            if (rule.applies().apply(failure)) {
                return rule.answer().apply(failure);
            }
        }
        throw new IllegalStateException("the last rule applies to every failure");
    }

    /** Answers the exchange that failed: the ACK for camel-mllp, the message kept, one log line. */
    public void answer(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        InboundMessage m = exchange.getMessage().getBody() instanceof InboundMessage inbound ? inbound
                : steps.open(exchange.getMessage().getBody(byte[].class));
        MshHeader msh = m.msh();
        Answer answer = decide(cause, msh);
        AckError error = answer.error();
        LOG.warn("Answered {} to facility '{}' control ID '{}': {} ({})", answer.ackCode(), msh.sendingFacilityCode(),
                msh.controlId(), error.codeText(), cause == null ? "no exception" : cause.getClass().getName());
        m.answer(ackWriter.forError(msh, answer.ackCode(), error, answer.result()));
        try {
            journal.recordFailure(m.raw(), msh, m.receivedAt(), m.ack(), answer.ackCode(),
                    answer.result() == null ? null : answer.result().status().name(), error.text());
        } catch (SQLException | RuntimeException journalDown) {
            LOG.error("Could not keep the failed message from facility '{}' control ID '{}' in the journal",
                    msh.sendingFacilityCode(), msh.controlId(), journalDown);
        }
        exchange.getMessage().setBody(m);
        exchange.setProperty("CamelMllpAcknowledgement", ackWriter.encode(m.ack(), m.charset()));
    }

    /**
     * The gateway's own words for a parse failure, never the exception's text: a parser's message can quote the
     * input, and an XML parser's can quote a file it was made to read. Known kinds get a sentence of their own, the
     * rest a fixed sentence with the segment and field HAPI names (its location, not its text).
     */
    static String safeText(HL7Exception e) {
        if (e == null) {
            return "no MSH segment found";
        }
        String text = e.getMessage() == null ? "" : e.getMessage();
        if (text.startsWith("Can't determine message structure from MSH-9")) {
            return "MSH-9 does not name a message structure (type, trigger event, structure) the gateway can read";
        }
        if (text.contains("encoding is not recognized")) {
            return "Message encoding is not recognized: this interface takes HL7 v2 in its ER7 (pipe-delimited) "
                    + "encoding";
        }
        ca.uhn.hl7v2.Location at = e.getLocation();
        String segment = at == null ? null : at.getSegmentName();
        if (segment != null && segment.matches("[A-Z][A-Z0-9]{2}")) {
            return "Parse failed at " + segment + (at.getField() > 0 ? "-" + at.getField() : "");
        }
        return "Parse failed";
    }
}

package org.cpisgateway.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import ca.uhn.hl7v2.model.Message;
import org.cpisgateway.core.Attendance;
import org.cpisgateway.core.CheckResult;
import org.cpisgateway.core.FlagRules;
import org.cpisgateway.hl7.AttendanceReader;
import org.cpisgateway.hl7.InboundFrame;
import org.cpisgateway.inbound.FailurePolicy;

/**
 * Feed assurance: runs a trust's exported HL7 messages through the same framing, parsing, mapping and rules as the
 * live path, without a store, a broker or a network, and says per message what the gateway would do with it. The
 * flag store is not read (a check-feed run must not record accesses): a message that reaches the lookup is reported
 * as {@code LOOKUP}, with the setting that decides whether a flagged child would notify.
 */
public class FeedCheck {

    /** What the gateway would do with one message. Never holds the NHS number or any other patient data. */
    public record Outcome(String source, int index, String controlId, String event, String answer, String outcome,
                          String reason, String nhsNumberField, String nhsNumberStatus, String setting,
                          String settingType, Boolean scheduled, Boolean settingMapped) {
    }

    /** Counts per outcome, per NHS number field and per setting, for the summary table. */
    public record Summary(int messages, Map<String, Integer> byOutcome, Map<String, Integer> byNhsNumberField,
                          Map<String, Integer> bySetting) {
    }

    private final InboundFrame frames;
    private final AttendanceReader reader;
    private final FlagRules rules;
    private final Map<String, String> visitsSeen;

    /**
     * @param visitsSeen the visits looked up so far in this run (visit to NHS number): a later message of the same
     *                   visit is reported as the live path would treat it if the child were flagged
     */
    public FeedCheck(InboundFrame frames, AttendanceReader reader, FlagRules rules, Map<String, String> visitsSeen) {
        this.frames = frames;
        this.reader = reader;
        this.rules = rules;
        this.visitsSeen = visitsSeen;
    }

    /** Every regular file under the given files and folders, in name order. */
    public static List<Path> files(List<Path> roots) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path root : roots) {
            if (Files.isDirectory(root)) {
                try (Stream<Path> walk = Files.walk(root)) {
                    walk.filter(Files::isRegularFile).sorted().forEach(files::add);
                }
            } else {
                files.add(root);
            }
        }
        return files;
    }

    /**
     * The messages of a file: each starts at a segment beginning with MSH (batch header and trailer segments are
     * left out); a file with no MSH is one message, so that it is answered as the gateway would answer it.
     */
    public static List<byte[]> messages(byte[] file) {
        String text = new String(file, StandardCharsets.ISO_8859_1).replace("\r\n", "\r").replace('\n', '\r');
        List<byte[]> messages = new ArrayList<>();
        StringBuilder current = null;
        for (String segment : text.split("\r")) {
            if (segment.isBlank() || segment.matches("^(FHS|BHS|BTS|FTS)\\W.*")) {
                continue;
            }
            if (segment.startsWith("MSH") || current == null) {
                if (current != null) {
                    messages.add(current.toString().getBytes(StandardCharsets.ISO_8859_1));
                }
                current = new StringBuilder();
            }
            current.append(segment).append('\r');
        }
        if (current != null) {
            messages.add(current.toString().getBytes(StandardCharsets.ISO_8859_1));
        }
        return messages;
    }

    /** What the gateway would answer and do for one message, with the time it is judged at. */
    public Outcome check(String source, int index, byte[] raw, OffsetDateTime now) {
        InboundFrame.Frame frame = frames.open(raw);
        String controlId = frame.msh().controlId();
        String event = frame.msh().triggerEvent();
        try {
            reader.requireAdt(frame.msh(), raw);
            Message message = reader.parse(frame.text());
            Attendance attendance = reader.read(message, frame.msh());
            CheckResult result = rules.check(attendance, now);
            boolean looked = result.lookedUp();
            // no store here: every look-up is treated as if it flagged, to say which would notify
            String visit = looked ? rules.visitOf(attendance, now) : null;
            boolean repeat = visit != null && attendance.nhsNumber().equals(visitsSeen.get(visit));
            if (visit != null && !repeat) {
                visitsSeen.put(visit, attendance.nhsNumber());
            }
            return new Outcome(source, index, controlId, attendance.eventCode(), "AA", looked ? "LOOKUP" : "NOT_CHECKED",
                    looked ? (repeat ? "visit already checked: current answer, notifies nobody"
                            : result.setting().scheduled() ? "silent read if flagged" : "notifies if flagged")
                            : result.reasonCode(),
                    reader.nhsNumberField(message, frame.msh()), attendance.nhsNumberStatus(),
                    result.setting().code(), result.setting().type(), result.setting().scheduled(),
                    result.setting().mapped());
        } catch (Exception failed) {
            FailurePolicy.Answer answer = FailurePolicy.decide(failed, frame.msh());
            return new Outcome(source, index, controlId, event, answer.ackCode(), answer.ackCode(),
                    answer.error().text(), null, null, null, null, null, null);
        }
    }

    public static Summary summarise(List<Outcome> outcomes) {
        Map<String, Integer> byOutcome = new TreeMap<>();
        Map<String, Integer> byField = new TreeMap<>();
        Map<String, Integer> bySetting = new TreeMap<>();
        for (Outcome o : outcomes) {
            byOutcome.merge(o.outcome() + " " + o.reason(), 1, Integer::sum);
            if (o.answer().equals("AA")) {
                byField.merge(o.nhsNumberField() == null ? "none" : o.nhsNumberField(), 1, Integer::sum);
                bySetting.merge(o.setting() + (o.settingMapped()
                        ? " (" + o.settingType() + (o.scheduled() ? ", scheduled)" : ", unscheduled)")
                        : " (not in mappings/care-settings.csv: treated as unscheduled)"), 1, Integer::sum);
            }
        }
        return new Summary(outcomes.size(), byOutcome, byField, bySetting);
    }
}

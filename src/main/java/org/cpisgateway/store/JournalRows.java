package org.cpisgateway.store;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import org.cpisgateway.notify.Notification;

/**
 * The rows one answered message adds to the store, as plain values: what {@link AttendanceJournal} writes in its
 * transaction and appends to the {@link WriteAheadLog}, so that a batch the store had not yet synced when the process
 * stopped is written again at the next start exactly as it was the first time (the same ACK, the same notification
 * ids, the same times). The outbox rows are the notifications; a pattern alert among them is written only when no
 * gateway has written it already.
 */
record JournalRows(Message message, Access access, Visit visit, PasAlertTable.Alert pasAlert,
                   List<Notification> outbox) {

    /** The {@code inbound_message} row. A final answer has a dedupe key; an AE or AR has none. */
    record Message(String dedupeKey, String sendingApplication, String sendingFacility, String controlId,
                   String messageType, String triggerEvent, byte[] raw, OffsetDateTime receivedAt,
                   OffsetDateTime completedAt, String ack, String ackCode, String flagResult, String reason) {
    }

    /** The {@code access_record} row of a flagged look-up. */
    record Access(String nhsNumber, OffsetDateTime attendanceAt, String settingCode, String settingName,
                  String settingType, boolean scheduled, String sendingFacilityCode, String controlId) {
    }

    /** The visit checked with this NHS number. */
    record Visit(String key, String nhsNumber) {
    }

    private static final int FORMAT = 1;

    /** Encodes the rows for the write-ahead log. */
    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(message.raw().length + 2048);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Decodes rows written by {@link #encode}. */
    static JournalRows decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalStateException("write-ahead log record of unknown format " + format);
            }
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void write(DataOutputStream out) throws IOException {
        Message m = message;
        text(out, m.dedupeKey());
        text(out, m.sendingApplication());
        text(out, m.sendingFacility());
        text(out, m.controlId());
        text(out, m.messageType());
        text(out, m.triggerEvent());
        out.writeInt(m.raw().length);
        out.write(m.raw());
        time(out, m.receivedAt());
        time(out, m.completedAt());
        text(out, m.ack());
        text(out, m.ackCode());
        text(out, m.flagResult());
        text(out, m.reason());
        out.writeBoolean(access != null);
        if (access != null) {
            text(out, access.nhsNumber());
            time(out, access.attendanceAt());
            text(out, access.settingCode());
            text(out, access.settingName());
            text(out, access.settingType());
            out.writeBoolean(access.scheduled());
            text(out, access.sendingFacilityCode());
            text(out, access.controlId());
        }
        out.writeBoolean(visit != null);
        if (visit != null) {
            text(out, visit.key());
            text(out, visit.nhsNumber());
        }
        out.writeBoolean(pasAlert != null);
        if (pasAlert != null) {
            text(out, pasAlert.key());
            text(out, pasAlert.facility());
            text(out, pasAlert.endpoint());
            text(out, pasAlert.message());
        }
        out.writeInt(outbox.size());
        for (Notification o : outbox) {
            text(out, o.notificationId());
            text(out, o.authorityCode());
            text(out, o.queueName());
            text(out, o.json());
            out.writeBoolean(o.patternAlert());
        }
    }

    private static JournalRows read(DataInputStream in) throws IOException {
        String dedupeKey = text(in);
        String application = text(in);
        String facility = text(in);
        String controlId = text(in);
        String type = text(in);
        String event = text(in);
        byte[] raw = new byte[in.readInt()];
        in.readFully(raw);
        Message message = new Message(dedupeKey, application, facility, controlId, type, event, raw, time(in),
                time(in), text(in), text(in), text(in), text(in));
        Access access = in.readBoolean() ? new Access(text(in), time(in), text(in), text(in), text(in),
                in.readBoolean(), text(in), text(in)) : null;
        Visit visit = in.readBoolean() ? new Visit(text(in), text(in)) : null;
        PasAlertTable.Alert alert = in.readBoolean()
                ? new PasAlertTable.Alert(text(in), text(in), text(in), text(in)) : null;
        int n = in.readInt();
        List<Notification> outbox = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            outbox.add(new Notification(text(in), text(in), text(in), text(in), in.readBoolean()));
        }
        return new JournalRows(message, access, visit, alert, outbox);
    }

    private static void text(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String text(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void time(DataOutputStream out, OffsetDateTime t) throws IOException {
        text(out, t == null ? null : t.toString());
    }

    private static OffsetDateTime time(DataInputStream in) throws IOException {
        String s = text(in);
        return s == null ? null : OffsetDateTime.parse(s);
    }
}

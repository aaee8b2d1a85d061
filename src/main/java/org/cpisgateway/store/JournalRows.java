package org.cpisgateway.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.List;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
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

    /**
     * JSON, with times as written (ISO-8601 with their own offsets, not moved to UTC) and the raw bytes in base64.
     */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .build();

    /** Encodes the rows for the write-ahead log. */
    byte[] encode() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Decodes rows written by {@link #encode}. */
    static JournalRows decode(byte[] data) {
        try {
            return JSON.readValue(data, JournalRows.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package org.cpisgateway.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.List;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.dataformat.smile.SmileConstants;
import com.fasterxml.jackson.dataformat.smile.SmileFactory;
import com.fasterxml.jackson.dataformat.smile.SmileGenerator;
import com.fasterxml.jackson.dataformat.smile.databind.SmileMapper;
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
     * JSON, with times as written (ISO-8601 with their own offsets, not moved to UTC) and the raw bytes in base64:
     * the records of older versions, still read.
     */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .build();

    /**
     * Smile (Jackson's binary form of JSON, the same fields and values): a batch's records as written now. The raw
     * bytes go as they are (no base64), field names once per record; cheaper to write than JSON, and smaller. Times
     * are written by {@link OffsetDateTime#toString()}, an ISO-8601 form that the reader parses back to the same
     * value and offset, at less cost than Jackson's formatter.
     */
    private static final ObjectMapper SMILE = SmileMapper.builder(new SmileFactory()
                    .disable(SmileGenerator.Feature.ENCODE_BINARY_AS_7BIT))
            .addModule(new JavaTimeModule())
            .addModule(new SimpleModule().addSerializer(OffsetDateTime.class, ToStringSerializer.instance))
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .build();

    private static final JavaType BATCH = JSON.getTypeFactory().constructCollectionType(List.class, JournalRows.class);
    private static final ObjectWriter BATCH_WRITER = SMILE.writerFor(BATCH);

    /**
     * Encodes the rows of one message alone in JSON: the form of a log record before the log took one record per
     * batch, which {@link #decodeAll} still reads.
     */
    byte[] encode() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Encodes the rows of a batch's messages, in order, as one write-ahead log record (a Smile array). */
    static byte[] encodeAll(List<JournalRows> batch) {
        try {
            return BATCH_WRITER.writeValueAsBytes(batch);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The batch cut into write-ahead log records, in order: each holds at most {@code rawBytesPerRecord} of raw
     * messages, or one message when that alone is larger.
     */
    static List<List<JournalRows>> records(List<JournalRows> batch, long rawBytesPerRecord) {
        List<List<JournalRows>> records = new java.util.ArrayList<>(1);
        int from = 0;
        long rawBytes = 0;
        for (int i = 0; i < batch.size(); i++) {
            int size = batch.get(i).message().raw().length;
            if (i > from && rawBytes + size > rawBytesPerRecord) {
                records.add(batch.subList(from, i));
                from = i;
                rawBytes = 0;
            }
            rawBytes += size;
        }
        if (from < batch.size()) {
            records.add(batch.subList(from, batch.size()));
        }
        return records;
    }

    /**
     * Decodes a record written by {@link #encodeAll} (a batch in Smile, which begins with Smile's header), or as
     * older versions wrote them, so that a log they left is replayed: a batch as a JSON array, or one message as a
     * JSON object ({@link #encode}).
     */
    static List<JournalRows> decodeAll(byte[] data) {
        try {
            if (data.length >= 3 && data[0] == SmileConstants.HEADER_BYTE_1 && data[1] == SmileConstants.HEADER_BYTE_2
                    && data[2] == SmileConstants.HEADER_BYTE_3) {
                return SMILE.readValue(data, BATCH);
            }
            int first = 0;
            while (first < data.length && Character.isWhitespace(data[first])) {
                first++;
            }
            if (first < data.length && data[first] == '[') {
                return JSON.readValue(data, BATCH);
            }
            return List.of(JSON.readValue(data, JournalRows.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

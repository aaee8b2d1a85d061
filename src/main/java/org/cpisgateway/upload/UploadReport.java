package org.cpisgateway.upload;

import java.util.List;

/**
 * What the uploader gets back: which upload, how many rows were accepted and rejected, and each rejected row with its
 * code and reason. {@code error} is set when the upload as a whole could not be read (then no row was applied).
 * {@code sentBy} is the broker user the broker stamped on a queue upload (null for files, and for AMQP senders: see
 * {@link PlanUpload#fromQueue}).
 */
public record UploadReport(String uploadId, String authority, String source, String name, String sentBy, String format,
                           String receivedAt, String completedAt, int rows, int accepted, int rejected,
                           String error, List<RowOutcome> rejectedRows, String outcome, Long sequence, String mode,
                           boolean dryRun, List<String> plansEnded) {

    /** The whole upload applied (its accepted rows). */
    public static final String APPLIED = "APPLIED";
    /** Nothing applied: the report says what would have changed. */
    public static final String DRY_RUN = "DRY_RUN";
    /** Nothing applied: the upload could not be read. */
    public static final String UNREADABLE = "UNREADABLE";
    /** Nothing applied: its sequence number is not after the last one applied. */
    public static final String STALE_SEQUENCE = "STALE_SEQUENCE";
    /** Nothing applied: a snapshot that would end more of the authority's plans than allowed, without force. */
    public static final String SNAPSHOT_TOO_LARGE = "SNAPSHOT_TOO_LARGE";
    /** Nothing applied: the sender does not act for the authority. */
    public static final String REFUSED = "REFUSED";

    /** A report without the upload options (a delta, applied). */
    public UploadReport(String uploadId, String authority, String source, String name, String sentBy, String format,
                        String receivedAt, String completedAt, int rows, int accepted, int rejected, String error,
                        List<RowOutcome> rejectedRows) {
        this(uploadId, authority, source, name, sentBy, format, receivedAt, completedAt, rows, accepted, rejected,
                error, rejectedRows, error == null ? APPLIED : UNREADABLE, null, "delta", false, List.of());
    }

    /** Where a folder upload goes once handled: {@code done}, or {@code error} when it could not be read at all. */
    public String folder() {
        return UNREADABLE.equals(outcome) ? "error" : "done";
    }
}

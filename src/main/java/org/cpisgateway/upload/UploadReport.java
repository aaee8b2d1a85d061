package org.cpisgateway.upload;

import java.util.List;

/**
 * What the uploader gets back: which upload, how many rows were accepted and rejected, and each rejected row with its
 * code and reason. {@code error} says why, when the upload was not applied as a whole (the {@code outcome}).
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
    /** Nothing read or applied: the upload is larger than {@code cpis.uploads.max-bytes}. */
    public static final String TOO_LARGE = "TOO_LARGE";
    /** Nothing applied: the upload has more rows than {@code cpis.uploads.max-rows}. */
    public static final String TOO_MANY_ROWS = "TOO_MANY_ROWS";
    /** Processing stopped on an internal error (not the store being unavailable, which is tried again). */
    public static final String FAILED = "FAILED";

    /**
     * Where a folder upload goes once handled: {@code error} when it was not read or could not be processed
     * (unreadable, too large, too many rows, failed), else {@code done}.
     */
    public String folder() {
        return switch (outcome) {
            case UNREADABLE, TOO_LARGE, TOO_MANY_ROWS, FAILED -> "error";
            default -> "done";
        };
    }
}

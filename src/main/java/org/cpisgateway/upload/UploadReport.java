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
                           String error, List<RowOutcome> rejectedRows) {

    /** Where a folder upload goes once handled: {@code done}, or {@code error} when it could not be read at all. */
    public String folder() {
        return error == null ? "done" : "error";
    }
}

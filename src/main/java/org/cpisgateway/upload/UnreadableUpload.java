package org.cpisgateway.upload;

/** Thrown when the upload as a whole cannot be read. */
public class UnreadableUpload extends Exception {
    private final String forLog;

    public UnreadableUpload(String message) {
        this(message, message);
    }

    /**
     * @param message for the authority's report (may quote its own upload, as a parser's message does)
     * @param forLog  for the application log: the gateway's words and a position only, never upload content
     */
    public UnreadableUpload(String message, String forLog) {
        super(message);
        this.forLog = forLog;
    }

    public String forLog() {
        return forLog;
    }
}

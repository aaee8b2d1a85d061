package org.cpisgateway.upload;

import java.util.List;

/**
 * What applying an upload came to: its outcome ({@link UploadReport#APPLIED}, or why not), the error in words, each
 * row's outcome, and the plans a snapshot ended.
 */
record AppliedUpload(String outcome, String error, List<RowOutcome> outcomes, List<String> ended) {
}

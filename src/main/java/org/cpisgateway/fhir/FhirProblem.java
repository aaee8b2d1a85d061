package org.cpisgateway.fhir;

import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * A request the FHIR API answers with an error: the HTTP status, the FHIR issue type, what is wrong, and, where the
 * national CP-IS FHIR API has one for it, the UK Core Spine error code its consumers read from {@code issue.details}
 * ({@link #INVALID_SEARCH_DATA}, {@link #PRECONDITION_FAILED}, {@link #ACCESS_DENIED}).
 */
public class FhirProblem extends RuntimeException {

    /** 400 invalid: the search's parameters are wrong (an invalid NHS number first of all). */
    public static final String INVALID_SEARCH_DATA = "INVALID_SEARCH_DATA";
    /** 400 invalid: a request header is missing or has a value that is not offered. */
    public static final String PRECONDITION_FAILED = "PRECONDITION_FAILED";
    /** 403 forbidden: the caller has no right to this search. */
    public static final String ACCESS_DENIED = "ACCESS_DENIED";

    private final int status;
    private final IssueType issue;
    private final String detail;

    public FhirProblem(int status, IssueType issue, String diagnostics) {
        this(status, issue, null, diagnostics);
    }

    /** @param detail the Spine error code of {@code issue.details}, or null when none fits */
    public FhirProblem(int status, IssueType issue, String detail, String diagnostics) {
        super(diagnostics);
        this.status = status;
        this.issue = issue;
        this.detail = detail;
    }

    public int status() {
        return status;
    }

    public IssueType issue() {
        return issue;
    }

    /** The Spine error code of {@code issue.details}; null when the answer has none. */
    public String detail() {
        return detail;
    }

    static FhirProblem badRequest(String diagnostics) {
        return new FhirProblem(400, IssueType.INVALID, INVALID_SEARCH_DATA, diagnostics);
    }

    static FhirProblem preconditionFailed(String diagnostics) {
        return new FhirProblem(400, IssueType.INVALID, PRECONDITION_FAILED, diagnostics);
    }

    static FhirProblem forbidden(String diagnostics) {
        return new FhirProblem(403, IssueType.FORBIDDEN, ACCESS_DENIED, diagnostics);
    }
}

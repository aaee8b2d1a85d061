package org.cpisgateway.fhir;

import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/** A request the FHIR API answers with an error: the HTTP status, the FHIR issue type, and what is wrong. */
public class FhirProblem extends RuntimeException {

    private final int status;
    private final IssueType issue;

    public FhirProblem(int status, IssueType issue, String diagnostics) {
        super(diagnostics);
        this.status = status;
        this.issue = issue;
    }

    public int status() {
        return status;
    }

    public IssueType issue() {
        return issue;
    }

    static FhirProblem badRequest(String diagnostics) {
        return new FhirProblem(400, IssueType.INVALID, diagnostics);
    }

    static FhirProblem forbidden(String diagnostics) {
        return new FhirProblem(403, IssueType.FORBIDDEN, diagnostics);
    }
}

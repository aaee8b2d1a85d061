package org.cpisgateway.hl7;

import java.time.LocalDate;
import java.time.OffsetDateTime;

/**
 * What the gateway reads from an inbound ADT message. {@code nhsNumber} is null when none was found or it is invalid;
 * {@code nhsNumberProblem} then says why (never with the number in it).
 */
public record Attendance(
        MshHeader msh,
        String eventCode,
        String nhsNumber,
        String nhsNumberProblem,
        String nhsNumberStatus,
        String familyName,
        String givenNames,
        LocalDate dateOfBirth,
        String sex,
        String patientClass,
        String location,
        OffsetDateTime attendanceTime) {
}

package org.cpisgateway.core;

import java.time.LocalDate;
import java.time.OffsetDateTime;

/**
 * One attendance as the CP-IS rules see it: who (NHS number and the child's details), where (sending facility and
 * point of care), when, and which event told us. {@code nhsNumber} is null when none was found or it is invalid;
 * {@code nhsNumberProblem} then says why (never with the number in it).
 */
public record Attendance(
        String sendingFacility,
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

    /** When the attendance happened: its own time when the message carries one, else when the message arrived. */
    public OffsetDateTime timeOr(OffsetDateTime receivedAt) {
        return attendanceTime != null ? attendanceTime : receivedAt;
    }
}

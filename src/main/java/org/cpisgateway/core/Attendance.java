package org.cpisgateway.core;

import java.time.LocalDate;
import java.time.OffsetDateTime;

/**
 * One attendance as the CP-IS rules see it: who (NHS number and the child's details), where (sending facility and
 * point of care), when, and which event told us. {@code nhsNumber} is null when none was found or it is invalid;
 * {@code nhsNumberProblem} then says why (never with the number in it). {@code visitNumber} is PV1-19 and
 * {@code patientId} the sender's own identifier of the patient (PID-3, first repetition): they tell which visit the
 * message belongs to.
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
        OffsetDateTime attendanceTime,
        String visitNumber,
        String patientId) {

    /** An attendance whose message carries no visit number (PV1-19) and no patient identifier. */
    public Attendance(String sendingFacility, String eventCode, String nhsNumber, String nhsNumberProblem,
                      String nhsNumberStatus, String familyName, String givenNames, LocalDate dateOfBirth, String sex,
                      String patientClass, String location, OffsetDateTime attendanceTime) {
        this(sendingFacility, eventCode, nhsNumber, nhsNumberProblem, nhsNumberStatus, familyName, givenNames,
                dateOfBirth, sex, patientClass, location, attendanceTime, null, null);
    }

    /** When the attendance happened: its own time when the message carries one, else when the message arrived. */
    public OffsetDateTime timeOr(OffsetDateTime receivedAt) {
        return attendanceTime != null ? attendanceTime : receivedAt;
    }
}

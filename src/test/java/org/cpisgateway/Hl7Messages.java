package org.cpisgateway;

import java.util.concurrent.atomic.AtomicLong;

/** Synthetic ADT messages (999 test NHS numbers, invented names) for the tests, timed now (the machine's clock). */
public final class Hl7Messages {

    private static final AtomicLong IDS = new AtomicLong(System.nanoTime() % 1_000_000_000L);

    private Hl7Messages() {
    }

    public static String newControlId() {
        return "T" + IDS.incrementAndGet();
    }

    /** An ADT^A04 with the given PID-3 value, sending facility and point of care. */
    public static String a04(String controlId, String facility, String location, String pid3) {
        return adt("A04", controlId, facility, location, pid3);
    }

    public static String a04(String controlId, String nhsNumber) {
        return a04(controlId, "R9Z01", "ED", nhsNumber + "^^^NHS^NH");
    }

    /**
     * This child's attendance at the demo's emergency department with MSH-7 and PV1-44 (arrival) to the minute, as many
     * a PAS sends its times: the attendance's time is on a whole minute.
     */
    public static String a04TimedToTheMinute(String controlId, String nhsNumber) {
        String minute = TestDates.hl7MinuteMinutesAgo(1);
        String message = a04(controlId, nhsNumber).replaceFirst("^(MSH(\\|[^|\r]*){5}\\|)[0-9]+", "$1" + minute)
                .replaceFirst("[0-9]+\r$", minute + "\r");
        if (!message.contains("|" + minute + "||ADT^A04") || !message.endsWith("|" + minute + "\r")) {
            throw new IllegalStateException("MSH-7 and PV1-44 not where expected");
        }
        return message;
    }

    /** One message of its own visit (PV1-19 is V + the control ID), arrived a minute ago (PV1-44). */
    public static String adt(String event, String controlId, String facility, String location, String pid3) {
        return "MSH|^~\\&|TEST-PAS|" + facility + "|CPIS|CPIS|" + TestDates.hl7TimeSecondsAgo(0) + "||ADT^" + event
                + "^ADT_A01|" + controlId + "|P|2.4|||AL|NE|GBR\r"
                + "EVN|" + event + "|" + TestDates.hl7TimeSecondsAgo(5) + "\r"
                + "PID|1||" + pid3 + "~RX0000001^^^" + facility + "^MR||TESTCHILD^ROBIN^SAM^^^^L||20150302|2|||"
                + "1 TEST STREET^^TESTTOWN^^ZZ99 9ZZ^GBR\r"
                + "PV1|1|E|" + location + "^^^" + facility + "||||||||||||||||V" + controlId // PV1-19: a visit each
                + "|||||||||||||||||||||||||" + TestDates.hl7TimeSecondsAgo(60) + "\r";     // PV1-44: arrival
    }
}

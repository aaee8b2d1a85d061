package org.cpisgateway;

/**
 * Synthetic NHS numbers for tests that need children of their own: valid (modulus 11), in the 999 test range that
 * belongs to nobody, each handed out once per test run. Each caller names its own block of the range, so that
 * numbers never meet those of another test or of the demo plans.
 */
public final class TestNhsNumbers {

    /** The demo plans' child under a CPP held by LA901 (conf/demo), seen at R9Z01's emergency department. */
    public static final String DEMO_CPP_LA901 = "9990000018";

    private long next;

    /** Numbers from {@code firstNineDigits} (e.g. 999_400_000) upwards. */
    public TestNhsNumbers(long firstNineDigits) {
        this.next = firstNineDigits;
    }

    /** The next valid number of this block (nine-digit starts without a valid check digit are skipped). */
    public synchronized String next() {
        String n;
        do {
            n = withCheckDigit(next++);
        } while (n == null);
        return n;
    }

    /** A valid NHS number from nine digits (modulus 11), or null when none exists. */
    public static String withCheckDigit(long nineDigits) {
        String s = Long.toString(nineDigits);
        int check = org.cpisgateway.core.NhsNumber.checkDigit(s);
        return check == 10 ? null : s + check;
    }
}

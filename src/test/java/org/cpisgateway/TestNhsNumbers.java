package org.cpisgateway;

import org.cpisgateway.bench.LargeUploadBenchmark;

/**
 * Synthetic NHS numbers for tests that need children of their own: valid (modulus 11), in the 999 test range that
 * belongs to nobody, each handed out once per test run. Each caller names its own block of the range, so that
 * numbers never meet those of another test or of the demo plans.
 */
public final class TestNhsNumbers {

    private long next;

    /** Numbers from {@code firstNineDigits} (e.g. 999_400_000) upwards. */
    public TestNhsNumbers(long firstNineDigits) {
        this.next = firstNineDigits;
    }

    /** The next valid number of this block (nine-digit starts without a valid check digit are skipped). */
    public synchronized String next() {
        String n;
        do {
            n = LargeUploadBenchmark.withCheckDigit(next++);
        } while (n == null);
        return n;
    }
}

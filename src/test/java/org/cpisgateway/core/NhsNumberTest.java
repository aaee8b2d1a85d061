package org.cpisgateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NhsNumberTest {

    @Test
    void validTestNumbersPass() {
        assertThat(NhsNumber.isValid("9990000018")).isTrue();
        assertThat(NhsNumber.isValid("9990000026")).isTrue();
    }

    @Test
    void wrongCheckDigitFails() {
        assertThat(NhsNumber.problem("9990000019")).contains("modulus-11");
    }

    @Test
    void remainderTenIsAlwaysInvalid() {
        // 999000014x: 11 - (sum mod 11) = 10, so no check digit can make it valid
        for (int d = 0; d <= 9; d++) {
            assertThat(NhsNumber.isValid("999000014" + d)).isFalse();
        }
    }

    @Test
    void spacesAreRemovedAndOtherShapesRejected() {
        assertThat(NhsNumber.normalise(" 999 000 0018 ")).isEqualTo("9990000018");
        assertThat(NhsNumber.normalise("   ")).isNull();
        assertThat(NhsNumber.problem(null)).startsWith("no NHS number");
        assertThat(NhsNumber.problem("999000001")).contains("ten digits");
        assertThat(NhsNumber.problem("99900000X8")).contains("ten digits");
    }

    @Test
    void problemTextNeverEchoesTheNumber() {
        assertThat(NhsNumber.problem("9990000019")).doesNotContain("9990000019");
    }
}

package org.cpisgateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

/** Failed logins counted per address and per name in a fixed window, on a clock the test moves. */
class LoginThrottleTest {

    private Instant now = Instant.now();
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @Test
    void anAddressIsRefusedAfterItsFailuresUntilTheWindowHasPassed() {
        LoginThrottle throttle = new LoginThrottle(clock, Duration.ofMinutes(5), 3, 10);
        for (int i = 0; i < 3; i++) {
            assertThat(throttle.refusal("user" + i, "192.0.2.1")).isEmpty();
            throttle.failed("user" + i, "192.0.2.1");
        }
        assertThat(throttle.refusal("anyone", "192.0.2.1")).contains(Duration.ofMinutes(5));
        assertThat(throttle.refusal("anyone", "192.0.2.2")).as("another address").isEmpty();
        now = now.plusSeconds(60);
        assertThat(throttle.refusal("anyone", "192.0.2.1")).contains(Duration.ofMinutes(4));
        now = now.plusSeconds(240);
        assertThat(throttle.refusal("anyone", "192.0.2.1")).isEmpty();
        throttle.failed("anyone", "192.0.2.1");
        assertThat(throttle.refusal("anyone", "192.0.2.1")).as("a new window counts afresh").isEmpty();
    }

    @Test
    void aNameIsRefusedAfterItsFailuresFromAnyAddress() {
        LoginThrottle throttle = new LoginThrottle(clock, Duration.ofMinutes(5), 100, 4);
        for (int i = 0; i < 4; i++) {
            throttle.failed("la901-system", "198.51.100." + i);
        }
        assertThat(throttle.refusal("la901-system", "198.51.100.200")).isPresent();
        assertThat(throttle.refusal("la902-system", "198.51.100.200")).isEmpty();
    }
}

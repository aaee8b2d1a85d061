package org.cpisgateway.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Failed logins counted per remote address and per user name, each in a fixed window: after the most a window
 * allows, further attempts from that address, or for that name, are refused until the window has passed, without
 * their password being checked (so a guesser pays nothing and makes the gateway pay nothing either). The address is
 * the connection's own, never a forwarding header's. At most {@link #KEYS} names and addresses each are counted
 * (the least recently failed are forgotten first), so a stream of invented names cannot fill the heap.
 */
public final class LoginThrottle {

    static final int KEYS = 100_000;

    private record Failures(Instant since, int count) {
    }

    private final Clock clock;
    private final Duration window;
    private final int perAddress;
    private final int perUser;
    private final Cache<String, Failures> byAddress;
    private final Cache<String, Failures> byUser;

    public LoginThrottle(Clock clock, Duration window, int perAddress, int perUser) {
        this.clock = clock;
        this.window = window;
        this.perAddress = perAddress;
        this.perUser = perUser;
        this.byAddress = cache();
        this.byUser = cache();
    }

    private Cache<String, Failures> cache() {
        return Caffeine.newBuilder().maximumSize(KEYS).expireAfterWrite(window)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis())).build();
    }

    /** How long the caller must wait before its next attempt, or empty when it may try now. */
    public Optional<Duration> refusal(String user, String address) {
        Instant now = clock.instant();
        Duration wait = Duration.ZERO;
        for (Duration d : new Duration[] {wait(byAddress, address, perAddress, now), wait(byUser, user, perUser, now)}) {
            if (d.compareTo(wait) > 0) {
                wait = d;
            }
        }
        return wait.isZero() ? Optional.empty() : Optional.of(wait);
    }

    /** A failed login: counted against the address and the name. */
    public void failed(String user, String address) {
        Instant now = clock.instant();
        count(byAddress, address, now);
        count(byUser, user, now);
    }

    private Duration wait(Cache<String, Failures> failures, String key, int most, Instant now) {
        Failures f = key == null ? null : failures.getIfPresent(key);
        if (f == null || f.count() < most) {
            return Duration.ZERO;
        }
        Duration left = Duration.between(now, f.since().plus(window));
        return left.isNegative() ? Duration.ZERO : left;
    }

    private void count(Cache<String, Failures> failures, String key, Instant now) {
        if (key == null) {
            return;
        }
        failures.asMap().compute(key, (k, f) -> f == null || !now.isBefore(f.since().plus(window))
                ? new Failures(now, 1) : new Failures(f.since(), f.count() + 1));
    }
}

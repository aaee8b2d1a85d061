package org.cpisgateway.http;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.activemq.artemis.utils.PasswordMaskingUtil;

/**
 * Whether an HTTP Basic login is let in, and with which roles, for one set of user files or several (the FHIR API
 * takes care settings' systems from the operations users and authorities' systems from the broker's; a request's
 * credentials are checked once, across both). In order:
 *
 * <ol>
 *   <li>a password that matched a short while ago is taken (no hash is checked: see {@link OperatorDirectory});</li>
 *   <li>an address or user name with too many recent failures is refused ({@link LoginThrottle}), with how long to
 *       wait, before any hash is checked;</li>
 *   <li>the password is checked against the user's PBKDF2 hash, or, for a name no file holds, against a hash made
 *       at start for the purpose: an unknown name costs what a known one costs, so the time taken does not tell
 *       which names exist.</li>
 * </ol>
 *
 * Meters: {@code cpis.http.logins.refused} (tag {@code reason}: {@code wrong} or {@code throttled}) and
 * {@code cpis.http.password.checks} (hashes checked, the CPU that logins cost).
 */
public final class Logins {

    /** What became of a login. */
    public sealed interface Outcome permits Accepted, Refused, Throttled {
    }

    /**
     * Let in, with the roles each set of files gives (in the order the sets were given; empty for a set whose
     * password did not match or that does not hold the user).
     */
    public record Accepted(String user, List<Set<String>> rolesBySet) implements Outcome {
        /** The roles of every set together. */
        public Set<String> roles() {
            Set<String> all = new TreeSet<>();
            rolesBySet.forEach(all::addAll);
            return all;
        }
    }

    /** Wrong name or password. */
    public record Refused() implements Outcome {
    }

    /** Too many failures lately: try again after {@code retryAfter}. */
    public record Throttled(Duration retryAfter) implements Outcome {
    }

    /** A hash of a random password, made once with the same processor and cost as users' hashes. */
    private static final String UNKNOWN_USER_HASH = unknownUserHash();

    private final List<OperatorDirectory> directories;
    private final LoginThrottle throttle;
    private final Counter wrong;
    private final Counter throttled;
    private final Counter checks;

    public Logins(List<OperatorDirectory> directories, LoginThrottle throttle, MeterRegistry meters) {
        this.directories = List.copyOf(directories);
        this.throttle = throttle;
        this.wrong = Counter.builder("cpis.http.logins.refused").tag("reason", "wrong")
                .description("HTTP logins refused: wrong user or password, or too many failures lately")
                .register(meters);
        this.throttled = Counter.builder("cpis.http.logins.refused").tag("reason", "throttled")
                .description("HTTP logins refused: wrong user or password, or too many failures lately")
                .register(meters);
        this.checks = Counter.builder("cpis.http.password.checks")
                .description("Password hashes checked for HTTP logins (PBKDF2), for known and unknown users alike")
                .register(meters);
    }

    /** @param address the caller's own address (the connection's, never a forwarding header's) */
    public Outcome check(String user, String password, String address) {
        if (user == null || password == null) {
            return refuse(user, address);
        }
        List<Set<String>> roles = new ArrayList<>();
        boolean matched = false;
        boolean allRemembered = true;
        for (OperatorDirectory d : directories) {
            roles.add(Set.of());
            if (d.knows(user)) {
                if (d.remembers(user, password)) {
                    matched = true;
                    roles.set(roles.size() - 1, d.roles(user));
                } else {
                    allRemembered = false;
                }
            }
        }
        if (matched && allRemembered) {
            return new Accepted(user, roles);
        }
        Optional<Duration> wait = throttle.refusal(user, address);
        if (wait.isPresent()) {
            if (matched) {
                return new Accepted(user, roles); // what was remembered: checking the rest would cost a hash
            }
            throttled.increment();
            return new Throttled(wait.get());
        }
        boolean known = false;
        for (int i = 0; i < directories.size(); i++) {
            OperatorDirectory d = directories.get(i);
            if (d.knows(user) && !d.remembers(user, password)) {
                known = true;
                checks.increment();
                if (d.verify(user, password)) {
                    matched = true;
                    roles.set(i, d.roles(user));
                }
            }
        }
        if (!known && !matched) {
            checks.increment();
            checkUnknown(password);
        }
        return matched ? new Accepted(user, roles) : refuse(user, address);
    }

    private Outcome refuse(String user, String address) {
        throttle.failed(user, address);
        wrong.increment();
        return new Refused();
    }

    private static void checkUnknown(String password) {
        try {
            PasswordMaskingUtil.getHashProcessor().compare(password.toCharArray(), UNKNOWN_USER_HASH);
        } catch (Exception ignored) {
            // the answer is no either way; only the time it took matters
        }
    }

    private static String unknownUserHash() {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        try {
            return PasswordMaskingUtil.getHashProcessor().hash(HexFormat.of().formatHex(random)); // ENC(...)
        } catch (Exception e) {
            throw new IllegalStateException("no password hash processor", e);
        }
    }

    /**
     * The user and password of an HTTP Basic {@code Authorization} header, or null when there are none. Only the FHIR
     * API reads the header itself: it logs in inside its route so that a refusal is a FHIR OperationOutcome, where
     * the other paths use Vert.x's Basic handler ({@link OperatorAuthentication}).
     */
    public static String[] basic(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    }
}

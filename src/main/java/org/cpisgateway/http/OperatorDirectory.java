package org.cpisgateway.http;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.apache.activemq.artemis.utils.PasswordMaskingUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The people allowed on the operations HTTP endpoint, in the same two files and format as the broker's users:
 * a users file ({@code name = ENC(hash)}, Artemis's one-way PBKDF2 hash made by {@code cpis-gateway hash-password})
 * and a roles file ({@code role = name1,name2}). The files are read again when they change (their times and sizes
 * are compared at each use; they are read only when those differ), so adding, rotating or removing an operator needs
 * no restart. A password that is not hashed is never accepted. {@link Logins} decides, with these, who is let in.
 */
public final class OperatorDirectory {

    /** Read-only: the operations page, summary, live-edit log and the list of failed messages (no patient data). */
    public static final String OPERATOR = "operator";
    /** Everything an operator may, plus reading a stored message (patient data) and replaying it. */
    public static final String ADMIN = "admin";

    private static final Logger LOG = LoggerFactory.getLogger(OperatorDirectory.class);

    private final List<Path> userFiles;
    private final List<Path> roleFiles;
    private volatile Snapshot snapshot = new Snapshot(List.of(), Map.of(), Map.of());
    /**
     * Passwords already checked against a stored hash: PBKDF2 is slow on purpose, too slow to run on every request
     * of a system that calls many times a second. Keyed by an HMAC of user and password under a key made afresh at
     * each start (so neither the password nor a plain hash of it is held), valued with the stored hash it matched,
     * so a rotated or removed password is checked afresh; kept for {@code remember}, forgotten whenever the files
     * are read again.
     */
    private final Cache<String, String> verified;
    private final SecretKeySpec keyOfVerified;
    private static final int VERIFIED_MAX = 10_000;

    /** Files as shipped, passwords remembered for a minute. */
    public OperatorDirectory(List<Path> userFiles, List<Path> roleFiles) {
        this(userFiles, roleFiles, Duration.ofMinutes(1), Clock.systemUTC());
    }

    /**
     * @param userFiles users files, each with the roles file at the same position in {@code roleFiles}
     * @param remember  how long a password that matched is taken without checking its hash (zero: never)
     */
    public OperatorDirectory(List<Path> userFiles, List<Path> roleFiles, Duration remember, Clock clock) {
        this.userFiles = List.copyOf(userFiles);
        this.roleFiles = List.copyOf(roleFiles);
        this.verified = Caffeine.newBuilder().maximumSize(VERIFIED_MAX).expireAfterWrite(remember)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis())).build();
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.keyOfVerified = new SecretKeySpec(key, "HmacSHA256");
    }

    /** Whether the files hold this user (with a hashed password). */
    public boolean knows(String user) {
        String hash = current().passwords.get(user);
        return hash != null && PasswordMaskingUtil.isEncMasked(hash);
    }

    /** Whether this password matched the user's stored hash a short while ago (no hash is checked). */
    public boolean remembers(String user, String password) {
        String hash = current().passwords.get(user);
        return hash != null && password != null && hash.equals(verified.getIfPresent(key(user, password)));
    }

    /**
     * Checks the password against the user's stored hash (PBKDF2, slow on purpose), remembering a match. The user
     * must be one the files hold ({@link #knows}); the caller checks an unknown user against a hash of its own, so
     * that both take the same time.
     */
    public boolean verify(String user, String password) {
        String hash = current().passwords.get(user);
        if (hash == null || password == null || !PasswordMaskingUtil.isEncMasked(hash)) {
            return false;
        }
        try {
            if (!PasswordMaskingUtil.getHashProcessor().compare(password.toCharArray(), hash)) {
                return false;
            }
        } catch (Exception unreadableHash) {
            return false;
        }
        verified.put(key(user, password), hash);
        return true;
    }

    /** The user's roles ({@code admin} implies {@code operator}). */
    public Set<String> roles(String user) {
        Set<String> roles = new TreeSet<>(current().roles.getOrDefault(user, Set.of()));
        if (roles.contains(ADMIN)) {
            roles.add(OPERATOR);
        }
        return roles;
    }

    private String key(String user, String password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(keyOfVerified);
            mac.update(user.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return HexFormat.of().formatHex(mac.doFinal(password.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** Problems with the files (missing file, a password that is not hashed), for start-up checks. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        for (Path file : userFiles) {
            if (!Files.isRegularFile(file)) {
                problems.add("The operations users file " + file + " does not exist (cpis.http.users-file)");
                continue;
            }
            read(file).forEach((user, hash) -> {
                if (!PasswordMaskingUtil.isEncMasked(hash)) {
                    problems.add(file + ": the password of operations user '" + user + "' is not hashed; hash it "
                            + "with: bin/cpis-gateway hash-password");
                }
            });
        }
        for (Path file : roleFiles) {
            if (!Files.isRegularFile(file)) {
                problems.add("The operations roles file " + file + " does not exist (cpis.http.roles-file)");
            }
        }
        return problems;
    }

    private Snapshot current() {
        List<Object> stamps = new ArrayList<>();
        for (Path file : concat()) {
            try {
                stamps.add(Files.getLastModifiedTime(file));
                stamps.add(Files.size(file)); // a file rewritten within its time's resolution
            } catch (IOException missing) {
                stamps.add(null);
            }
        }
        Snapshot s = snapshot;
        if (!stamps.equals(s.stamps)) {
            synchronized (this) {
                s = snapshot;
                if (!stamps.equals(s.stamps)) {
                    s = load(stamps);
                    verified.invalidateAll(); // a changed file: every password is checked against it afresh
                    snapshot = s;
                }
            }
        }
        return s;
    }

    private List<Path> concat() {
        List<Path> all = new ArrayList<>(userFiles);
        all.addAll(roleFiles);
        return all;
    }

    private Snapshot load(List<Object> stamps) {
        Map<String, String> passwords = new HashMap<>();
        Map<String, Set<String>> roles = new HashMap<>();
        userFiles.forEach(file -> passwords.putAll(read(file)));
        for (Path file : roleFiles) {
            read(file).forEach((role, members) -> {
                for (String user : members.split("\\s*,\\s*")) {
                    if (!user.isEmpty()) {
                        roles.computeIfAbsent(user, u -> new TreeSet<>()).add(role);
                    }
                }
            });
        }
        LOG.info("Operations users read: {} users", passwords.size());
        return new Snapshot(stamps, passwords, roles);
    }

    private static Map<String, String> read(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            return Map.of(); // a missing file grants nothing; problems() reports it at start
        }
        Map<String, String> map = new HashMap<>();
        p.stringPropertyNames().forEach(k -> map.put(k, p.getProperty(k).trim()));
        return map;
    }

    private record Snapshot(List<Object> stamps, Map<String, String> passwords, Map<String, Set<String>> roles) {
    }
}

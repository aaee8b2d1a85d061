package org.cpisgateway.ops;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import org.apache.activemq.artemis.utils.PasswordMaskingUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The people allowed on the operations HTTP endpoint, in the same two files and format as the broker's users:
 * a users file ({@code name = ENC(hash)}, Artemis's one-way PBKDF2 hash made by {@code cpis-gateway hash-password})
 * and a roles file ({@code role = name1,name2}). The files are read again when they change, so adding, rotating or
 * removing an operator needs no restart. A password that is not hashed is never accepted.
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
     * of a system that calls many times a second. Keyed by user and a SHA-256 of the password, valued with the hash
     * it matched, so a rotated or removed password is checked afresh. Only matches are kept, at most
     * {@link #VERIFIED_MAX} (then the cache starts over).
     */
    private final Map<String, String> verified = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int VERIFIED_MAX = 10_000;

    /** @param userFiles users files, each with the roles file at the same position in {@code roleFiles} */
    public OperatorDirectory(List<Path> userFiles, List<Path> roleFiles) {
        this.userFiles = List.copyOf(userFiles);
        this.roleFiles = List.copyOf(roleFiles);
    }

    /** The roles of the user whose password matches, or null when the name or the password is wrong. */
    public Set<String> authenticate(String user, String password) {
        Snapshot current = current();
        String hash = current.passwords.get(user);
        if (hash == null || password == null || !PasswordMaskingUtil.isEncMasked(hash)) {
            return null;
        }
        String key = user + '\u0000' + sha256(password);
        if (!hash.equals(verified.get(key))) {
            try {
                if (!PasswordMaskingUtil.getHashProcessor().compare(password.toCharArray(), hash)) {
                    return null;
                }
            } catch (Exception unreadableHash) {
                return null;
            }
            if (verified.size() >= VERIFIED_MAX) {
                verified.clear();
            }
            verified.put(key, hash);
        }
        Set<String> roles = new TreeSet<>(current.roles.getOrDefault(user, Set.of()));
        if (roles.contains(ADMIN)) {
            roles.add(OPERATOR);
        }
        return roles;
    }

    private static String sha256(String password) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(password.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException impossible) {
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
        List<FileTime> stamps = new ArrayList<>();
        for (Path file : concat()) {
            try {
                stamps.add(Files.getLastModifiedTime(file));
            } catch (IOException missing) {
                stamps.add(null);
            }
        }
        Snapshot s = snapshot;
        if (!stamps.equals(s.stamps)) {
            s = load(stamps);
            snapshot = s;
        }
        return s;
    }

    private List<Path> concat() {
        List<Path> all = new ArrayList<>(userFiles);
        all.addAll(roleFiles);
        return all;
    }

    private Snapshot load(List<FileTime> stamps) {
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

    private record Snapshot(List<FileTime> stamps, Map<String, String> passwords, Map<String, Set<String>> roles) {
    }
}

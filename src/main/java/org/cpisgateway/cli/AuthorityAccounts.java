package org.cpisgateway.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import org.apache.activemq.artemis.utils.PasswordMaskingUtil;
import org.apache.commons.configuration2.PropertiesConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.csv.CSVFormat;
import org.cpisgateway.mapping.AuthorityDirectory;
import org.cpisgateway.mapping.CsvTable;

/**
 * Adds, re-keys and retires an authority in the files a running gateway watches: its row in
 * {@code mappings/authorities.csv} (the gateway creates its queues and grants its role when the file changes), its
 * broker user with a hashed password in the users file, and its role in the roles file (Artemis re-reads both at the
 * next login). Each file is replaced whole by an atomic rename, so the gateway never reads half an edit; comments,
 * blank lines and every other line stay as they were: the properties files are edited through Commons
 * Configuration's layout-keeping {@link PropertiesConfiguration}, the table's row found by the gateway's own CSV
 * reading ({@link CsvTable}). A file that would no longer load is not written.
 */
public final class AuthorityAccounts {

    private final Path authoritiesCsv;
    private final Path usersFile;
    private final Path rolesFile;

    /** @param usersFile the broker users file, or null when the broker is external (its admin keeps its users) */
    public AuthorityAccounts(Path authoritiesCsv, Path usersFile, Path rolesFile) {
        this.authoritiesCsv = authoritiesCsv;
        this.usersFile = usersFile;
        this.rolesFile = rolesFile;
    }

    /** The broker user of an authority's system: {@code la903-system} for LA903. */
    public static String userOf(String code) {
        return code.toLowerCase(Locale.ROOT) + "-system";
    }

    /** A new random password: 24 URL-safe characters (144 bits). */
    public static String newPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public boolean exists(String code) {
        return rowIndex(code) >= 0;
    }

    /** Adds the authority: user and role first, then the row that makes the gateway open its queues. */
    public void add(String code, String name, String officeHoursPhone, String emergencyDutyPhone, String password)
            throws Exception {
        if (exists(code)) {
            throw new IllegalArgumentException("authority " + code + " is already in " + authoritiesCsv);
        }
        List<String> rows = Files.readAllLines(authoritiesCsv, StandardCharsets.UTF_8);
        rows.add(CSVFormat.DEFAULT.format(code, name, officeHoursPhone, emergencyDutyPhone));
        Path candidate = authoritiesCsv.resolveSibling("." + authoritiesCsv.getFileName() + ".new");
        Files.write(candidate, rows, StandardCharsets.UTF_8);
        try {
            AuthorityDirectory.load(candidate); // the gateway's own reading: a bad code or cell is refused here
        } catch (RuntimeException refused) {
            Files.deleteIfExists(candidate);
            throw new IllegalArgumentException(refused.getMessage().replace(candidate.toString(),
                    authoritiesCsv.toString()));
        }
        if (usersFile != null) {
            setProperty(usersFile, userOf(code), hash(password));
            addToRole(rolesFile, code, userOf(code));
        }
        Files.move(candidate, authoritiesCsv, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** A new password for the authority's broker user; connections already open stay until they close. */
    public void rotate(String code, String password) throws Exception {
        if (!exists(code)) {
            throw new IllegalArgumentException("authority " + code + " is not in " + authoritiesCsv);
        }
        setProperty(usersFile, userOf(code), hash(password));
    }

    /**
     * Removes the authority's user (no new login), its role and its row. Its queue and what is on it stay for an
     * operator to drain; notifications for its children go to the unrouted queue from now on.
     */
    public void retire(String code) throws Exception {
        List<String> rows = Files.readAllLines(authoritiesCsv, StandardCharsets.UTF_8);
        int row = rowIndex(code);
        if (row < 0) {
            throw new IllegalArgumentException("authority " + code + " is not in " + authoritiesCsv);
        }
        if (usersFile != null) {
            removeProperty(usersFile, userOf(code));
            removeFromRole(rolesFile, code, userOf(code));
        }
        rows.remove(row);
        replace(authoritiesCsv, rows);
    }

    private static String hash(String password) throws Exception {
        if (password == null || password.length() < 12) {
            throw new IllegalArgumentException("the password must have at least 12 characters");
        }
        return PasswordMaskingUtil.getHashProcessor().hash(password); // ENC(...)
    }

    /** The index (from 0) of the line of the data row whose code is {@code code}, or -1. */
    private int rowIndex(String code) {
        for (CsvTable.Row row : CsvTable.read(authoritiesCsv, "code")) {
            if (code.equals(CsvTable.cell(row, "code"))) {
                return (int) row.line() - 1;
            }
        }
        return -1;
    }

    /** The properties file as Commons Configuration reads it, keeping its comments, blank lines and order. */
    private static PropertiesConfiguration read(Path file) throws IOException {
        PropertiesConfiguration properties = new PropertiesConfiguration();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.read(in);
        } catch (ConfigurationException unreadable) {
            throw new IOException("Cannot read " + file + ": " + unreadable.getMessage(), unreadable);
        }
        return properties;
    }

    /** Writes beside the file, then renames over it: a reader sees the old file or the new one, never half. */
    private static void replace(Path file, PropertiesConfiguration properties) throws IOException {
        Path next = file.resolveSibling("." + file.getFileName() + ".new");
        try (Writer out = Files.newBufferedWriter(next, StandardCharsets.UTF_8)) {
            properties.write(out);
        } catch (ConfigurationException unwritable) {
            throw new IOException("Cannot write " + file + ": " + unwritable.getMessage(), unwritable);
        }
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Sets the key's value where its line is (a new key goes at the end, as {@code key = value}). */
    private static void setProperty(Path file, String key, String value) throws IOException {
        PropertiesConfiguration properties = read(file);
        properties.setProperty(key, value);
        replace(file, properties);
    }

    /**
     * Adds {@code user} to the role's line ({@code role = user, other-user}), keeping the users already there (an
     * operator may have given the role to a second user of the authority's).
     */
    private static void addToRole(Path file, String role, String user) throws IOException {
        PropertiesConfiguration properties = read(file);
        List<String> users = roleUsers(properties, role);
        if (!users.contains(user)) {
            users.add(user);
        }
        properties.setProperty(role, String.join(", ", users));
        replace(file, properties);
    }

    /** Takes {@code user} out of the role's line; the line goes only when no user is left in it. */
    private static void removeFromRole(Path file, String role, String user) throws IOException {
        PropertiesConfiguration properties = read(file);
        List<String> users = roleUsers(properties, role);
        if (!users.remove(user)) {
            return;
        }
        if (users.isEmpty()) {
            properties.clearProperty(role);
        } else {
            properties.setProperty(role, String.join(", ", users));
        }
        replace(file, properties);
    }

    /** The users of a role, from every line of the role (raw values: no interpolation of {@code ${...}}). */
    private static List<String> roleUsers(PropertiesConfiguration properties, String role) {
        Object value = properties.getProperty(role);
        List<String> users = new ArrayList<>();
        for (Object line : value instanceof List<?> lines ? lines : value == null ? List.of() : List.of(value)) {
            for (String u : String.valueOf(line).split(",")) {
                if (!u.isBlank() && !users.contains(u.strip())) {
                    users.add(u.strip());
                }
            }
        }
        return users;
    }

    private static void removeProperty(Path file, String key) throws IOException {
        PropertiesConfiguration properties = read(file);
        if (properties.containsKey(key)) {
            properties.clearProperty(key);
            replace(file, properties);
        }
    }

    /** Writes beside the file, then renames over it: a reader sees the old file or the new one, never half. */
    private static void replace(Path file, List<String> lines) throws IOException {
        Path next = file.resolveSibling("." + file.getFileName() + ".new");
        Files.write(next, lines, StandardCharsets.UTF_8);
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}

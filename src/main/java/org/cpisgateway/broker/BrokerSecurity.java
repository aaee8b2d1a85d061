package org.cpisgateway.broker;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.utils.PasswordMaskingUtil;
import org.cpisgateway.core.Authority;

/**
 * Who may do what on the broker. Users and their hashed passwords come from an Artemis-style users file
 * ({@code user = ENC(hash)}), role membership from a roles file ({@code ROLE = user1,user2}); an authority's role is
 * its code. Permissions are derived from the authority directory, the same for every authority:
 * <ul>
 *   <li>{@code cpis.notify.<code>}: the authority consumes and browses; the gateway sends;</li>
 *   <li>{@code cpis.upload.<code>}: the authority sends; the gateway consumes;</li>
 *   <li>{@code cpis.upload.<code>.response}: the authority consumes and browses; the gateway sends;</li>
 *   <li>{@code cpis.unrouted} and {@code DLQ}: the gateway sends and consumes; role {@code cpis-operator} browses
 *       and consumes;</li>
 *   <li>everything else, address or queue creation and management: nobody.</li>
 * </ul>
 */
public final class BrokerSecurity {

    public static final String GATEWAY_ROLE = "cpis-gateway";
    public static final String OPERATOR_ROLE = "cpis-operator";

    private final LoginConfiguration users;
    private final List<Path> roleFiles;
    /** Role membership and the roles files' times it was read at: read again when a file changes. */
    private volatile RoleMembers members = new RoleMembers(List.of(), Map.of());

    private record RoleMembers(List<Object> stamps, Map<String, Set<String>> usersByRole) {
    }

    /**
     * @param userFiles users files (later files add users); every password must be an {@code ENC(...)} hash
     * @param roleFiles roles files
     */
    public BrokerSecurity(List<Path> userFiles, List<Path> roleFiles, String gatewayUser, String gatewayPassword) {
        if (userFiles.size() != roleFiles.size()) {
            throw new IllegalArgumentException("one roles file per users file");
        }
        users = new LoginConfiguration(userFiles, roleFiles);
        for (Path file : userFiles) {
            read(file).forEach((user, password) -> {
                if (!PasswordMaskingUtil.isEncMasked(password)) {
                    throw new IllegalStateException(file + ": the password of user '" + user + "' is not hashed. "
                            + "Hash it with: bin/cpis-gateway hash-password");
                }
            });
        }
        this.roleFiles = List.copyOf(roleFiles);
        users.addUser(gatewayUser, gatewayPassword);
        users.addRole(gatewayUser, GATEWAY_ROLE);
    }

    private static Map<String, String> read(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read broker security file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> map = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> map.put(k, p.getProperty(k).trim()));
        return map;
    }

    private volatile List<Object> loginFileStamps;

    /**
     * Makes the broker's login module read the users and roles files again when they have changed (size or time
     * differ from the last look), whatever the clock says. Artemis's {@code PropertiesLoginModule} re-reads a file
     * only when its modification time is later than the moment it last read it by this machine's clock, so an edit
     * whose file time is behind that clock (a clock set ahead, a file written on another host, a file copied with its
     * time kept) is never seen: {@code ArtemisLoginReloadTest} pins it. Clearing Artemis's file cache makes the next
     * login read the files afresh. Called every second by the embedded broker's wiring.
     */
    public void reloadLoginFilesIfChanged() {
        List<Object> stamps = new java.util.ArrayList<>();
        for (Path file : users.files()) {
            try {
                stamps.add(Files.getLastModifiedTime(file).toMillis() + ":" + Files.size(file));
            } catch (IOException missing) {
                stamps.add("missing");
            }
        }
        if (loginFileStamps != null && !stamps.equals(loginFileStamps)) {
            org.apache.activemq.artemis.spi.core.security.jaas.PropertiesLoader.resetUsersAndGroupsCache();
        }
        loginFileStamps = stamps;
    }

    /** The JAAS login configuration the broker's security manager uses. */
    public SecurityConfiguration users() {
        return users;
    }

    /**
     * Artemis's own login modules, stacked: a {@code PropertiesLoginModule} per users/roles file pair (hashed
     * passwords, files re-read when they change, so a new authority user needs no restart), then the in-VM module
     * holding only the gateway's service user.
     */
    static final class LoginConfiguration extends SecurityConfiguration {
        private final List<Path> userFiles;
        private final List<Path> roleFiles;

        LoginConfiguration(List<Path> userFiles, List<Path> roleFiles) {
            this.userFiles = userFiles;
            this.roleFiles = roleFiles;
        }

        /** Every users and roles file the login modules read. */
        List<Path> files() {
            List<Path> all = new java.util.ArrayList<>(userFiles);
            all.addAll(roleFiles);
            return all;
        }

        @Override
        public javax.security.auth.login.AppConfigurationEntry[] getAppConfigurationEntry(String name) {
            var sufficient = javax.security.auth.login.AppConfigurationEntry.LoginModuleControlFlag.SUFFICIENT;
            List<javax.security.auth.login.AppConfigurationEntry> entries = new java.util.ArrayList<>();
            for (int i = 0; i < userFiles.size(); i++) {
                Path users = userFiles.get(i).toAbsolutePath();
                Path roles = roleFiles.get(i).toAbsolutePath();
                entries.add(new javax.security.auth.login.AppConfigurationEntry(
                        org.apache.activemq.artemis.spi.core.security.jaas.PropertiesLoginModule.class.getName(),
                        sufficient, Map.of(
                        "baseDir", "/",
                        org.apache.activemq.artemis.spi.core.security.jaas.PropertiesLoginModule.USER_FILE_PROP_NAME,
                        users.toString(),
                        org.apache.activemq.artemis.spi.core.security.jaas.PropertiesLoginModule.ROLE_FILE_PROP_NAME,
                        roles.toString(),
                        "reload", "true")));
            }
            entries.add(new javax.security.auth.login.AppConfigurationEntry(
                    org.apache.activemq.artemis.spi.core.security.jaas.InVMLoginModule.class.getName(), sufficient,
                    Map.of(org.apache.activemq.artemis.spi.core.security.jaas.InVMLoginModule.CONFIG_PROP_NAME, this)));
            return entries.toArray(new javax.security.auth.login.AppConfigurationEntry[0]);
        }
    }

    /**
     * The broker users that act for this authority (members of the role named by its code), as the roles files say
     * now: an authority added while the gateway runs acts for itself at once, like the broker's own login module.
     */
    public Set<String> usersOf(String authorityCode) {
        return currentMembers().usersByRole().getOrDefault(authorityCode, Set.of());
    }

    private RoleMembers currentMembers() {
        List<Object> stamps = new java.util.ArrayList<>();
        for (Path file : roleFiles) {
            try {
                stamps.add(Files.getLastModifiedTime(file));
            } catch (IOException missing) {
                stamps.add("missing");
            }
        }
        RoleMembers current = members;
        if (!stamps.equals(current.stamps())) {
            Map<String, Set<String>> usersByRole = new HashMap<>();
            for (Path file : roleFiles) {
                read(file).forEach((role, list) -> {
                    for (String user : list.split("\\s*,\\s*")) {
                        if (!user.isEmpty()) {
                            usersByRole.computeIfAbsent(role, r -> new TreeSet<>()).add(user);
                        }
                    }
                });
            }
            current = new RoleMembers(stamps, usersByRole);
            members = current;
        }
        return current;
    }

    public Map<String, Set<Role>> permissions(Collection<Authority> authorities, String notifyPrefix,
                                              String uploadPrefix, String unroutedQueue) {
        Map<String, Set<Role>> settings = new LinkedHashMap<>();
        settings.put("#", Set.of());
        for (Authority a : authorities) {
            String code = a.code();
            settings.put(notifyPrefix + code, Set.of(consumer(code), sender(GATEWAY_ROLE)));
            settings.put(uploadPrefix + code, Set.of(sender(code), consumer(GATEWAY_ROLE)));
            settings.put(uploadPrefix + code + ".response", Set.of(consumer(code), sender(GATEWAY_ROLE)));
        }
        for (String q : List.of(unroutedQueue, "DLQ")) {
            settings.put(q, Set.of(both(GATEWAY_ROLE), consumer(OPERATOR_ROLE)));
        }
        return settings;
    }

    // Role(name, send, consume, createDurableQueue, deleteDurableQueue, createNonDurableQueue,
    //      deleteNonDurableQueue, manage, browse, createAddress, deleteAddress, view, edit)
    static Role consumer(String role) {
        return new Role(role, false, true, false, false, false, false, false, true, false, false, false, false);
    }

    static Role sender(String role) {
        return new Role(role, true, false, false, false, false, false, false, false, false, false, false, false);
    }

    static Role both(String role) {
        return new Role(role, true, true, false, false, false, false, false, true, false, false, false, false);
    }
}

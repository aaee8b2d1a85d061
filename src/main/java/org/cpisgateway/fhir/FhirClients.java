package org.cpisgateway.fhir;

import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

import org.cpisgateway.mapping.CareSettingDirectory;
import org.cpisgateway.http.Logins;
import org.cpisgateway.http.OperatorAuthentication;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * Who is calling the FHIR API, from its HTTP Basic credentials. A care setting's system is an operations HTTP user
 * with the role {@code care-setting.<setting code>} (conf/operations/roles.properties): it searches plans (Flag,
 * CareTeam) and reads a child's access history as that setting. An authority's system logs in with its broker user, as it does for its queue and the authority API: it
 * reads the accesses to its own children. Wrong or missing credentials: 401.
 */
public class FhirClients {

    public static final String SETTING_ROLE_PREFIX = "care-setting.";

    /** The caller: the setting it acts for (null: none), the authorities it acts for (empty: none). */
    public record Client(String user, CareSettingDirectory.Place setting, Set<String> authorities) {

        /**
         * Whether the caller is a care setting's system. Where a search is offered to both kinds of caller (AuditEvent)
         * this decides the answer: a user that acts for a care setting reads as that setting, even if the same name
         * is also an authority's broker user, so a care setting never gets an authority's wider view.
         */
        public boolean actsForCareSetting() {
            return setting != null;
        }
    }

    private final Logins logins;
    private final CareSettingDirectory settings;
    private final Predicate<String> knownAuthority;

    /**
     * @param logins the operations users (care settings' systems) and the broker's users (authorities' systems),
     *               checked together: once per request
     */
    public FhirClients(Logins logins, CareSettingDirectory settings, Predicate<String> knownAuthority) {
        this.logins = logins;
        this.settings = settings;
        this.knownAuthority = knownAuthority;
    }

    /** @param address the caller's own address (the connection's), against which failures are counted */
    public Client authenticate(String authorization, String address) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw unauthorized("credentials are required (HTTP Basic)");
        }
        String[] credentials = Logins.basic(authorization);
        if (credentials == null) {
            throw unauthorized("the credentials are not readable");
        }
        String user = credentials[0];
        Logins.Outcome outcome = logins.check(user, credentials[1], address);
        if (outcome instanceof Logins.Throttled throttled) {
            throw new Throttled(OperatorAuthentication.retryAfterSeconds(throttled));
        }
        if (!(outcome instanceof Logins.Accepted accepted)) {
            throw unauthorized("wrong user or password");
        }
        Set<String> settingRoles = accepted.rolesBySet().get(0); // operations users: care settings' systems
        Set<String> authorityRoles = accepted.rolesBySet().get(1); // broker users: authorities' systems
        CareSettingDirectory.Place place = null;
        {
            Set<String> codes = new TreeSet<>();
            settingRoles.stream().filter(r -> r.startsWith(SETTING_ROLE_PREFIX))
                    .forEach(r -> codes.add(r.substring(SETTING_ROLE_PREFIX.length())));
            if (codes.size() > 1) {
                throw FhirProblem.forbidden("this user acts for several care settings; a system acts for one");
            }
            if (codes.size() == 1) {
                String code = codes.iterator().next();
                place = settings.placeOf(code).orElseThrow(() -> FhirProblem.forbidden(
                        "this user acts for care setting " + code + ", which mappings/care-settings.csv does not have"));
            }
        }
        Set<String> authorities = new TreeSet<>();
        authorityRoles.stream().filter(knownAuthority).forEach(authorities::add);
        return new Client(user, place, authorities);
    }

    /** 401: the answer carries {@code WWW-Authenticate} (set by the API). */
    public static final class Unauthorized extends FhirProblem {
        Unauthorized(String diagnostics) {
            super(401, IssueType.LOGIN, diagnostics);
        }
    }

    /** 429: too many failed logins lately from this address or for this name; the answer says when to try again. */
    public static final class Throttled extends FhirProblem {
        private final long retryAfterSeconds;

        Throttled(long retryAfterSeconds) {
            super(429, IssueType.THROTTLED, "too many failed logins; try again later");
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    private static Unauthorized unauthorized(String why) {
        return new Unauthorized(why);
    }
}

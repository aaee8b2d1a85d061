package org.cpisgateway.fhir;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

import org.cpisgateway.mapping.CareSettingDirectory;
import org.cpisgateway.ops.OperatorDirectory;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * Who is calling the FHIR API, from its HTTP Basic credentials. A care setting's system is an operations HTTP user
 * with the role {@code care-setting.<setting code>} (conf/operations/roles.properties): it searches flags as that
 * setting. An authority's system logs in with its broker user, as it does for its queue and the authority API: it
 * reads the accesses to its own children. Wrong or missing credentials: 401.
 */
public class FhirClients {

    public static final String SETTING_ROLE_PREFIX = "care-setting.";

    /** The caller: the setting it acts for (null: none), the authorities it acts for (empty: none). */
    public record Client(String user, CareSettingDirectory.Place setting, Set<String> authorities) {
    }

    private final OperatorDirectory settingSystems;
    private final OperatorDirectory authoritySystems;
    private final CareSettingDirectory settings;
    private final Predicate<String> knownAuthority;

    public FhirClients(OperatorDirectory settingSystems, OperatorDirectory authoritySystems,
                       CareSettingDirectory settings, Predicate<String> knownAuthority) {
        this.settingSystems = settingSystems;
        this.authoritySystems = authoritySystems;
        this.settings = settings;
        this.knownAuthority = knownAuthority;
    }

    public Client authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw unauthorized("credentials are required (HTTP Basic)");
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw unauthorized("the credentials are not readable");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw unauthorized("the credentials are not readable");
        }
        String user = decoded.substring(0, colon);
        String password = decoded.substring(colon + 1);
        Set<String> settingRoles = settingSystems.authenticate(user, password);
        Set<String> authorityRoles = authoritySystems.authenticate(user, password);
        if (settingRoles == null && authorityRoles == null) {
            throw unauthorized("wrong user or password");
        }
        CareSettingDirectory.Place place = null;
        if (settingRoles != null) {
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
        if (authorityRoles != null) {
            authorityRoles.stream().filter(knownAuthority).forEach(authorities::add);
        }
        return new Client(user, place, authorities);
    }

    /** 401: the answer carries {@code WWW-Authenticate} (set by the API). */
    public static final class Unauthorized extends FhirProblem {
        Unauthorized(String diagnostics) {
            super(401, IssueType.LOGIN, diagnostics);
        }
    }

    private static Unauthorized unauthorized(String why) {
        return new Unauthorized(why);
    }
}

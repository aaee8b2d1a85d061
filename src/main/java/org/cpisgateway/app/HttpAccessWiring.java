package org.cpisgateway.app;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import io.vertx.core.Vertx;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.web.handler.AuthenticationHandler;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.component.platform.http.vertx.auth.AuthenticationConfig;
import org.apache.camel.component.platform.http.vertx.auth.AuthenticationConfig.AuthenticationConfigEntry;
import org.cpisgateway.config.GatewaySettings;
import org.apache.camel.support.LifecycleStrategySupport;
import org.cpisgateway.ops.AuthorityReads;
import org.cpisgateway.ops.GatewayMetrics;
import org.cpisgateway.http.AnswerHeaders;
import org.cpisgateway.http.GuardedHttpServer;
import org.cpisgateway.http.LoginThrottle;
import org.cpisgateway.http.Logins;
import org.cpisgateway.http.OperationsAccess;
import org.cpisgateway.ops.OperationsAudit;
import org.cpisgateway.http.OperatorAuthentication;
import org.cpisgateway.http.OperatorDirectory;
import org.cpisgateway.http.RouteRoles;
import org.cpisgateway.store.AuthorityRecords;

/**
 * Who may use the operations HTTP endpoint. Camel Main's HTTP server (Vert.x) authenticates every request under
 * {@code /api/} and {@code /ops} with HTTP Basic against the operations users file (hashed passwords, like the
 * broker's), answering 401 before any route runs; each route then declares the role it requires
 * ({@code routePolicy: role.operator}), checked by {@link RouteRoles} before its first step, 403 without it (and 403
 * for an operations path whose route declares none). Health ({@code /observe/health/*}) and metrics ({@code /observe/metrics}) stay open, for
 * probes and Prometheus: they carry no patient data, and the server listens on loopback unless told otherwise.
 * Under {@code /authority/} an authority's system reads back its own records, logging in with its broker user.
 */
final class HttpAccessWiring {

    static final String REALM = "cpis-gateway operations";
    static final List<String> PROTECTED_PATHS = List.of("/api/*", "/ops", "/ops/*");
    /** Authority systems' own API, with their broker user and password. */
    static final String AUTHORITY_PATH = "/authority/*";
    static final String AUTHORITY_REALM = "cpis-gateway authority records";

    private HttpAccessWiring() {
    }

    /** The operations users: conf/operations/, and the demo's with the demo. */
    static OperatorDirectory operators(GatewaySettings s) {
        return operators(s, Clock.systemUTC());
    }

    static OperatorDirectory operators(GatewaySettings s, Clock clock) {
        List<Path> users = new ArrayList<>(List.of(s.operations().usersFile()));
        List<Path> roles = new ArrayList<>(List.of(s.operations().rolesFile()));
        if (s.demo().enabled()) {
            users.add(s.demo().httpUsersFile());
            roles.add(s.demo().httpRolesFile());
        }
        return new OperatorDirectory(users, roles, s.http().loginCache(), clock);
    }

    /** The broker's users and roles (and the demo's): authority systems log in to their HTTP API with them. */
    static OperatorDirectory authoritySystems(GatewaySettings s, Clock clock) {
        List<Path> users = new ArrayList<>(List.of(s.broker().usersFile()));
        List<Path> roles = new ArrayList<>(List.of(s.broker().rolesFile()));
        if (s.demo().enabled()) {
            users.add(s.demo().brokerUsersFile());
            roles.add(s.demo().brokerRolesFile());
        }
        return new OperatorDirectory(users, roles, s.http().loginCache(), clock);
    }

    /**
     * The two sets of HTTP users, one instance each (they remember checked passwords), and the logins of each realm:
     * operations, authority systems, and the FHIR API's (either set, checked once per request). One throttle counts
     * the failures of all three.
     */
    record Users(OperatorDirectory operators, OperatorDirectory authoritySystems, Logins operatorLogins,
                 Logins authorityLogins, Logins fhirLogins) {
    }

    static Users wire(CamelContext context, GatewaySettings s, Clock clock, StoreWiring store, Mappings mappings,
                      GatewayMetrics metrics) {
        // their files were checked with the other start-up checks
        OperatorDirectory operators = operators(s, clock);
        OperatorDirectory authoritySystems = authoritySystems(s, clock);
        LoginThrottle throttle = new LoginThrottle(clock, s.http().loginWindow(), s.http().maxFailuresPerAddress(),
                s.http().maxFailuresPerUser());
        Users users = new Users(operators, authoritySystems,
                new Logins(List.of(operators), throttle, metrics.registry()),
                new Logins(List.of(authoritySystems), throttle, metrics.registry()),
                new Logins(List.of(operators, authoritySystems), throttle, metrics.registry()));
        context.getRegistry().bind("operationsAccess", new OperationsAccess());
        // each operations route declares its role (routePolicy: role.operator); one policy factory checks it as a
        // request enters the route, and refuses an operations path whose routes declare none
        RouteRoles.policies(OperationsAccess.ROLES).forEach(context.getRegistry()::bind);
        context.addRoutePolicyFactory(new RouteRoles(PROTECTED_PATHS));
        // an answer carries only the headers the gateway sets, never the request's (credentials, the query)
        context.getComponent("platform-http", PlatformHttpComponent.class).setHeaderFilterStrategy(new AnswerHeaders());
        context.getRegistry().bind("operationsAudit", new OperationsAudit(clock));
        context.getRegistry().bind("authorityReads", new AuthorityReads(
                new AuthorityRecords(store.dataSource(), s.check().zone()), mappings.authorities()::knows, clock,
                s.http().publicBaseUrl(), s.http().pageSize(), s.http().maxPageSize()));
        MainHttpServer server = context.hasService(MainHttpServer.class);
        if (server == null) {
            return users; // camel.server.enabled = false: no HTTP endpoint to guard
        }
        // the HTTP server runs on this Vert.x (Camel takes the one in the registry): request heads within budget, and
        // a malformed Host answered 400 before Vert.x-web sees it; Camel closes only a Vert.x it made, so close it
        Vertx vertx = GuardedHttpServer.vertx(s.http().maxHeaderBytes());
        context.getRegistry().bind("cpisHttpVertx", vertx);
        context.addLifecycleStrategy(new LifecycleStrategySupport() {
            @Override
            public void onContextStopped(CamelContext stopped) {
                vertx.close();
            }
        });
        AuthenticationConfig auth = server.getConfiguration().getAuthenticationConfig();
        OperatorAuthentication operatorLogin = new OperatorAuthentication(users.operatorLogins(), REALM);
        for (String path : PROTECTED_PATHS) {
            auth.getEntries().add(basic(path, operatorLogin));
        }
        auth.getEntries().add(basic(AUTHORITY_PATH, new OperatorAuthentication(users.authorityLogins(),
                AUTHORITY_REALM)));
        auth.setEnabled(true);
        return users;
    }

    private static AuthenticationConfigEntry basic(String path, OperatorAuthentication handler) {
        AuthenticationConfigEntry entry = new AuthenticationConfigEntry();
        entry.setPath(path);
        // Camel asks for a provider too; the handler checks the credentials itself (Logins: throttle, then hash)
        entry.setAuthenticationProviderFactory(vertx -> (credentials, result) ->
                result.handle(io.vertx.core.Future.failedFuture("credentials are checked by the handler")));
        entry.setAuthenticationHandlerFactory(new AuthenticationConfig.AuthenticationHandlerFactory() {
            @Override
            public <T extends AuthenticationProvider> AuthenticationHandler createAuthenticationHandler(T p) {
                return handler;
            }
        });
        return entry;
    }
}

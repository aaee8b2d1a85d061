package org.cpisgateway.http;

import java.util.List;

import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authorization.RoleBasedAuthorization;
import org.apache.camel.Exchange;

/**
 * The operations roles and what a caller without one is told. By the time a route runs, Vert.x has authenticated the
 * caller (wrong or missing credentials were answered 401 before any route ran); {@link RouteRoles} then checks the
 * role the route declares ({@code routePolicy: role.admin}) and answers 403 without it.
 */
public class OperationsAccess {

    /** The header Camel's platform-http consumer puts the authenticated Vert.x user in. */
    public static final String USER_HEADER = "CamelVertxPlatformHttpAuthenticatedUser";

    /** The roles a route may declare (conf/operations/roles.properties): read-only, and reads of patient data. */
    public static final List<String> ROLES = List.of("operator", "admin");

    /** The caller lacks the role: the route answers 403. */
    public static final class Forbidden extends RuntimeException {
        public Forbidden(String message) {
            super(message);
        }
    }

    /**
     * The check as a route step ({@code operationsAccess.require(*, 'admin')}), for a route written before routes
     * declared their role; the role is better declared on the route, where {@link RouteRoles} checks it.
     */
    public void require(Exchange exchange, String role) {
        if (!has(exchange.getMessage().getHeader(USER_HEADER), role)) {
            throw new Forbidden(needs(role));
        }
    }

    /** Whether {@code user} (the authenticated Vert.x user, or null) has the role. */
    public static boolean has(Object user, String role) {
        return user instanceof User u && RoleBasedAuthorization.create(role).match(u);
    }

    /** What a caller without the role is answered. */
    public static String needs(String role) {
        return "this needs the operations role '" + role + "'";
    }

    /** The authenticated user's name, for the audit log. */
    public static String userName(Object user) {
        return user instanceof User u ? u.subject() : null;
    }
}

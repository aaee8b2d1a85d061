package org.cpisgateway.http;

import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authorization.RoleBasedAuthorization;
import org.apache.camel.Exchange;

/**
 * The role check the operations routes make as their first step ({@code operationsAccess.require(*, 'admin')}).
 * By then Vert.x has authenticated the caller (wrong or missing credentials were answered 401 before any route ran);
 * a user without the role gets 403.
 */
public class OperationsAccess {

    /** The header Camel's platform-http consumer puts the authenticated Vert.x user in. */
    public static final String USER_HEADER = "CamelVertxPlatformHttpAuthenticatedUser";

    /** The caller lacks the role: the route answers 403. */
    public static final class Forbidden extends RuntimeException {
        public Forbidden(String message) {
            super(message);
        }
    }

    public void require(Exchange exchange, String role) {
        Object user = exchange.getMessage().getHeader(USER_HEADER);
        if (!(user instanceof User u) || !RoleBasedAuthorization.create(role).match(u)) {
            throw new Forbidden("this needs the operations role '" + role + "'");
        }
    }

    /** The authenticated user's name, for the audit log. */
    public static String userName(Object user) {
        return user instanceof User u ? u.subject() : null;
    }
}

package org.cpisgateway.ops;

import java.util.Set;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authorization.RoleBasedAuthorization;

/**
 * Vert.x authentication for the operations HTTP endpoint (HTTP Basic, through Vert.x's {@code BasicAuthHandler}):
 * checks the user's password against {@link OperatorDirectory} and gives the user its roles as Vert.x role
 * authorizations, which the routes check with {@link OperationsAccess}.
 */
public final class OperatorAuthentication implements AuthenticationProvider {

    static final String PROVIDER = "cpis-operators";

    private final OperatorDirectory operators;

    public OperatorAuthentication(OperatorDirectory operators) {
        this.operators = operators;
    }

    @Override
    public void authenticate(JsonObject credentials, Handler<AsyncResult<User>> resultHandler) {
        String name = credentials.getString("username");
        Set<String> roles = operators.authenticate(name, credentials.getString("password"));
        if (roles == null) {
            resultHandler.handle(Future.failedFuture("wrong user name or password"));
            return;
        }
        User user = User.fromName(name);
        roles.forEach(role -> user.authorizations().add(PROVIDER, RoleBasedAuthorization.create(role)));
        resultHandler.handle(Future.succeededFuture(user));
    }
}

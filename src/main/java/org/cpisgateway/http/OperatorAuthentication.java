package org.cpisgateway.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authentication.UsernamePasswordCredentials;
import io.vertx.ext.auth.authorization.RoleBasedAuthorization;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthenticationHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.handler.impl.BasicAuthHandlerImpl;

/**
 * HTTP Basic for a path of the operations HTTP endpoint, run by Vert.x before any route. Vert.x's Basic handler reads
 * the {@code Authorization} header (pausing the body meanwhile) and hands the {@link UsernamePasswordCredentials} to
 * an {@link AuthenticationProvider} backed by {@link Logins} (run off the event loop, as a password hash is slow on
 * purpose, and given the caller's address for the throttle); the user gets its roles as Vert.x role authorizations,
 * which the routes check with {@link OperationsAccess}. No or wrong credentials: 401 with the realm's challenge; too
 * many failures lately from the caller's address or for the name: 429 with {@code Retry-After}, the password
 * unchecked.
 */
public final class OperatorAuthentication implements AuthenticationHandler {

    public static final String PROVIDER = "cpis-operators";

    private final Logins logins;
    private final String realm;

    public OperatorAuthentication(Logins logins, String realm) {
        this.logins = logins;
        this.realm = realm;
    }

    @Override
    public void handle(RoutingContext ctx) {
        // Vert.x passes a CORS pre-flight that asks about Authorization without a login; this server serves no page
        // of another origin, so a pre-flight is a request like any other and must log in too
        ctx.request().headers().remove(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS);
        String address = ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().host();
        new Basic(new CallerLogin(logins, ctx.vertx(), address), realm).handle(ctx);
    }

    /** Whole seconds, rounded up, as {@code Retry-After} has them. */
    public static long retryAfterSeconds(Logins.Throttled throttled) {
        long millis = throttled.retryAfter().toMillis();
        return Math.max(1, (millis + 999) / 1000);
    }

    /** The credentials of one caller, checked by {@link Logins}: the throttle counts the caller's address too. */
    private record CallerLogin(Logins logins, Vertx vertx, String address) implements AuthenticationProvider {

        @Override
        @SuppressWarnings("deprecation") // the callback form is the one Vert.x 4's handlers call
        public void authenticate(io.vertx.core.json.JsonObject credentials,
                                 io.vertx.core.Handler<io.vertx.core.AsyncResult<User>> result) {
            authenticate(new UsernamePasswordCredentials(credentials), result);
        }

        @Override
        public void authenticate(Credentials credentials,
                                 io.vertx.core.Handler<io.vertx.core.AsyncResult<User>> result) {
            authenticate(credentials).onComplete(result);
        }

        @Override
        public Future<User> authenticate(Credentials credentials) {
            if (!(credentials instanceof UsernamePasswordCredentials basic) || basic.getPassword() == null) {
                return Future.failedFuture(new Unreadable()); // no "user:password": a challenge, no failure counted
            }
            return vertx.<Logins.Outcome>executeBlocking(
                    () -> logins.check(basic.getUsername(), basic.getPassword(), address), false)
                    .compose(outcome -> {
                        if (outcome instanceof Logins.Accepted accepted) {
                            User user = User.fromName(accepted.user());
                            accepted.roles().forEach(role ->
                                    user.authorizations().add(PROVIDER, RoleBasedAuthorization.create(role)));
                            return Future.succeededFuture(user);
                        }
                        return Future.failedFuture(outcome instanceof Logins.Throttled throttled
                                ? new Refused(throttled) : new Refused(null));
                    });
        }
    }

    /** A login refused: wrong credentials, or (with {@code throttled}) too many failures lately. */
    private static final class Refused extends RuntimeException {
        final transient Logins.Throttled throttled;

        Refused(Logins.Throttled throttled) {
            super(throttled == null ? "wrong user or password" : "too many failed logins", null, false, false);
            this.throttled = throttled;
        }
    }

    /** An {@code Authorization} header with no user and password in it. */
    private static final class Unreadable extends RuntimeException {
        Unreadable() {
            super("no user and password", null, false, false);
        }
    }

    /** Vert.x's Basic handler, answering refusals itself: 401 with the challenge, or 429 with {@code Retry-After}. */
    private static final class Basic extends BasicAuthHandlerImpl {

        Basic(AuthenticationProvider provider, String realm) {
            super(provider, realm);
        }

        @Override
        protected void processException(RoutingContext ctx, Throwable exception) {
            // Vert.x wraps what the provider refused in a 401; a header it could not read is a 400 or a 401
            Throwable cause = exception instanceof HttpException wrapped ? wrapped.getCause() : exception;
            if (cause instanceof Refused refused && refused.throttled != null) {
                ctx.response().setStatusCode(429)
                        .putHeader("Retry-After", String.valueOf(retryAfterSeconds(refused.throttled)))
                        .putHeader("Content-Type", "text/plain; charset=utf-8")
                        .end("too many failed logins; try again later");
            } else if (exception instanceof HttpException wrapped && (cause == null || cause instanceof Refused
                    || cause instanceof Unreadable || wrapped.getStatusCode() == 400)) {
                // no header, another scheme, a header that holds no user and password, or wrong credentials
                setAuthenticateHeader(ctx);
                ctx.response().setStatusCode(401)
                        .putHeader("Content-Type", "text/plain; charset=utf-8")
                        .end("Unauthorized");
            } else {
                ctx.fail(500, cause);
            }
        }
    }
}

package org.cpisgateway.http;

import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authorization.RoleBasedAuthorization;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthenticationHandler;

/**
 * HTTP Basic for a path of the operations HTTP endpoint, run by Vert.x before any route: the credentials are checked
 * by {@link Logins} (off the event loop, as a password hash is slow on purpose), the user gets its roles as Vert.x
 * role authorizations, which the routes check with {@link OperationsAccess}. No or wrong credentials: 401 with the
 * realm's challenge; too many failures lately from the caller's address or for the name: 429 with
 * {@code Retry-After}, the password unchecked.
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
        String[] credentials = Logins.basic(ctx.request().getHeader("Authorization"));
        if (credentials == null) {
            challenge(ctx);
            return;
        }
        String address = ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().host();
        if (!ctx.request().isEnded()) {
            ctx.request().pause(); // the body waits for the route while the password is checked
        }
        ctx.vertx().<Logins.Outcome>executeBlocking(() -> logins.check(credentials[0], credentials[1], address), false)
                .onComplete(done -> {
                    if (!ctx.request().isEnded()) {
                        ctx.request().resume();
                    }
                    if (done.failed()) {
                        ctx.fail(500, done.cause());
                    } else if (done.result() instanceof Logins.Accepted accepted) {
                        User user = User.fromName(accepted.user());
                        accepted.roles().forEach(role ->
                                user.authorizations().add(PROVIDER, RoleBasedAuthorization.create(role)));
                        ctx.setUser(user);
                        ctx.next();
                    } else if (done.result() instanceof Logins.Throttled throttled) {
                        ctx.response().setStatusCode(429)
                                .putHeader("Retry-After", String.valueOf(retryAfterSeconds(throttled)))
                                .putHeader("Content-Type", "text/plain; charset=utf-8")
                                .end("too many failed logins; try again later");
                    } else {
                        challenge(ctx);
                    }
                });
    }

    /** Whole seconds, rounded up, as {@code Retry-After} has them. */
    public static long retryAfterSeconds(Logins.Throttled throttled) {
        long millis = throttled.retryAfter().toMillis();
        return Math.max(1, (millis + 999) / 1000);
    }

    private void challenge(RoutingContext ctx) {
        ctx.response().setStatusCode(401)
                .putHeader("WWW-Authenticate", "Basic realm=\"" + realm + "\"")
                .putHeader("Content-Type", "text/plain; charset=utf-8")
                .end("Unauthorized");
    }
}

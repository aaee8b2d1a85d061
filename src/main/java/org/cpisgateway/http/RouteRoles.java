package org.cpisgateway.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Route;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.ToDefinition;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.support.RoutePolicySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place the operations roles are checked. A route declares the role it requires once, as its route policy
 * ({@code routePolicy: role.admin}: the {@link Required} policies are bound as {@code role.<name>}). This factory
 * gives every route, those added or edited later too, a policy that runs as a request enters the route, before any
 * of its steps: for a request that came in over HTTP, the caller (authenticated by Vert.x, 401 before any route) must
 * have the declared role, else the request is answered 403 naming it and no step runs.
 * <p>
 * A request on an operations path ({@code /api/...}, {@code /ops}) must enter a route that declares a role before any
 * other: one that enters a route declaring none first is answered 403 too, and logged, never served. Exempt are the
 * route the REST DSL makes for a path, whose one step hands the request to a {@code direct:} route (which declares the
 * role), and the routes a route that declared one calls on the way. So a route that forgets its role serves no one,
 * rather than every user with a password.
 */
public final class RouteRoles implements RoutePolicyFactory {

    private static final Logger LOG = LoggerFactory.getLogger(RouteRoles.class);

    /** The prefix of the policies' names in the registry: {@code role.operator}, {@code role.admin}. */
    public static final String POLICY_PREFIX = "role.";

    /** A route's declared role: a policy that does nothing itself; {@link RouteRoles} reads it off the route. */
    public static final class Required extends RoutePolicySupport {
        private final String role;

        public Required(String role) {
            this.role = role;
        }

        public String role() {
            return role;
        }

        @Override
        public String toString() {
            return POLICY_PREFIX + role;
        }
    }

    /** One policy per role, by the name a route gives it. */
    public static Map<String, Required> policies(List<String> roles) {
        return roles.stream().collect(Collectors.toMap(r -> POLICY_PREFIX + r, Required::new, (a, b) -> a,
                java.util.LinkedHashMap::new));
    }

    /** Why a request was refused, its answer's text. */
    private static final String REFUSAL = "CpisOperationsRefusal";

    /** Set on a request once it has entered a route whose declared role the caller has. */
    private static final String ROLE_CHECKED = "CpisOperationsRoleChecked";

    private final List<String> operationsPaths;

    /** @param operationsPaths the paths Vert.x asks operations users' credentials for: {@code /api/*}, {@code /ops} */
    public RouteRoles(List<String> operationsPaths) {
        this.operationsPaths = List.copyOf(operationsPaths);
    }

    @Override
    public RoutePolicy createRoutePolicy(CamelContext context, String routeId, NamedNode definition) {
        if (!(definition instanceof RouteDefinition route)) {
            return null;
        }
        List<String> roles = declaredRoles(context, route);
        if (roles.isEmpty() && handsOnToDirect(route)) {
            return null; // the REST DSL's own route: the direct: route it hands to is checked before its first step
        }
        return new RoutePolicySupport() {
            @Override
            public void onExchangeBegin(Route running, Exchange exchange) {
                String refusal = refusal(exchange, routeId, roles);
                if (refusal != null) {
                    exchange.setProperty(REFUSAL, refusal);
                    exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 403);
                    exchange.setRouteStop(true); // no step of this route runs, nor a later one of a route calling it
                }
            }

            @Override
            public void onExchangeDone(Route running, Exchange exchange) {
                // the answer's text only now: the REST binding reads the request's body after this policy has begun
                // (a JSON route would take the text for a request body to read), and writes JSON only below 300
                String refusal = exchange.getProperty(REFUSAL, String.class);
                if (refusal != null) {
                    var message = exchange.getMessage();
                    message.setHeader(Exchange.HTTP_RESPONSE_CODE, 403);
                    message.setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=utf-8");
                    message.setBody(refusal);
                }
            }
        };
    }

    /** A route the REST DSL made for a path, whose one step hands the request to a direct: route. */
    private static boolean handsOnToDirect(RouteDefinition route) {
        List<ProcessorDefinition<?>> steps = route.getOutputs().stream().filter(o -> !o.isAbstract()).toList();
        return route.isCreatedFromRest() && steps.size() == 1 && steps.get(0) instanceof ToDefinition to
                && to.getUri() != null && to.getUri().startsWith("direct:");
    }

    /** Why this request may not run the route, or null when it may. */
    private String refusal(Exchange exchange, String routeId, List<String> roles) {
        String path = httpPath(exchange);
        if (path == null) {
            return null; // not an HTTP request: a timer, a queue, another route of ours
        }
        Object user = exchange.getMessage().getHeader(OperationsAccess.USER_HEADER);
        for (String role : roles) {
            if (!OperationsAccess.has(user, role)) {
                return OperationsAccess.needs(role);
            }
        }
        if (!roles.isEmpty()) {
            exchange.setProperty(ROLE_CHECKED, Boolean.TRUE); // routes it calls on the way need not declare one again
            return null;
        }
        if (isOperationsPath(path) && !exchange.getProperty(ROLE_CHECKED, false, Boolean.class)) {
            LOG.warn("Refused {} {}: route {} serves an operations path and declares no role (routePolicy: role.<name>)",
                    exchange.getMessage().getHeader(Exchange.HTTP_METHOD), path, routeId);
            return "this operations route declares no role, so it serves no one";
        }
        return null;
    }

    /** The path of the HTTP consumer the request came in on, or null when it did not come over HTTP. */
    private static String httpPath(Exchange exchange) {
        if (exchange.getFromEndpoint() instanceof PlatformHttpEndpoint http && http.getPath() != null) {
            return http.getPath().startsWith("/") ? http.getPath() : "/" + http.getPath();
        }
        return null;
    }

    boolean isOperationsPath(String path) {
        for (String p : operationsPaths) {
            String base = p.endsWith("/*") ? p.substring(0, p.length() - 2) : p;
            if (path.equals(base) || path.startsWith(base + "/")) {
                return true;
            }
        }
        return false;
    }

    private static List<String> declaredRoles(CamelContext context, RouteDefinition route) {
        List<RoutePolicy> policies = new ArrayList<>();
        if (route.getRoutePolicies() != null) {
            policies.addAll(route.getRoutePolicies());
        }
        if (route.getRoutePolicyRef() != null) {
            for (String ref : route.getRoutePolicyRef().split(",")) {
                RoutePolicy policy = context.getRegistry().lookupByNameAndType(ref.trim(), RoutePolicy.class);
                if (policy != null) {
                    policies.add(policy);
                }
            }
        }
        return policies.stream().filter(Required.class::isInstance).map(Required.class::cast).map(Required::role)
                .distinct().toList();
    }
}

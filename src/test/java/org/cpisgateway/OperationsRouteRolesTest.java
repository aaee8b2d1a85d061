package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Operations routes an integrator adds in a route file of their own, next to the shipped ones, asked over real HTTP:
 * a route on an operations path that declares no role serves no one (403, none of its steps runs), and one that
 * declares a role ({@code routePolicy: role.admin}) serves that role only. Each route's steps end in a mock endpoint,
 * so that "not served" is seen as no step having run, not only as the status code: the answer comes after the route
 * has run, so the count read after it is final.
 */
class OperationsRouteRolesTest {

    static final String ROUTES = """
            - rest:
                path: /api/added
                get:
                  - path: /undeclared
                    produces: text/plain
                    to: direct:added-undeclared
                  - path: /admin
                    produces: text/plain
                    to: direct:added-admin
                  - path: /operator-with-helper
                    produces: text/plain
                    to: direct:added-operator
                post:
                  - path: /undeclared
                    produces: text/plain
                    to: direct:added-undeclared-post
                  - path: /admin
                    produces: application/json
                    bindingMode: json
                    to: direct:added-admin-post

            - route:
                id: added-undeclared
                from:
                  uri: direct:added-undeclared
                  steps:
                    - to: mock:added-undeclared
                    - setBody:
                        constant: served

            - route:
                id: added-undeclared-post
                from:
                  uri: direct:added-undeclared-post
                  steps:
                    - to: mock:added-undeclared
                    - setBody:
                        constant: served

            - route:
                id: added-admin
                routePolicy: role.admin
                from:
                  uri: direct:added-admin
                  steps:
                    - to: mock:added-admin
                    - setBody:
                        constant: served to an admin

            - route:
                id: added-admin-post
                routePolicy: role.admin
                from:
                  uri: direct:added-admin-post
                  steps:
                    - to: mock:added-admin
                    - setBody:
                        constant: served to an admin

            - route:
                id: added-operator
                routePolicy: role.operator
                from:
                  uri: direct:added-operator
                  steps:
                    - to: direct:added-helper

            - route:
                id: added-helper
                from:
                  uri: direct:added-helper
                  steps:
                    - to: mock:added-helper
                    - setBody:
                        constant: served by a helper

            - route:
                id: added-page
                from:
                  uri: "platform-http:/ops/added"
                  steps:
                    - to: mock:added-page
                    - setBody:
                        constant: served
            """;

    static RunningGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        Path extra = TestFolders.temporary("cpis-added-routes");
        Files.writeString(extra.resolve("added-operations.camel.yaml"), ROUTES);
        gateway = RunningGateway.start("camel.main.routes-include-pattern",
                "file:routes/*.camel.yaml,file:" + extra.toAbsolutePath() + "/*.camel.yaml");
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    private static MockEndpoint mock(String name) {
        return gateway.context().getEndpoint("mock:" + name, MockEndpoint.class);
    }

    @Test
    void aRouteWithoutADeclaredRoleServesNoOne() throws Exception {
        int port = gateway.httpPort;
        assertThat(Http.call(port, "GET", "/api/added/undeclared", null).statusCode())
                .as("credentials are still asked for first").isEqualTo(401);
        for (String[] user : new String[][] {Http.OPERATOR, Http.ADMIN}) {
            var get = Http.call(port, "GET", "/api/added/undeclared", user);
            assertThat(get.statusCode()).isEqualTo(403);
            assertThat(get.body()).isEqualTo("this operations route declares no role, so it serves no one");
            assertThat(get.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
            assertThat(Http.call(port, "POST", "/api/added/undeclared", user).statusCode()).isEqualTo(403);
        }
        // a route on a path under /ops asks for credentials like /ops itself, and is refused with them
        assertThat(Http.call(port, "GET", "/ops/added", null).statusCode()).isEqualTo(401);
        var page = Http.call(port, "GET", "/ops/added", Http.ADMIN);
        assertThat(page.statusCode()).isEqualTo(403);
        assertThat(page.body()).doesNotContain("served");
        assertThat(mock("added-undeclared").getReceivedCounter()).as("no step of the route ran").isZero();
        assertThat(mock("added-page").getReceivedCounter()).isZero();
    }

    @Test
    void aRouteWithARoleServesThatRoleOnly() throws Exception {
        int port = gateway.httpPort;
        var operator = Http.call(port, "GET", "/api/added/admin", Http.OPERATOR);
        assertThat(operator.statusCode()).isEqualTo(403);
        assertThat(operator.body()).isEqualTo("this needs the operations role 'admin'");
        var operatorPost = Http.call(port, "POST", "/api/added/admin", Http.OPERATOR);
        assertThat(operatorPost.statusCode()).as("a POST answered in JSON too").isEqualTo(403);
        assertThat(operatorPost.body()).isEqualTo("this needs the operations role 'admin'");
        assertThat(mock("added-admin").getReceivedCounter()).as("no step ran for the operator").isZero();

        var admin = Http.call(port, "GET", "/api/added/admin", Http.ADMIN);
        assertThat(admin.statusCode()).isEqualTo(200);
        assertThat(admin.body()).isEqualTo("served to an admin");
        assertThat(mock("added-admin").getReceivedCounter()).isEqualTo(1);
    }

    @Test
    void theRoutesADeclaringRouteCallsNeedNoRoleOfTheirOwn() throws Exception {
        var served = Http.call(gateway.httpPort, "GET", "/api/added/operator-with-helper", Http.OPERATOR);
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.body()).isEqualTo("served by a helper");
        assertThat(mock("added-helper").getReceivedCounter()).isGreaterThanOrEqualTo(1);
    }
}

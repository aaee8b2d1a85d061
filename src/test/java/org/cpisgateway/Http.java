package org.cpisgateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * Plain HTTP calls to the gateway's operations endpoint, as a monitoring system, a browser or an operator's script
 * makes them: health and metrics without credentials, /api and /ops with HTTP Basic as one of the demo users
 * (conf/demo/http-users.properties).
 */
public final class Http {

    /** The demo user with role operator (read-only). */
    public static final String[] OPERATOR = {"ops-operator", "operator-demo-password"};
    /** The demo user with role admin (reads and replays stored messages). */
    public static final String[] ADMIN = {"ops-admin", "admin-demo-password"};

    /** The demo emergency department's system (FHIR Flag searches; conf/demo/http-users.properties). */
    public static final String[] ED_SYSTEM = {"riverside-ed-fhir", "setting-demo-password"};
    /** The demo GP practice's system. */
    public static final String[] GP_SYSTEM = {"meadow-lane-fhir", "setting-demo-password"};
    /** The demo authorities' systems (their plans and the accesses to their children). */
    public static final String[] LA901 = {"la901-system", "la901-demo-password"};
    public static final String[] LA902 = {"la902-system", "la902-demo-password"};

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Http() {
    }

    /** Without credentials (health, metrics). */
    public static HttpResponse<String> get(int port, String path) throws Exception {
        return call(port, "GET", path, null);
    }

    /** As the demo operator. */
    public static HttpResponse<String> asOperator(int port, String path) throws Exception {
        return call(port, "GET", path, OPERATOR);
    }

    /** @param user {name, password}, or null for no credentials */
    public static HttpResponse<String> call(int port, String method, String path, String[] user) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20)).method(method, HttpRequest.BodyPublishers.noBody());
        if (user != null) {
            request.header("Authorization", basic(user[0], user[1]));
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}

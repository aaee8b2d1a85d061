package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP endpoint's limits, over real HTTP against a running gateway set up with small ones: links on the
 * configured public address whatever the request says, results in pages (FHIR and the authority API), failed logins
 * throttled per address and per name without their password being checked, and request bodies and heads within
 * budget. Calls from other loopback addresses (127.0.0.2 and up) are other callers.
 */
class HttpLimitsTest {

    static final String BASE = "https://cpis.example.nhs.uk/gateway";
    static final String NHS = "https://fhir.nhs.uk/Id/nhs-number|";
    static final String[] ED_SYSTEM = Http.ED_SYSTEM;
    static final String[] LA901 = Http.LA901;
    static final String[] LA902 = Http.LA902;
    static final ObjectMapper JSON = new ObjectMapper();

    static RunningGateway gateway;
    static VertxHttp vertx;

    @BeforeAll
    static void start() throws Exception {
        gateway = RunningGateway.start(
                "cpis.http.public-base-url", BASE + "/",
                "cpis.http.page-size", "2",
                "cpis.http.max-page-size", "3",
                "cpis.http.max-body-bytes", "1024",
                "cpis.http.max-header-bytes", "2048",
                "cpis.http.login.max-failures-per-address", "3",
                "cpis.http.login.max-failures-per-user", "6");
        vertx = new VertxHttp();
    }

    @AfterAll
    static void stop() throws Exception {
        if (vertx != null) {
            vertx.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    static String flags(String nhsNumber) {
        return "/fhir/Flag?patient.identifier=" + URLEncoder.encode(NHS + nhsNumber, StandardCharsets.UTF_8);
    }

    static HttpResponse<String> get(String path, String[] user) throws Exception {
        return Http.call(gateway.httpPort, "GET", path, user);
    }

    /** A link the gateway gave, called on the gateway itself (the public address is a proxy's, in front of it). */
    static String local(String link) {
        assertThat(link).startsWith(BASE + "/");
        return link.substring(BASE.length());
    }

    static <T extends org.hl7.fhir.instance.model.api.IBaseResource> T valid(String body, Class<T> type) {
        assertThat(FhirValidation.errors(body)).as(body).isEmpty();
        return FhirValidation.R4.newJsonParser().parseResource(type, body);
    }

    @Test
    void linksAreOnThePublicAddressWhateverTheRequestSaysItWasSentTo() throws Exception {
        VertxHttp.Answer answer = vertx.call(null, gateway.httpPort, "GET", flags("9990000026"), Map.of(
                "Host", "evil.example", "X-Forwarded-Host", "evil.example", "X-Forwarded-Proto", "http",
                "Forwarded", "host=evil.example;proto=http",
                "Authorization", Http.basic(ED_SYSTEM[0], ED_SYSTEM[1])), null);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).doesNotContain("evil.example");
        Bundle bundle = valid(answer.body(), Bundle.class);
        assertThat(bundle.getLink("self").getUrl()).isEqualTo(BASE + flags("9990000026"));
        assertThat(bundle.getEntry()).extracting(Bundle.BundleEntryComponent::getFullUrl)
                .allSatisfy(url -> assertThat(url).startsWith(BASE + "/fhir/Flag/"));
    }

    @Test
    void aMalformedHostIsAnswered400WithoutAStackTraceInTheLog() throws Exception {
        int logged = Files.readString(LogPrivacy.LOG, StandardCharsets.UTF_8).length(); // the test run's log so far
        for (String host : List.of("%zz", "a b", "[::1", "evil.example:99999")) {
            String status = raw("GET /fhir/metadata HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
            assertThat(status).as(host).startsWith("HTTP/1.1 400");
        }
        assertThat(raw("GET /fhir/metadata HTTP/1.1\r\nHost: cpis.example.nhs.uk:443\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 200");
        String log = Files.readString(LogPrivacy.LOG, StandardCharsets.UTF_8).substring(logged);
        assertThat(log).doesNotContain("HostAndPortImpl").doesNotContain("Unhandled exception")
                .doesNotContain("the 'Host' header is required");
    }

    @Test
    void anAnswerCarriesNoneOfTheRequestsHeadersNorItsQuery() throws Exception {
        // Camel hands a request's headers and query parameters on as message headers, and an HTTP consumer writes
        // message headers into the answer: credentials and a searched NHS number must not come back that way
        String child = "9990000026";
        Map<String, String[]> calls = new java.util.LinkedHashMap<>();
        calls.put("/api/ops/summary?hours=1", Http.OPERATOR);
        calls.put("/api/messages/failures?limit=5", Http.OPERATOR);
        calls.put("/authority/plans", LA901);
        calls.put(flags(child), ED_SYSTEM);
        calls.put("/fhir/CareTeam?patient:identifier=" + URLEncoder.encode(NHS + child, StandardCharsets.UTF_8),
                ED_SYSTEM);
        calls.put("/observe/health/ready", null);
        for (var call : calls.entrySet()) {
            HttpResponse<String> answer = get(call.getKey(), call.getValue());
            assertThat(answer.statusCode()).as(call.getKey()).isLessThan(500);
            answer.headers().map().forEach((name, values) -> {
                assertThat(name).as(call.getKey()).isNotEqualToIgnoringCase("authorization")
                        .isNotEqualToIgnoringCase("hours").isNotEqualToIgnoringCase("limit")
                        .isNotEqualToIgnoringCase("patient.identifier").isNotEqualToIgnoringCase("patient:identifier")
                        .isNotEqualToIgnoringCase("user-agent").isNotEqualToIgnoringCase("host");
                assertThat(String.join(",", values)).as(call.getKey() + " " + name).doesNotContain(child)
                        .doesNotContain("Basic ");
            });
        }
    }

    @Test
    void aCrossOriginPreflightDoesNotSkipTheLogin() throws Exception {
        // Vert.x lets an OPTIONS pre-flight asking about Authorization past its auth handlers; the gateway serves no
        // page of another origin, so a pre-flight is a request like any other: no credentials, no answer
        for (String path : List.of("/api/ops/summary", "/ops", "/authority/plans")) {
            assertThat(raw("OPTIONS " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: https://elsewhere.example\r\n"
                    + "Access-Control-Request-Method: GET\r\nAccess-Control-Request-Headers: Authorization\r\n"
                    + "Connection: close\r\n\r\n")).as(path).startsWith("HTTP/1.1 401");
        }
    }

    /** The status line of a request written by hand (no client sends a malformed Host of its own accord). */
    static String raw(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", gateway.httpPort)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c; (c = in.read()) >= 0 && c != '\r'; ) {
                line.append((char) c);
            }
            return line.toString();
        }
    }

    @Test
    void auditEventsComeInPagesLinkedByNextUntilAllAreRead() throws Exception {
        String child = "9990000018"; // LA901's
        for (int i = 0; i < 5; i++) {
            assertThat(get(flags(child), ED_SYSTEM).statusCode()).isEqualTo(200); // each search is an access
        }
        long accesses = gateway.count("select count(*) from access_record where nhs_number = ?", child);
        String first = "/fhir/AuditEvent?patient.identifier=" + URLEncoder.encode(NHS + child, StandardCharsets.UTF_8);
        List<AuditEvent> read = readAllPages(first, 2);
        assertThat(read).hasSize((int) accesses);
        assertThat(read.stream().map(e -> e.getIdElement().getIdPart()).distinct()).hasSize((int) accesses);
        assertThat(read).extracting(AuditEvent::getRecorded).isSortedAccordingTo(java.util.Comparator.reverseOrder());

        LocalDate today = TestDates.today();
        List<AuditEvent> byDate = readAllPages("/fhir/AuditEvent?date=ge" + today.minusDays(1) + "&date=le"
                + today.plusDays(1), 2);
        assertThat(byDate).extracting(AuditEvent::getRecorded).isSorted();
        assertThat(byDate.stream().filter(e -> e.getEntityFirstRep().getWhat().getIdentifier().getValue()
                .equals(child))).hasSize((int) accesses);

        Bundle asked = valid(get(first + "&_count=100", LA901).body(), Bundle.class);
        assertThat(asked.getEntry()).as("never more than the largest page").hasSize(3);
        assertThat(local(asked.getLink("next").getUrl())).contains("_count=3");

        HttpResponse<String> badCount = get(first + "&_count=none", LA901);
        assertThat(badCount.statusCode()).isEqualTo(400);
        valid(badCount.body(), OperationOutcome.class);
        assertThat(get(first + "&_count=0", LA901).statusCode()).isEqualTo(400);
        HttpResponse<String> badCursor = get(first + "&_cursor=not-ours", LA901);
        assertThat(badCursor.statusCode()).isEqualTo(400);
        assertThat(valid(badCursor.body(), OperationOutcome.class).getIssueFirstRep().getDiagnostics())
                .contains("_cursor");
    }

    /** Follows next links from the first page, checking each page's size and links; every resource read. */
    static List<AuditEvent> readAllPages(String first, int pageSize) throws Exception {
        List<AuditEvent> read = new ArrayList<>();
        Set<String> seenLinks = new HashSet<>();
        String path = first;
        while (path != null) {
            HttpResponse<String> response = get(path, LA901);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            Bundle page = valid(response.body(), Bundle.class);
            assertThat(page.getLink("self").getUrl()).startsWith(BASE + "/fhir/AuditEvent?");
            assertThat(page.getEntry().size()).isLessThanOrEqualTo(pageSize);
            page.getEntry().forEach(e -> read.add((AuditEvent) e.getResource()));
            Bundle.BundleLinkComponent next = page.getLink("next");
            path = next == null ? null : local(next.getUrl());
            assertThat(path == null || seenLinks.add(path)).as("a next link never repeats").isTrue();
            if (path != null) {
                assertThat(page.getEntry()).hasSize(pageSize);
            }
        }
        return read;
    }

    @Test
    void flagsComeInPagesToo() throws Exception {
        HttpResponse<String> first = get(flags("9990000050") + "&_count=1", ED_SYSTEM); // two plans
        Bundle one = valid(first.body(), Bundle.class);
        assertThat(one.getEntry()).hasSize(1);
        assertThat(one.hasTotal()).as("not counted on a page of several").isFalse();
        Bundle two = valid(get(local(one.getLink("next").getUrl()), ED_SYSTEM).body(), Bundle.class);
        assertThat(two.getEntry()).hasSize(1);
        assertThat(two.getLink("next")).isNull();
        assertThat(List.of(one, two)).extracting(b -> ((Flag) b.getEntryFirstRep().getResource()).getCode()
                .getCodingFirstRep().getCode()).containsExactly("342191000000101", "818901000000100");
    }

    @Test
    void theAuthorityApiAnswersInPagesWithALinkToTheNext() throws Exception {
        List<JsonNode> plans = new ArrayList<>();
        String path = "/authority/plans";
        int pages = 0;
        while (path != null) {
            HttpResponse<String> response = get(path, LA902);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode rows = JSON.readTree(response.body());
            assertThat(rows.size()).isLessThanOrEqualTo(2);
            rows.forEach(plans::add);
            path = next(response);
            pages++;
        }
        long held = gateway.count("select count(*) from plan where authority_code = ?", "LA902");
        assertThat(held).isGreaterThan(2);
        assertThat(plans).hasSize((int) held);
        assertThat(pages).isEqualTo((int) (held + 1) / 2);
        assertThat(plans.stream().map(p -> p.path("nhs_number").asText() + p.path("start_date").asText())
                .distinct()).hasSize((int) held);

        HttpResponse<String> csv = get("/authority/plans?format=csv&limit=1", LA902);
        assertThat(csv.body().lines()).hasSize(2); // the header and one plan
        assertThat(next(csv)).contains("format=csv").contains("limit=1").contains("after=");
        assertThat(get("/authority/plans?limit=-1", LA902).statusCode()).isEqualTo(400);
        assertThat(get("/authority/plans?after=garbage", LA902).statusCode()).isEqualTo(400);
    }

    static String next(HttpResponse<String> response) {
        String link = response.headers().firstValue("Link").orElse(null);
        if (link == null) {
            return null;
        }
        Matcher m = Pattern.compile("<([^>]+)>; rel=\"next\"").matcher(link);
        assertThat(m.matches()).as(link).isTrue();
        return local(m.group(1));
    }

    @Test
    void repeatedFailedLoginsAreThrottledWithoutCheckingThePasswordWhileOthersGetIn() throws Exception {
        String attacker = "127.0.0.3";
        Map<String, String> wrong = Map.of("Authorization", Http.basic("riverside-ed-fhir", "guess"));
        for (int i = 0; i < 3; i++) {
            assertThat(vertx.call(attacker, gateway.httpPort, "GET", flags("9990000026"), wrong, null).status())
                    .isEqualTo(401);
        }
        double checked = metric("cpis_http_password_checks_total");
        VertxHttp.Answer throttled = vertx.call(attacker, gateway.httpPort, "GET", flags("9990000026"), wrong, null);
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(Long.parseLong(throttled.headers().get("Retry-After"))).isBetween(1L, 300L);
        assertThat(valid(throttled.body(), OperationOutcome.class).getIssueFirstRep().getCode())
                .isEqualTo(OperationOutcome.IssueType.THROTTLED);
        assertThat(metric("cpis_http_password_checks_total")).as("no hash checked for a throttled login")
                .isEqualTo(checked);
        assertThat(metric("cpis_http_logins_refused_total{reason=\"throttled\"}")).isGreaterThanOrEqualTo(1);
        assertThat(metric("cpis_http_logins_refused_total{reason=\"wrong\"}")).isGreaterThanOrEqualTo(3);

        VertxHttp.Answer other = vertx.call("127.0.0.2", gateway.httpPort, "GET", flags("9990000026"),
                Map.of("Authorization", Http.basic(ED_SYSTEM[0], ED_SYSTEM[1])), null);
        assertThat(other.status()).as("the same system from its own address").isEqualTo(200);

        // the operations endpoint (Vert.x checks its logins before any route): the same throttle
        Map<String, String> wrongOperator = Map.of("Authorization", Http.basic("ops-operator", "guess"));
        for (int i = 0; i < 3; i++) {
            assertThat(vertx.call("127.0.0.4", gateway.httpPort, "GET", "/api/ops/summary", wrongOperator, null)
                    .status()).isEqualTo(401);
        }
        VertxHttp.Answer opsThrottled = vertx.call("127.0.0.4", gateway.httpPort, "GET", "/api/ops/summary",
                wrongOperator, null);
        assertThat(opsThrottled.status()).isEqualTo(429);
        assertThat(opsThrottled.headers().get("Retry-After")).matches("\\d+");
        assertThat(vertx.call("127.0.0.5", gateway.httpPort, "GET", "/api/ops/summary",
                Map.of("Authorization", Http.basic(Http.OPERATOR[0], Http.OPERATOR[1])), null).status())
                .isEqualTo(200);
    }

    @Test
    void anUnknownUserCostsOneHashCheckAsAKnownOneDoesAndARememberedPasswordNone() throws Exception {
        String caller = "127.0.0.6";
        double before = metric("cpis_http_password_checks_total");
        assertThat(vertx.call(caller, gateway.httpPort, "GET", flags("9990000026"),
                Map.of("Authorization", Http.basic("nobody-of-ours", "guess")), null).status()).isEqualTo(401);
        double unknown = metric("cpis_http_password_checks_total");
        assertThat(unknown - before).isEqualTo(1);
        assertThat(vertx.call(caller, gateway.httpPort, "GET", flags("9990000026"),
                Map.of("Authorization", Http.basic("meadow-lane-fhir", "guess")), null).status()).isEqualTo(401);
        double known = metric("cpis_http_password_checks_total");
        assertThat(known - unknown).isEqualTo(1);

        Map<String, String> right = Map.of("Authorization", Http.basic(LA902[0], LA902[1]));
        String query = "/fhir/AuditEvent?date=ge" + TestDates.today() + "&date=le" + TestDates.today();
        assertThat(vertx.call("127.0.0.7", gateway.httpPort, "GET", query, right, null).status()).isEqualTo(200);
        double once = metric("cpis_http_password_checks_total");
        assertThat(vertx.call("127.0.0.7", gateway.httpPort, "GET", query, right, null).status()).isEqualTo(200);
        assertThat(metric("cpis_http_password_checks_total")).as("remembered: no hash checked").isEqualTo(once);
    }

    static double metric(String series) throws Exception {
        String metrics = Http.get(gateway.httpPort, "/observe/metrics").body();
        double value = Metrics.value(metrics, series);
        return value < 0 ? 0 : value;
    }

    @Test
    void aBodyOrHeadersBeyondTheirBudgetAreRefused() throws Exception {
        VertxHttp.Answer body = vertx.call(null, gateway.httpPort, "POST", "/fhir/Flag",
                Map.of("Authorization", Http.basic(ED_SYSTEM[0], ED_SYSTEM[1]), "Content-Type", "text/plain"),
                "x".repeat(4096));
        assertThat(body.status()).isEqualTo(413);
        VertxHttp.Answer small = vertx.call(null, gateway.httpPort, "POST", "/fhir/Flag",
                Map.of("Authorization", Http.basic(ED_SYSTEM[0], ED_SYSTEM[1]), "Content-Type", "text/plain"),
                "x".repeat(100));
        assertThat(small.status()).as("within budget: answered by the API").isEqualTo(405);

        VertxHttp.Answer headers = vertx.call(null, gateway.httpPort, "GET", "/fhir/metadata",
                Map.of("X-Padding", "x".repeat(3000)), null);
        assertThat(headers.status()).isEqualTo(431);
        assertThat(vertx.call(null, gateway.httpPort, "GET", "/fhir/metadata", Map.of("X-Padding", "x".repeat(500)),
                null).status()).isEqualTo(200);
    }
}

package org.cpisgateway.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/**
 * The HTTP endpoint's budgets and the address it tells callers ({@code cpis.http.*}): the public base URL every link
 * the FHIR API and the authority API answer with is built on (never the request's {@code Host}), the page sizes of
 * search results, the largest request body and request head, and how logins are checked and throttled.
 *
 * @param publicBaseUrl        scheme, host, port and any path prefix, without a trailing slash
 * @param pageSize             results per page when the caller does not ask ({@code _count}, {@code limit})
 * @param maxPageSize          the most results a page may hold, whatever the caller asks
 * @param maxBodyBytes         a larger request body is refused (413)
 * @param maxHeaderBytes       larger request headers, all together, are refused (431)
 * @param loginCache           how long a password that matched is taken without checking its hash again
 * @param loginWindow          the window failed logins are counted in
 * @param maxFailuresPerAddress failed logins from one address in a window before it gets 429
 * @param maxFailuresPerUser   failed logins for one user name in a window before it gets 429
 */
public record HttpSettings(String publicBaseUrl, int pageSize, int maxPageSize, int maxBodyBytes, int maxHeaderBytes,
                           Duration loginCache, Duration loginWindow, int maxFailuresPerAddress,
                           int maxFailuresPerUser) {

    static HttpSettings read(SettingsReader r) {
        String host = r.text("cpis.http.host");
        int port = r.integer("cpis.http.port");
        boolean tls = r.bool("cpis.http.tls.enabled");
        String base = r.text("cpis.http.public-base-url");
        if (base.isEmpty()) {
            base = (tls ? "https://" : "http://") + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        } else {
            try {
                URI uri = new URI(base);
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                        || uri.getQuery() != null || uri.getFragment() != null) {
                    throw new URISyntaxException(base, "not an http(s) address");
                }
            } catch (URISyntaxException e) {
                r.problem("cpis.http.public-base-url = '" + base + "' is not an http:// or https:// address such as "
                        + "https://cpis.example.nhs.uk (conf/application.properties)");
            }
        }
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        int pageSize = positive(r, "cpis.http.page-size");
        int maxPageSize = positive(r, "cpis.http.max-page-size");
        if (pageSize > maxPageSize && maxPageSize > 0) {
            r.problem("cpis.http.page-size (" + pageSize + ") must not be above cpis.http.max-page-size ("
                    + maxPageSize + ")");
        }
        return new HttpSettings(base, pageSize, maxPageSize, positive(r, "cpis.http.max-body-bytes"),
                positive(r, "cpis.http.max-header-bytes"),
                Duration.ofSeconds(zeroOrMore(r, "cpis.http.login.cache-seconds")),
                Duration.ofSeconds(positive(r, "cpis.http.login.window-seconds")),
                positive(r, "cpis.http.login.max-failures-per-address"),
                positive(r, "cpis.http.login.max-failures-per-user"));
    }

    private static int positive(SettingsReader r, String key) {
        int value = r.integer(key);
        if (value <= 0 && r.problems().stream().noneMatch(p -> p.startsWith(key) || p.endsWith(key + " (conf/application.properties)"))) {
            r.problem(key + " = " + value + " must be at least 1 (conf/application.properties)");
        }
        return value;
    }

    private static int zeroOrMore(SettingsReader r, String key) {
        int value = r.integer(key);
        if (value < 0) {
            r.problem(key + " = " + value + " must be 0 or more (conf/application.properties)");
        }
        return value;
    }
}

package org.cpisgateway.http;

import java.util.Locale;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpHeaderFilterStrategy;

/**
 * The headers an HTTP answer of the gateway may carry, for every platform-http route. Camel hands a request's headers
 * and query parameters on as message headers, and the HTTP consumer writes message headers into the answer: without
 * this filter a caller's {@code Authorization} header, and a searched NHS number from the query, came back in the
 * answer's headers (where a proxy or a browser's tools keep them). So an answer carries only the headers the gateway
 * sets on purpose, named here; the request's headers still reach the routes.
 */
public class AnswerHeaders extends HttpHeaderFilterStrategy {

    /** Lower case: what the routes set for a caller (the body's type is written by the consumer itself). */
    static final Set<String> ANSWERED = Set.of("allow", "cache-control", "content-disposition", "date", "etag",
            "last-modified", "link", "location", "retry-after", "www-authenticate");

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return !ANSWERED.contains(headerName.toLowerCase(Locale.ROOT))
                || (!headerName.equalsIgnoreCase("date")
                        && super.applyFilterToCamelHeaders(headerName, headerValue, exchange));
    }
}

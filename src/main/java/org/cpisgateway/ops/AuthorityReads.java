package org.cpisgateway.ops;

import org.cpisgateway.http.OperationsAccess;
import org.cpisgateway.http.OperatorAuthentication;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.QueryStringEncoder;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authorization.Authorization;
import io.vertx.ext.auth.authorization.RoleBasedAuthorization;
import org.apache.camel.Exchange;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.cpisgateway.store.AuthorityRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An authority's system reading back its own records over HTTP, logged in with its broker user (the same user and
 * password it reads its queue with): the plans it holds, and the accesses to its children, by child or by date range,
 * as JSON or CSV ({@code ?format=csv} or {@code Accept: text/csv}). The authority is the one whose role the user
 * has; a user acting for several names it with {@code ?authority=}. Nothing of another authority is ever returned,
 * and every read is written to the audit log with the user.
 *
 * <p>Each answer is one page of at most {@code ?limit=} rows (the page size by default, never more than the largest
 * page); while there is more, a {@code Link: <...>; rel="next"} header gives the next page's address, on the public
 * base URL, with its cursor in {@code ?after=}.
 */
public class AuthorityReads {

    private static final Logger AUDIT = LoggerFactory.getLogger("cpis.audit");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A request that cannot be answered as asked: 400 with the reason. */
    public static final class BadRequest extends RuntimeException {
        public BadRequest(String message) {
            super(message);
        }
    }

    /** The query parameters a next page repeats (the cursor and the page size it is given anew). */
    private static final List<String> KEPT = List.of("authority", "nhsNumber", "from", "to", "format");

    private final AuthorityRecords records;
    private final Predicate<String> knownAuthority;
    private final Clock clock;
    private final String base;
    private final int pageSize;
    private final int maxPageSize;

    /**
     * @param base        the public base URL the next page's link is built on ({@code cpis.http.public-base-url})
     * @param pageSize    rows per page when the caller gives no {@code limit}
     * @param maxPageSize the most rows a page holds
     */
    public AuthorityReads(AuthorityRecords records, Predicate<String> knownAuthority, Clock clock, String base,
                          int pageSize, int maxPageSize) {
        this.records = records;
        this.knownAuthority = knownAuthority;
        this.clock = clock;
        this.base = base;
        this.pageSize = pageSize;
        this.maxPageSize = maxPageSize;
    }

    /** {@code GET /authority/plans}: the plans the authority holds, by NHS number and start date. */
    public void plans(Exchange exchange) throws SQLException, IOException {
        String authority = authorityOf(exchange);
        int limit = limit(exchange);
        AuthorityRecords.Page page = read(() -> records.plans(authority, after(exchange), limit));
        audit(exchange, authority, "plans", null, null, null, page.rows().size());
        answer(exchange, "/authority/plans", page, limit);
    }

    /**
     * {@code GET /authority/accesses?nhsNumber=...}: the accesses to one child; or {@code ?from=YYYY-MM-DD&to=...}:
     * every access to the authority's children in that range (at most 366 days).
     */
    public void accesses(Exchange exchange) throws SQLException, IOException {
        String authority = authorityOf(exchange);
        String nhs = exchange.getMessage().getHeader("nhsNumber", String.class);
        String from = exchange.getMessage().getHeader("from", String.class);
        String to = exchange.getMessage().getHeader("to", String.class);
        int limit = limit(exchange);
        String after = after(exchange);
        AuthorityRecords.Page page;
        if (nhs != null && !nhs.isBlank()) {
            String number = nhs.replace(" ", "");
            if (!number.matches("\\d{10}")) {
                throw new BadRequest("nhsNumber must be 10 digits");
            }
            page = read(() -> records.accessesOf(List.of(authority), number, after, limit));
            audit(exchange, authority, "accesses", number, null, null, page.rows().size());
        } else if (from != null && to != null) {
            LocalDate start = day("from", from);
            LocalDate end = day("to", to);
            if (end.isBefore(start) || end.isAfter(start.plusDays(366))) {
                throw new BadRequest("to must be on or after from, and at most 366 days after it");
            }
            page = read(() -> records.accessesBetween(List.of(authority), start, end, after, limit));
            audit(exchange, authority, "accesses", null, from, to, page.rows().size());
        } else {
            throw new BadRequest("give nhsNumber, or from and to (YYYY-MM-DD)");
        }
        answer(exchange, "/authority/accesses", page, limit);
    }

    private interface Read {
        AuthorityRecords.Page page() throws SQLException;
    }

    private static AuthorityRecords.Page read(Read read) throws SQLException {
        try {
            return read.page();
        } catch (AuthorityRecords.BadCursor e) {
            throw new BadRequest("after: " + e.getMessage());
        }
    }

    private static String after(Exchange exchange) {
        String after = exchange.getMessage().getHeader("after", String.class);
        return after == null || after.isBlank() ? null : after;
    }

    /** Rows per page: {@code ?limit=} (1 or more; above the largest page, the largest page), else the default. */
    private int limit(Exchange exchange) {
        String limit = exchange.getMessage().getHeader("limit", String.class);
        if (limit == null || limit.isBlank()) {
            return pageSize;
        }
        try {
            int n = Integer.parseInt(limit.trim());
            if (n >= 1) {
                return Math.min(n, maxPageSize);
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new BadRequest("limit must be a whole number from 1 to " + maxPageSize);
    }

    /** The authority the caller acts for: one of its roles that is an authority code. */
    String authorityOf(Exchange exchange) {
        Object user = exchange.getMessage().getHeader(OperationsAccess.USER_HEADER);
        Set<String> codes = new TreeSet<>();
        if (user instanceof User u) {
            for (Authorization a : u.authorizations().get(OperatorAuthentication.PROVIDER)) {
                if (a instanceof RoleBasedAuthorization role && knownAuthority.test(role.getRole())) {
                    codes.add(role.getRole());
                }
            }
        }
        String asked = exchange.getMessage().getHeader("authority", String.class);
        if (asked != null && !asked.isBlank()) {
            if (!codes.contains(asked)) {
                throw new OperationsAccess.Forbidden("this user does not act for authority " + asked);
            }
            return asked;
        }
        if (codes.size() != 1) {
            throw codes.isEmpty() ? new OperationsAccess.Forbidden("this user acts for no authority")
                    : new BadRequest("this user acts for several authorities: name one with ?authority=");
        }
        return codes.iterator().next();
    }

    private static LocalDate day(String name, String value) {
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw new BadRequest(name + " must be a date such as 2026-11-01");
        }
    }

    private void answer(Exchange exchange, String path, AuthorityRecords.Page page, int limit) throws IOException {
        List<Map<String, Object>> rows = page.rows();
        String format = exchange.getMessage().getHeader("format", String.class);
        String accept = exchange.getMessage().getHeader("Accept", String.class);
        boolean csv = "csv".equalsIgnoreCase(format) || (format == null && accept != null && accept.contains("text/csv"));
        String next = null;
        if (page.next() != null) {
            QueryStringEncoder link = new QueryStringEncoder(base + path, StandardCharsets.UTF_8);
            for (String name : KEPT) {
                String value = exchange.getMessage().getHeader(name, String.class);
                if (value != null && !value.isBlank()) {
                    link.addParam(name, value);
                }
            }
            link.addParam("limit", String.valueOf(limit));
            link.addParam("after", page.next());
            next = "<" + link + ">; rel=\"next\"";
        }
        exchange.getMessage().removeHeaders("*", Exchange.HTTP_RESPONSE_CODE); // request headers never go back out
        if (next != null) {
            exchange.getMessage().setHeader("Link", next);
        }
        if (csv) {
            StringWriter text = new StringWriter();
            if (!rows.isEmpty()) {
                try (CSVPrinter printer = CSVFormat.DEFAULT.builder()
                        .setHeader(rows.get(0).keySet().toArray(String[]::new)).get().print(text)) {
                    for (Map<String, Object> row : rows) {
                        printer.printRecord(row.values());
                    }
                }
            }
            exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/csv; charset=utf-8");
            exchange.getMessage().setBody(text.toString());
        } else {
            exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
            exchange.getMessage().setBody(JSON.writeValueAsString(rows));
        }
    }

    private void audit(Exchange exchange, String authority, String what, String nhsNumber, String from, String to,
                       int rows) throws IOException {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("at", clock.instant().toString());
        line.put("action", "authority-read");
        line.put("user", OperationsAccess.userName(exchange.getMessage().getHeader(OperationsAccess.USER_HEADER)));
        line.put("authority", authority);
        line.put("what", what);
        line.put("nhsNumber", nhsNumber);
        line.put("from", from);
        line.put("to", to);
        line.put("rows", rows);
        AUDIT.info(JSON.writeValueAsString(line));
    }
}

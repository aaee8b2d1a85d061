package org.cpisgateway.fhir;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.NumberParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import ca.uhn.fhir.rest.param.TokenParam;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.QueryStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.cpisgateway.core.Attendance;
import org.cpisgateway.core.CheckResult;
import org.cpisgateway.core.FlagRules;
import org.cpisgateway.core.IsoTime;
import org.cpisgateway.core.NhsNumber;
import org.cpisgateway.core.StoreUnavailableException;
import org.cpisgateway.hl7.MshHeader;
import org.cpisgateway.notify.Notification;
import org.cpisgateway.notify.NotificationFactory;
import org.cpisgateway.store.AttendanceJournal;
import org.cpisgateway.store.AuthorityRecords;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of {@code routes/fhir.camel.yaml}: the CapabilityStatement, Flag search by a care setting's system (an
 * access like an attendance: checked by the same rules, recorded in the same transaction as a message would be,
 * notified when the setting is unscheduled), AuditEvent search by an authority's system (its own children only),
 * and errors as OperationOutcome. JSON unless {@code _format} or {@code Accept} asks for XML.
 */
public class FhirApi {

    /** The exchange property the route reads to wake the notification sender. */
    public static final String NOTIFY = "cpisFhirNotify";
    static final String REALM = "cpis-gateway FHIR";
    private static final String ALLOW = "cpisFhirAllow";
    private static final Logger LOG = LoggerFactory.getLogger(FhirApi.class);
    private static final Logger AUDIT = LoggerFactory.getLogger("cpis.audit");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PATIENT_IDENTIFIER = "patient.identifier";
    /** The page size a caller asks for; its next page is the {@code next} link, which carries a {@link #CURSOR}. */
    static final String COUNT = "_count";
    /** Where a page starts: opaque, made by the gateway for the {@code next} link of the page before. */
    static final String CURSOR = "_cursor";
    private static final Set<String> FLAG_PARAMETERS = Set.of(PATIENT_IDENTIFIER, "_format", COUNT, CURSOR);
    private static final Set<String> AUDIT_PARAMETERS = Set.of(PATIENT_IDENTIFIER, "date", "_format", COUNT, CURSOR);

    private final FhirContext fhir;
    private final FhirClients clients;
    private final FhirResources resources;
    private final FlagRules rules;
    private final NotificationFactory notifications;
    private final AttendanceJournal journal;
    private final AuthorityRecords records;
    private final Clock clock;
    private final String version;
    private final Date started;
    private final String base;
    private final int pageSize;
    private final int maxPageSize;

    /**
     * @param base        the public base URL every link is built on ({@code cpis.http.public-base-url})
     * @param pageSize    results per page when the caller gives no {@code _count}
     * @param maxPageSize the most results a page holds, whatever {@code _count} asks
     */
    public FhirApi(FhirContext fhir, FhirClients clients, FhirResources resources, FlagRules rules,
                   NotificationFactory notifications, AttendanceJournal journal, AuthorityRecords records, Clock clock,
                   String version, String base, int pageSize, int maxPageSize) {
        this.fhir = fhir;
        this.clients = clients;
        this.resources = resources;
        this.rules = rules;
        this.notifications = notifications;
        this.journal = journal;
        this.records = records;
        this.clock = clock;
        this.version = version;
        this.started = Date.from(clock.instant());
        this.base = base;
        this.pageSize = pageSize;
        this.maxPageSize = maxPageSize;
    }

    /** {@code GET /fhir/metadata}: open, as FHIR servers are. */
    public void metadata(Exchange exchange) {
        respond(exchange, 200, FhirResources.capabilities(version, started));
    }

    /** {@code GET /fhir/Flag?patient.identifier=https://fhir.nhs.uk/Id/nhs-number|<n>}: the child's CP-IS flags. */
    public void searchFlags(Exchange exchange) throws SQLException {
        FhirClients.Client client = clients.authenticate(header(exchange, "Authorization"), remoteAddress(exchange));
        if (client.setting() == null) {
            throw FhirProblem.forbidden("Flag search is for a care setting's system: this user acts for no care "
                    + "setting (role " + FhirClients.SETTING_ROLE_PREFIX + "<setting code>)");
        }
        Map<String, List<String>> params = parameters(exchange, FLAG_PARAMETERS);
        int count = count(params);
        int offset = flagOffset(params);
        String nhs = nhsNumber(params);
        if (nhs == null) {
            throw FhirProblem.badRequest("patient.identifier=" + FhirResources.NHS_NUMBER_SYSTEM
                    + "|<NHS number> is required");
        }
        OffsetDateTime now = OffsetDateTime.now(clock.withZone(ZoneOffset.UTC));
        var place = client.setting();
        Attendance search = new Attendance(place.facility(), "SEARCH", nhs, null, null, null, null, null, null, null,
                place.location(), now, null, null);
        CheckResult result = rules.checkSearch(search, now);
        MshHeader msh = new MshHeader('|', MshHeader.DEFAULT_ENCODING, "FHIR-API", place.facility(), "CPIS-GATEWAY",
                "", "FHIR", "SEARCH", "FHIR-" + UUID.randomUUID(), "P", "", "");
        List<Notification> notify = notifications.forResult(msh, search, result, now);
        LocalDate today = now.atZoneSameInstant(resources.zone()).toLocalDate();
        List<Flag> all = result.flagged()
                ? result.plans().stream().map(p -> resources.flag(p, today)).toList() : List.of();
        List<Flag> flags = all.subList(Math.min(offset, all.size()), Math.min(offset + count, all.size()));
        String next = offset + count < all.size()
                ? link("Flag", params, count, flagCursor(offset + count)) : null;
        String request = "GET /fhir/Flag?" + query(exchange) + " user=" + client.user();
        AttendanceJournal.Recorded recorded = journal.record(new AttendanceJournal.Entry(
                request.getBytes(StandardCharsets.UTF_8), now, msh, search, result, notify,
                "FHIR Flag search " + result.status() + " " + result.reasonCode()));
        exchange.setProperty(NOTIFY, !recorded.notifications().isEmpty());
        audit(now, client.user(), "fhir-flag-search", Map.of("controlId", msh.controlId(), "nhsNumber", nhs,
                "setting", result.setting().code(), "result", result.status().name(), "plans", flags.size(),
                "authoritiesNotified", result.authoritiesToNotify()));
        respond(exchange, 200, resources.searchset(base, link("Flag", params, null, null), next, flags,
                offset == 0 && next == null ? flags.size() : null));
    }

    /**
     * {@code GET /fhir/AuditEvent?patient.identifier=...|<n>} (newest first), or {@code ?date=ge<day>&date=le<day>}
     * (oldest first): the accesses to the children of the caller's authorities, and to no other.
     */
    public void searchAccesses(Exchange exchange) throws SQLException {
        FhirClients.Client client = clients.authenticate(header(exchange, "Authorization"), remoteAddress(exchange));
        if (client.authorities().isEmpty()) {
            throw FhirProblem.forbidden("AuditEvent search is for an authority's system, logged in with its broker "
                    + "user: this user acts for no authority");
        }
        Map<String, List<String>> params = parameters(exchange, AUDIT_PARAMETERS);
        int count = count(params);
        String cursor = single(params, CURSOR);
        String nhs = nhsNumber(params);
        String from = null;
        String to = null;
        AuthorityRecords.Page page;
        try {
            if (nhs != null) {
                page = records.accessesOf(client.authorities(), nhs, cursor, count);
            } else {
                LocalDate[] range = dateRange(params.getOrDefault("date", List.of()));
                from = range[0].toString();
                to = range[1].toString();
                page = records.accessesBetween(client.authorities(), range[0], range[1], cursor, count);
            }
        } catch (AuthorityRecords.BadCursor e) {
            throw FhirProblem.badRequest(CURSOR + ": " + e.getMessage());
        }
        List<AuditEvent> events = page.rows().stream().map(resources::accessEvent).toList();
        String next = page.next() == null ? null : link("AuditEvent", params, count, page.next());
        Map<String, Object> what = new LinkedHashMap<>();
        what.put("authorities", client.authorities());
        what.put("nhsNumber", nhs);
        what.put("from", from);
        what.put("to", to);
        what.put("rows", events.size());
        audit(OffsetDateTime.now(clock.withZone(ZoneOffset.UTC)), client.user(), "fhir-audit-event-search", what);
        respond(exchange, 200, resources.searchset(base, link("AuditEvent", params, null, null), next, events,
                cursor == null && next == null ? events.size() : null));
    }

    /**
     * Anything under /fhir that the other routes did not take: 405 for another method on a path that is offered
     * (searches are GET), 404 for the rest; both as OperationOutcome.
     */
    public void notFound(Exchange exchange) {
        String path = header(exchange, Exchange.HTTP_PATH);
        String uri = header(exchange, Exchange.HTTP_URI);
        String where = uri != null ? uri : path == null ? "" : path;
        if (where.matches("(.*/)?fhir/(Flag|AuditEvent|metadata)/?")) {
            exchange.setProperty(ALLOW, "GET");
            throw new FhirProblem(405, IssueType.NOTSUPPORTED, "only GET is offered here: see /fhir/metadata");
        }
        throw new FhirProblem(404, IssueType.NOTSUPPORTED, "not offered here: see /fhir/metadata");
    }

    /** The route configuration's answer to any failure: an OperationOutcome with the matching status. */
    public void failed(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        FhirProblem problem;
        if (e instanceof FhirProblem p) {
            problem = p;
        } else if (e instanceof StoreUnavailableException || e instanceof SQLException) {
            LOG.warn("FHIR request not answered: the store is unavailable ({})", e.getClass().getSimpleName());
            problem = new FhirProblem(503, IssueType.TRANSIENT, "the flag store is unavailable; try again shortly");
        } else {
            LOG.error("FHIR request failed", e);
            problem = new FhirProblem(500, IssueType.EXCEPTION, "the gateway could not answer; see its log");
        }
        respond(exchange, problem.status(), FhirResources.outcome(problem.issue(), problem.getMessage()));
        String allow = exchange.getProperty(ALLOW, String.class);
        if (allow != null) {
            exchange.getMessage().setHeader("Allow", allow);
        }
        if (problem instanceof FhirClients.Throttled throttled) {
            exchange.getMessage().setHeader("Retry-After", String.valueOf(throttled.retryAfterSeconds()));
        }
        if (problem instanceof FhirClients.Unauthorized) {
            exchange.getMessage().setHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
        }
    }

    private void respond(Exchange exchange, int status, IBaseResource resource) {
        boolean xml = wantsXml(exchange);
        IParser parser = xml ? fhir.newXmlParser() : fhir.newJsonParser();
        String body = parser.encodeResourceToString(resource);
        Message m = exchange.getMessage();
        m.removeHeaders("*"); // request headers and query parameters never go back out
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        m.setHeader(Exchange.CONTENT_TYPE, (xml ? "application/fhir+xml" : "application/fhir+json") + ";charset=utf-8");
        m.setBody(body);
    }

    private static boolean wantsXml(Exchange exchange) {
        List<String> format = decoded(query(exchange)).get("_format");
        if (format != null && !format.isEmpty()) {
            return format.get(0).contains("xml");
        }
        String accept = header(exchange, "Accept");
        return accept != null && accept.contains("xml") && !accept.contains("json");
    }

    private static Map<String, List<String>> decoded(String query) {
        return new QueryStringDecoder(query, StandardCharsets.UTF_8, false).parameters();
    }

    /** The query parameters; one the search does not offer is refused, so a misspelt one never widens a search. */
    private static Map<String, List<String>> parameters(Exchange exchange, Set<String> offered) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        decoded(query(exchange)).forEach((given, values) -> {
            String name = given.equals("patient:Patient.identifier") ? PATIENT_IDENTIFIER : given;
            if (!offered.contains(name)) {
                throw FhirProblem.badRequest("search parameter '" + name + "' is not offered here; offered: "
                        + String.join(", ", new java.util.TreeSet<>(offered)));
            }
            params.computeIfAbsent(name, k -> new ArrayList<>()).addAll(values);
        });
        return params;
    }

    private static String single(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        if (values == null) {
            return null;
        }
        if (values.size() > 1) {
            throw FhirProblem.badRequest("give " + name + " once");
        }
        return values.get(0);
    }

    /** The page size: {@code _count} (a whole number from 1), at most the largest page; else the default. */
    private int count(Map<String, List<String>> params) {
        String given = single(params, COUNT);
        if (given == null) {
            return pageSize;
        }
        int count;
        try {
            NumberParam number = new NumberParam(given);
            if (number.getPrefix() != null) {
                throw new IllegalArgumentException("a prefix");
            }
            count = number.getValue().intValueExact();
        } catch (RuntimeException e) {
            throw FhirProblem.badRequest(COUNT + " must be a whole number from 1 to " + maxPageSize);
        }
        if (count < 1) {
            throw FhirProblem.badRequest(COUNT + " must be a whole number from 1 to " + maxPageSize);
        }
        return Math.min(count, maxPageSize); // a server may return fewer than asked (FHIR search, paging)
    }

    /** Where a page of Flags starts: its cursor is the number of Flags before it. */
    private static int flagOffset(Map<String, List<String>> params) {
        String cursor = single(params, CURSOR);
        if (cursor == null) {
            return 0;
        }
        try {
            String text = new String(java.util.Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (text.startsWith("flags:")) {
                int offset = Integer.parseInt(text.substring(6));
                if (offset >= 0) {
                    return offset;
                }
            }
        } catch (IllegalArgumentException e) {
            // refused below
        }
        throw FhirProblem.badRequest(CURSOR + ": the page cursor is not one this gateway gave");
    }

    private static String flagCursor(int offset) {
        return java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("flags:" + offset).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A link to this search on the public base URL: the parameters as given (self), or with the page size and the
     * cursor of the next page. Nothing of the request's Host or forwarding headers goes into it.
     */
    private String link(String type, Map<String, List<String>> params, Integer count, String cursor) {
        QueryStringEncoder link = new QueryStringEncoder(base + "/fhir/" + type, StandardCharsets.UTF_8);
        params.forEach((name, values) -> {
            if (cursor == null || !(name.equals(COUNT) || name.equals(CURSOR))) {
                values.forEach(v -> link.addParam(name, v));
            }
        });
        if (cursor != null) {
            link.addParam(COUNT, String.valueOf(count));
            link.addParam(CURSOR, cursor);
        }
        return link.toString();
    }

    /** The NHS number of {@code patient.identifier} ({@code system|value} or the value alone), checked. */
    private static String nhsNumber(Map<String, List<String>> params) {
        List<String> values = params.get(PATIENT_IDENTIFIER);
        if (values == null) {
            return null;
        }
        if (values.size() > 1) {
            throw FhirProblem.badRequest("give patient.identifier once");
        }
        TokenParam token = new TokenParam();
        token.setValueAsQueryToken(null, PATIENT_IDENTIFIER, null, values.get(0));
        String system = token.getSystem();
        if (system != null && !system.isEmpty() && !system.equals(FhirResources.NHS_NUMBER_SYSTEM)) {
            throw FhirProblem.badRequest("patient.identifier must be in the system " + FhirResources.NHS_NUMBER_SYSTEM);
        }
        String number = NhsNumber.normalise(token.getValue() == null ? "" : token.getValue());
        String problem = number == null ? "no NHS number given" : NhsNumber.problem(number);
        if (problem != null) {
            throw FhirProblem.badRequest("patient.identifier: " + problem);
        }
        return number;
    }

    /** {@code date=ge<day>&date=le<day>}: days, read with HAPI's DateParam (prefix and precision). */
    private static LocalDate[] dateRange(List<String> dates) {
        LocalDate from = null;
        LocalDate to = null;
        for (String d : dates) {
            DateParam date;
            try {
                date = new DateParam(d);
            } catch (RuntimeException e) {
                throw FhirProblem.badRequest("date must be ge<YYYY-MM-DD> and le<YYYY-MM-DD>");
            }
            if (date.getPrecision() != TemporalPrecisionEnum.DAY) {
                throw FhirProblem.badRequest("date must be ge<YYYY-MM-DD> and le<YYYY-MM-DD>");
            }
            LocalDate day = LocalDate.parse(date.getValueAsString());
            if (date.getPrefix() == ParamPrefixEnum.GREATERTHAN_OR_EQUALS) {
                from = day;
            } else if (date.getPrefix() == ParamPrefixEnum.LESSTHAN_OR_EQUALS) {
                to = day;
            } else {
                throw FhirProblem.badRequest("date must be ge<YYYY-MM-DD> and le<YYYY-MM-DD>");
            }
        }
        if (from == null || to == null) {
            throw FhirProblem.badRequest("give patient.identifier, or date=ge<YYYY-MM-DD>&date=le<YYYY-MM-DD>");
        }
        if (to.isBefore(from) || to.isAfter(from.plusDays(366))) {
            throw FhirProblem.badRequest("the le date must be on or after the ge date, and at most 366 days after it");
        }
        return new LocalDate[] {from, to};
    }

    /** The caller's own address (the connection's; forwarding headers are not believed). */
    private static String remoteAddress(Exchange exchange) {
        Object address = exchange.getMessage().getHeader("CamelVertxPlatformHttpRemoteAddress");
        return address instanceof io.vertx.core.net.SocketAddress a ? a.host() : null;
    }

    private static String query(Exchange exchange) {
        String q = exchange.getMessage().getHeader(Exchange.HTTP_QUERY, String.class);
        return q == null ? "" : q;
    }

    private static String header(Exchange exchange, String name) {
        return exchange.getMessage().getHeader(name, String.class);
    }

    private static void audit(OffsetDateTime at, String user, String action, Map<String, Object> what) {
        if (!AUDIT.isInfoEnabled()) {
            return;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("at", IsoTime.of(at));
        line.put("action", action);
        line.put("user", user);
        line.putAll(what);
        try {
            AUDIT.info(JSON.writeValueAsString(line));
        } catch (com.fasterxml.jackson.core.JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}

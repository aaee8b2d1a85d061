package org.cpisgateway.fhir;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.QueryStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.cpisgateway.core.AccessRecord;
import org.cpisgateway.core.Attendance;
import org.cpisgateway.core.CareSetting;
import org.cpisgateway.core.CheckResult;
import org.cpisgateway.core.FlagRules;
import org.cpisgateway.core.IsoTime;
import org.cpisgateway.core.Plan;
import org.cpisgateway.core.StoreUnavailableException;
import org.cpisgateway.hl7.CorrelationId;
import org.cpisgateway.hl7.MshHeader;
import org.cpisgateway.notify.Notification;
import org.cpisgateway.notify.NotificationFactory;
import org.cpisgateway.store.AttendanceJournal;
import org.cpisgateway.store.AuthorityRecords;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The steps of {@code routes/fhir.camel.yaml}: the CapabilityStatement; Flag search by a care setting's system, and
 * CareTeam search in the shape of the national CP-IS FHIR API (each an access like an attendance: checked by the same
 * rules, recorded in the same transaction as a message would be, notified unless it is a silent read); AuditEvent
 * search, decided by the caller: a care setting's system reads a child's access history as a clerk sees it (the
 * national shape), an authority's system the accesses to its own children; and errors as OperationOutcome. JSON
 * unless {@code _format} or {@code Accept} asks for XML.
 */
public class FhirApi {

    /** The exchange property the route reads to wake the notification sender. */
    public static final String NOTIFY = "cpisFhirNotify";
    static final String REALM = "cpis-gateway FHIR";
    private static final String ALLOW = "cpisFhirAllow";
    private static final String TRACE = "cpisFhirTrace";
    private static final Logger LOG = LoggerFactory.getLogger(FhirApi.class);
    private static final Logger AUDIT = LoggerFactory.getLogger("cpis.audit");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
    static final String COUNT = SearchQuery.COUNT;
    static final String CURSOR = SearchQuery.CURSOR;
    private static final Set<String> PLAN_PARAMETERS = Set.of(SearchQuery.PATIENT, SearchQuery.FORMAT, COUNT, CURSOR);
    private static final Set<String> AUDIT_PARAMETERS = Set.of(SearchQuery.PATIENT, SearchQuery.DATE,
            SearchQuery.FORMAT, COUNT, CURSOR);
    /** A care setting reads a child's history (at most 25 accesses: one page); {@code date} is answered 403. */
    private static final Set<String> HISTORY_PARAMETERS = Set.of(SearchQuery.PATIENT, SearchQuery.DATE,
            SearchQuery.FORMAT, SearchQuery.INCLUDE);

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
        searchPlans(exchange, "Flag", "fhir-flag-search", resources::flag);
    }

    /**
     * {@code GET /fhir/CareTeam?patient:identifier=https://fhir.nhs.uk/Id/nhs-number|<n>}: the child's CP-IS plans in
     * the shape of the national CP-IS FHIR API, one CareTeam each; an access exactly as a Flag search is.
     */
    public void searchCareTeams(Exchange exchange) throws SQLException {
        searchPlans(exchange, "CareTeam", "fhir-care-team-search", resources::careTeam);
    }

    /**
     * A search for a child's plans by a care setting's system: checked by the rules of an attendance there
     * ({@link FlagRules#checkSearch}: plans in force or ended within 12 months), recorded in the same transaction as
     * an attendance, and notified to the responsible authorities unless it is a silent read: the setting is
     * scheduled (its mapping decides, whatever the request claims) or the request says
     * {@code IsUnscheduledAccessEvent: false}. A silent read is recorded as a scheduled setting's access (kept for
     * the audit, never shown in the history, never counted in patterns, never notified).
     */
    private void searchPlans(Exchange exchange, String type, String action,
                             BiFunction<Plan, LocalDate, ? extends Resource> asResource) throws SQLException {
        try (MDC.MDCCloseable traced = traced(exchange)) {
            FhirClients.Client client = clients.authenticate(header(exchange, "Authorization"),
                    remoteAddress(exchange));
            if (!client.actsForCareSetting()) {
                throw FhirProblem.forbidden(type + " search is for a care setting's system: this user acts for no "
                        + "care setting (role " + FhirClients.SETTING_ROLE_PREFIX + "<setting code>)");
            }
            Boolean unscheduled = AccessHeaders.unscheduled(exchange.getMessage().getHeader(AccessHeaders.UNSCHEDULED));
            SearchQuery params = SearchQuery.read(fhir, query(exchange), PLAN_PARAMETERS);
            int count = params.count(pageSize, maxPageSize);
            int offset = planOffset(params);
            String nhs = params.nhsNumber();
            if (nhs == null) {
                throw FhirProblem.badRequest(SearchQuery.patientRequired());
            }
            OffsetDateTime now = OffsetDateTime.now(clock.withZone(ZoneOffset.UTC));
            var place = client.setting();
            Attendance search = new Attendance(place.facility(), "SEARCH", nhs, null, null, null, null, null, null,
                    null, place.location(), now, null, null);
            CheckResult result = rules.checkSearch(search, now);
            boolean silent = result.setting().scheduled() || Boolean.FALSE.equals(unscheduled);
            if (silent) {
                result = silentRead(result);
            }
            MshHeader msh = new MshHeader('|', MshHeader.DEFAULT_ENCODING, "FHIR-API", place.facility(),
                    "CPIS-GATEWAY", "", "FHIR", "SEARCH", "FHIR-" + UUID.randomUUID(), "P", "", "");
            List<Notification> notify = notifications.forResult(msh, search, result, now);
            LocalDate today = now.atZoneSameInstant(resources.zone()).toLocalDate();
            List<Resource> all = result.flagged()
                    ? result.plans().stream().<Resource>map(p -> asResource.apply(p, today)).toList() : List.of();
            List<Resource> page = all.subList(Math.min(offset, all.size()), Math.min(offset + count, all.size()));
            String next = offset + count < all.size() ? link(type, params, count, planCursor(offset + count)) : null;
            String trace = exchange.getProperty(TRACE, String.class);
            String request = "GET /fhir/" + type + "?" + query(exchange) + " user=" + client.user()
                    + (trace == null ? "" : " trace=" + trace);
            AttendanceJournal.Recorded recorded = journal.record(new AttendanceJournal.Entry(
                    request.getBytes(StandardCharsets.UTF_8), now, msh, search, result, notify,
                    "FHIR " + type + " search " + result.status() + " " + result.reasonCode()));
            exchange.setProperty(NOTIFY, !recorded.notifications().isEmpty());
            Map<String, Object> what = new LinkedHashMap<>();
            what.put("controlId", msh.controlId());
            what.put("nhsNumber", nhs);
            what.put("setting", result.setting().code());
            what.put("silentRead", silent);
            what.put("result", result.status().name());
            what.put("plans", page.size());
            what.put("authoritiesNotified", result.authoritiesToNotify());
            audit(exchange, now, client.user(), action, what);
            respond(exchange, 200, resources.searchset(base, link(type, params, null, null), next, page,
                    offset == 0 && next == null ? page.size() : null));
        }
    }

    /**
     * The answer a scheduled setting's search gets: the same plans, recorded as a scheduled access, nobody to
     * notify, no pattern (scheduled settings never count in one).
     */
    private static CheckResult silentRead(CheckResult r) {
        CareSetting s = r.setting();
        CareSetting scheduled = s.scheduled() ? s
                : new CareSetting(s.code(), s.name(), s.type(), true, s.mapped(), s.requiresNhsNumberStatus(), s.phone());
        return new CheckResult(r.status(), r.reasonCode(), r.summary(), r.plans(), r.history(), scheduled, List.of(),
                r.visit(), r.visitCheckedBefore(), null);
    }

    /**
     * {@code GET /fhir/AuditEvent?patient:identifier=...|<n>}, answered by who calls. A care setting's system (the
     * national CP-IS FHIR API's consumer) gets the history a clerk sees beside the plans: the accesses from
     * unscheduled settings, newest first, repeats within 24 hours collapsed, at most 25, each with its viewer as a
     * PractitionerRole included; reading it records nothing (the CareTeam or Flag search is the access, so one
     * look-up is one access and one notification). An authority's system gets every access to the children of its
     * authorities (newest first), or with {@code ?date=ge<day>&date=le<day>} every access in those days (oldest
     * first), and none to any other child.
     */
    public void searchAccesses(Exchange exchange) throws SQLException {
        try (MDC.MDCCloseable traced = traced(exchange)) {
            FhirClients.Client client = clients.authenticate(header(exchange, "Authorization"),
                    remoteAddress(exchange));
            if (client.actsForCareSetting()) {
                searchHistory(exchange, client);
                return;
            }
            if (client.authorities().isEmpty()) {
                throw FhirProblem.forbidden("AuditEvent search is for a care setting's system (role "
                        + FhirClients.SETTING_ROLE_PREFIX + "<setting code>) or an authority's system, logged in with "
                        + "its broker user: this user acts for neither");
            }
            AccessHeaders.unscheduled(exchange.getMessage().getHeader(AccessHeaders.UNSCHEDULED));
            SearchQuery params = SearchQuery.read(fhir, query(exchange), AUDIT_PARAMETERS);
            int count = params.count(pageSize, maxPageSize);
            String cursor = params.single(CURSOR);
            String nhs = params.nhsNumber();
            String from = null;
            String to = null;
            AuthorityRecords.Page page;
            try {
                if (nhs != null) {
                    page = records.accessesOf(client.authorities(), nhs, cursor, count);
                } else {
                    LocalDate[] range = params.days();
                    if (range == null) {
                        throw FhirProblem.badRequest("give " + SearchQuery.PATIENT
                                + ":identifier, or date=ge<YYYY-MM-DD>&date=le<YYYY-MM-DD>");
                    }
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
            audit(exchange, OffsetDateTime.now(clock.withZone(ZoneOffset.UTC)), client.user(),
                    "fhir-audit-event-search", what);
            respond(exchange, 200, resources.searchset(base, link("AuditEvent", params, null, null), next, events,
                    cursor == null && next == null ? events.size() : null));
        }
    }

    /** A care setting's AuditEvent search: the child's history as a clerk at that setting sees it; nothing recorded. */
    private void searchHistory(Exchange exchange, FhirClients.Client client) {
        AccessHeaders.unscheduled(exchange.getMessage().getHeader(AccessHeaders.UNSCHEDULED));
        SearchQuery params = SearchQuery.read(fhir, query(exchange), HISTORY_PARAMETERS);
        String nhs = params.nhsNumber();
        if (nhs == null) {
            if (params.has(SearchQuery.DATE)) {
                throw FhirProblem.forbidden("AuditEvent search by date is for an authority's system; a care setting's "
                        + "system reads one child's history, by " + SearchQuery.PATIENT + ":identifier");
            }
            throw FhirProblem.badRequest(SearchQuery.patientRequired());
        }
        if (params.has(SearchQuery.DATE)) {
            throw FhirProblem.badRequest("a child's history is not searched by date: give "
                    + SearchQuery.PATIENT + ":identifier alone");
        }
        OffsetDateTime now = OffsetDateTime.now(clock.withZone(ZoneOffset.UTC));
        var place = client.setting();
        CheckResult result = rules.checkSearch(new Attendance(place.facility(), "SEARCH", nhs, null, null, null, null,
                null, null, null, place.location(), now, null, null), now);
        List<Resource> events = new ArrayList<>();
        List<Resource> viewers = new ArrayList<>();
        if (result.flagged()) {
            for (AccessRecord access : result.history()) {
                Resource[] entry = resources.historyEntry(nhs, access);
                events.add(entry[0]);
                viewers.add(entry[1]);
            }
        }
        Map<String, Object> what = new LinkedHashMap<>();
        what.put("nhsNumber", nhs);
        what.put("setting", result.setting().code());
        what.put("result", result.status().name());
        what.put("rows", events.size());
        audit(exchange, now, client.user(), "fhir-access-history-search", what);
        respond(exchange, 200, resources.searchset(base, link("AuditEvent", params, null, null), null, events,
                viewers, events.size()));
    }

    /**
     * The request's {@code TraceID} (as {@link AccessHeaders#trace} may log it), kept on the exchange for the audit
     * line and put in the logging MDC ({@code correlationId}) for every line the request writes.
     */
    private static MDC.MDCCloseable traced(Exchange exchange) {
        String trace = AccessHeaders.trace(exchange.getMessage().getHeader(AccessHeaders.TRACE));
        exchange.setProperty(TRACE, trace);
        return logged(trace);
    }

    /** The trace in the MDC until closed; null (nothing to close) when the request has none. */
    private static MDC.MDCCloseable logged(String trace) {
        return trace == null ? null : MDC.putCloseable(CorrelationId.MDC_KEY, "fhir trace " + trace);
    }

    /**
     * Anything under /fhir that the other routes did not take: 405 for another method on a path that is offered
     * (searches are GET), 404 for the rest; both as OperationOutcome.
     */
    public void notFound(Exchange exchange) {
        String path = header(exchange, Exchange.HTTP_PATH);
        String uri = header(exchange, Exchange.HTTP_URI);
        String where = uri != null ? uri : path == null ? "" : path;
        if (where.matches("(.*/)?fhir/(Flag|CareTeam|AuditEvent|metadata)/?")) {
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
        if (problem.status() == 400 || problem.status() == 403) {
            // the refusal's kind and the caller's reference, never the query (it holds the NHS number)
            String trace = exchange.getProperty(TRACE, String.class);
            try (MDC.MDCCloseable traced = logged(trace)) {
                LOG.info("FHIR {} refused {} {}{}", path(exchange), problem.status(),
                        problem.detail(), trace == null ? "" : " (TraceID " + trace + ")");
            }
        }
        respond(exchange, problem.status(), FhirResources.outcome(problem.issue(), problem.detail(),
                problem.getMessage()));
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
        m.setHeader("Date", HTTP_DATE.format(clock.instant()));
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

    /** Where a page of plans (Flags, CareTeams) starts: its cursor is the number of plans before it. */
    private static int planOffset(SearchQuery params) {
        String cursor = params.single(CURSOR);
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

    private static String planCursor(int offset) {
        return java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("flags:" + offset).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A link to this search on the public base URL: the parameters as given (self), or with the page size and the
     * cursor of the next page. Nothing of the request's Host or forwarding headers goes into it.
     */
    private String link(String type, SearchQuery params, Integer count, String cursor) {
        QueryStringEncoder link = new QueryStringEncoder(base + "/fhir/" + type, StandardCharsets.UTF_8);
        params.given().forEach((name, values) -> {
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

    /** The caller's own address (the connection's; forwarding headers are not believed). */
    private static String remoteAddress(Exchange exchange) {
        Object address = exchange.getMessage().getHeader("CamelVertxPlatformHttpRemoteAddress");
        return address instanceof io.vertx.core.net.SocketAddress a ? a.host() : null;
    }

    /** The request's path without its query (which may hold an NHS number). */
    private static String path(Exchange exchange) {
        String uri = header(exchange, Exchange.HTTP_URI);
        return uri == null ? "/fhir" : uri.split("\\?", 2)[0];
    }

    private static String query(Exchange exchange) {
        String q = exchange.getMessage().getHeader(Exchange.HTTP_QUERY, String.class);
        return q == null ? "" : q;
    }

    private static String header(Exchange exchange, String name) {
        return exchange.getMessage().getHeader(name, String.class);
    }

    /** One line of the audit log for an answered search, with the request's {@code TraceID} when it has one. */
    private static void audit(Exchange exchange, OffsetDateTime at, String user, String action,
                              Map<String, Object> what) {
        if (!AUDIT.isInfoEnabled()) {
            return;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("at", IsoTime.of(at));
        line.put("action", action);
        line.put("user", user);
        line.putAll(what);
        String trace = exchange.getProperty(TRACE, String.class);
        if (trace != null) {
            line.put("traceId", trace);
        }
        try {
            AUDIT.info(JSON.writeValueAsString(line));
        } catch (com.fasterxml.jackson.core.JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}

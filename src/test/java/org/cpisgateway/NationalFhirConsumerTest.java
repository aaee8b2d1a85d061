package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import ca.uhn.fhir.rest.client.interceptor.AdditionalRequestHeadersInterceptor;
import ca.uhn.fhir.rest.client.interceptor.BasicAuthInterceptor;
import ca.uhn.fhir.rest.client.interceptor.CapturingInterceptor;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.TextMessage;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A care setting's system written for the national CP-IS FHIR R4 API and nothing else: HAPI's generic FHIR client,
 * the two searches by {@code patient:identifier}, the national headers ({@code IsUnscheduledAccessEvent},
 * {@code TraceID}), errors read as OperationOutcome by their Spine codes. Only its base URL (the gateway's
 * {@code /fhir}) and its credentials (HTTP Basic instead of a CIS2 bearer token) differ from what it would use
 * nationally. The gateway is a real one (embedded store and broker); what an authority is told is read from its
 * queue by a JMS consumer; every resource passes HAPI's R4 validator.
 */
class NationalFhirConsumerTest {

    static final String NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number";
    static final String SNOMED = "http://snomed.info/sct";
    static final String SPINE_ERRORS = "https://fhir.hl7.org.uk/CodeSystem/UKCore-SpineErrorOrWarningCode";
    static final String[] ED_SYSTEM = Http.ED_SYSTEM; // R9Z01-ED, unscheduled
    static final String[] GP_SYSTEM = Http.GP_SYSTEM; // Y9Z01, scheduled
    static final TestNhsNumbers CHILDREN = new TestNhsNumbers(999_610_000L);
    static final ObjectMapper JSON = new ObjectMapper();
    /** The consumer's own FHIR context, as a system of its own would have. */
    static final FhirContext CONSUMER = FhirContext.forR4();
    /**
     * How long a test that expects nothing more on a queue keeps watching after the last message it expected. The
     * notification of a search is in the outbox when the search is answered and the sender is woken at once; each
     * silence is also bracketed by a control search whose notification goes the same way and is received first, so
     * a notification of the silent read would have been sent before that one, not in these seconds.
     */
    static final Duration WATCH = Duration.ofSeconds(3);

    static RunningGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = RunningGateway.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    /** The consumer's client: the gateway's base URL, Basic credentials, and the national headers given. */
    static IGenericClient consumer(String[] user, Map<String, String> headers, CapturingInterceptor capture) {
        IGenericClient client = CONSUMER.newRestfulGenericClient("http://127.0.0.1:" + gateway.httpPort + "/fhir");
        client.registerInterceptor(new BasicAuthInterceptor(user[0], user[1]));
        AdditionalRequestHeadersInterceptor national = new AdditionalRequestHeadersInterceptor();
        headers.forEach(national::addHeaderValue);
        client.registerInterceptor(national);
        if (capture != null) {
            client.registerInterceptor(capture);
        }
        return client;
    }

    static IGenericClient consumer(String[] user, Map<String, String> headers) {
        return consumer(user, headers, null);
    }

    static TokenClientParam patientIdentifier() {
        return new TokenClientParam("patient:identifier");
    }

    static Bundle careTeams(IGenericClient client, String nhsNumber) {
        return client.search().forResource(CareTeam.class)
                .where(patientIdentifier().exactly().systemAndCode(NHS_NUMBER, nhsNumber))
                .returnBundle(Bundle.class).execute();
    }

    static Bundle accessHistory(IGenericClient client, String nhsNumber) {
        return client.search().forResource(AuditEvent.class)
                .where(patientIdentifier().exactly().systemAndCode(NHS_NUMBER, nhsNumber))
                .returnBundle(Bundle.class).execute();
    }

    static Map<String, String> headers(String unscheduled) {
        Map<String, String> h = new java.util.LinkedHashMap<>();
        h.put("TraceID", UUID.randomUUID().toString());
        if (unscheduled != null) {
            h.put("IsUnscheduledAccessEvent", unscheduled);
        }
        return h;
    }

    static void assertValid(IBaseResource resource) {
        String text = FhirValidation.R4.newJsonParser().encodeResourceToString(resource);
        assertThat(FhirValidation.errors(text)).as(text).isEmpty();
    }

    static String body(IHttpResponse response) throws IOException {
        try (InputStream in = response.readEntity()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static <T> List<T> entries(Bundle bundle, Class<T> type, Bundle.SearchEntryMode mode) {
        return bundle.getEntry().stream().filter(e -> e.getSearch().getMode() == mode)
                .map(Bundle.BundleEntryComponent::getResource).filter(type::isInstance).map(type::cast).toList();
    }

    /** Every notification on the authority's queue now: each received within {@code wait} of the one before. */
    static List<JsonNode> receive(String authority, int expected, Duration wait) throws Exception {
        List<JsonNode> received = new ArrayList<>();
        try (JMSContext jms = gateway.connectAsAuthority(authority);
             JMSConsumer queue = jms.createConsumer(jms.createQueue("cpis.notify." + authority))) {
            for (jakarta.jms.Message m; (m = queue.receive(received.size() < expected ? 20_000
                    : wait.toMillis())) != null; ) {
                received.add(JSON.readTree(((TextMessage) m).getText()));
            }
        }
        return received;
    }

    /**
     * The children of these notifications that are among {@code ours}: another test's search may be notified late
     * (its relay round after this test's drain), and must not count here.
     */
    static List<String> ours(List<JsonNode> notifications, String... ours) {
        return children(notifications).stream().filter(List.of(ours)::contains).toList();
    }

    static List<String> children(List<JsonNode> notifications) {
        return notifications.stream().map(n -> n.at("/child/nhsNumber").asText()).toList();
    }

    /** A child with a child protection plan held by LA901 since a year ago. */
    static String childOfLa901() throws Exception {
        String child = CHILDREN.next();
        gateway.addPlan(child, "CPP", TestDates.day("today-1y"), null, "LA901");
        return child;
    }

    @Test
    void aFlaggedChildIsFoundAsOneCareTeamPerPlanAndEachCouncilIsToldOnce() throws Exception {
        receive("LA901", 0, Duration.ofMillis(200));
        receive("LA902", 0, Duration.ofMillis(200));
        String child = CHILDREN.next();
        gateway.addPlan(child, "CPP", TestDates.day("today-1y"), null, "LA901");
        gateway.addPlan(child, "LAC", TestDates.day("today-3y"), TestDates.day("today-2m"), "LA902"); // ended: shown

        CapturingInterceptor capture = new CapturingInterceptor();
        Bundle bundle = careTeams(consumer(ED_SYSTEM, headers("true"), capture), child);
        IHttpResponse response = capture.getLastResponse();
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getMimeType()).isEqualTo("application/fhir+json");
        assertThat(response.getHeaders("Date")).singleElement().satisfies(date -> assertThat(
                Duration.between(ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant(),
                        java.time.Instant.now()).abs()).isLessThan(Duration.ofMinutes(1)));
        String raw = body(response);
        assertThat(FhirValidation.errors(raw)).as(raw).isEmpty();

        assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
        assertThat(bundle.getTotal()).isEqualTo(2);
        List<CareTeam> teams = entries(bundle, CareTeam.class, Bundle.SearchEntryMode.MATCH);
        assertThat(teams).hasSize(2);
        CareTeam looked = teams.get(0); // by start date: the LAC plan started first
        CareTeam protection = teams.get(1);
        assertThat(looked.getCategoryFirstRep().getCodingFirstRep().getSystem()).isEqualTo(SNOMED);
        assertThat(looked.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("764841000000100");
        assertThat(protection.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("342191000000101");
        assertThat(protection.getName()).isEqualTo("Northshire County Council (demo)");
        assertThat(looked.getName()).isEqualTo("Westborough City Council (demo)");
        assertThat(protection.getPeriod().getStartElement().getValueAsString())
                .isEqualTo(TestDates.day("today-1y").toString());
        assertThat(protection.getPeriod().hasEnd()).isFalse();
        assertThat(looked.getPeriod().getEndElement().getValueAsString()).isEqualTo(TestDates.day("today-2m").toString());
        assertThat(phone(protection, ContactPoint.ContactPointUse.MOBILE)).as("emergency duty").isEqualTo("01632 960002");
        assertThat(phone(protection, ContactPoint.ContactPointUse.WORK)).as("office hours").isEqualTo("01632 960001");
        assertThat(phone(looked, ContactPoint.ContactPointUse.MOBILE)).isEqualTo("01632 960102");
        assertThat(teams).allSatisfy(t -> {
            assertThat(t.getMeta().hasProfile()).as("no profile claimed, as nationally").isFalse();
            assertThat(t.getSubject().getIdentifier().getValue()).isEqualTo(child);
            assertValid(t);
        });

        List<JsonNode> la901 = receive("LA901", 1, WATCH);
        assertThat(children(la901)).as("one notification to the council").containsExactly(child);
        assertThat(la901.get(0).at("/attendance/setting/code").asText()).isEqualTo("R9Z01-ED");
        assertThat(children(receive("LA902", 1, WATCH))).containsExactly(child);
        assertThat(gateway.count("select count(*) from access_record where nhs_number = ? and scheduled = false",
                child)).isEqualTo(1);
    }

    static String phone(CareTeam team, ContactPoint.ContactPointUse use) {
        return team.getTelecom().stream().filter(t -> t.getUse() == use).map(ContactPoint::getValue).findFirst()
                .orElse(null);
    }

    @Test
    void withoutTheHeaderASearchIsUnscheduledNotifiedOnceAndItsTraceIsInTheAuditLine() throws Exception {
        receive("LA901", 0, Duration.ofMillis(200));
        String child = childOfLa901();
        String trace = UUID.randomUUID().toString();
        Bundle bundle = careTeams(consumer(ED_SYSTEM, Map.of("TraceID", trace)), child);
        assertThat(bundle.getTotal()).isEqualTo(1);
        assertThat(ours(receive("LA901", 1, WATCH), child)).as("exactly one notification").containsExactly(child);
        assertThat(auditLines()).anySatisfy(line -> {
            assertThat(line.path("action").asText()).isEqualTo("fhir-care-team-search");
            assertThat(line.path("traceId").asText()).isEqualTo(trace);
            assertThat(line.path("silentRead").asBoolean()).isFalse();
        });
    }

    @Test
    void falseIsASilentReadThatNotifiesNobody() throws Exception {
        receive("LA901", 0, Duration.ofMillis(200));
        String silent = childOfLa901();
        String control = childOfLa901();
        Bundle bundle = careTeams(consumer(ED_SYSTEM, headers("false")), silent);
        assertThat(entries(bundle, CareTeam.class, Bundle.SearchEntryMode.MATCH)).hasSize(1);
        careTeams(consumer(ED_SYSTEM, headers("true")), control); // sent after it, the same way
        assertThat(ours(receive("LA901", 1, WATCH), silent, control)).as("the control's notification and nothing for "
                + "the silent read, watched %s after it", WATCH).containsExactly(control);
        assertThat(gateway.count("select count(*) from access_record where nhs_number = ? and scheduled = false",
                silent)).as("not an unscheduled access").isZero();
        assertThat(gateway.count("select count(*) from access_record where nhs_number = ? and scheduled = true",
                silent)).as("kept for the audit as a scheduled one").isEqualTo(1);
    }

    @Test
    void aScheduledSettingIsSilentWhateverTheHeaderClaims() throws Exception {
        receive("LA901", 0, Duration.ofMillis(200));
        String child = childOfLa901();
        String control = childOfLa901();
        assertThat(careTeams(consumer(GP_SYSTEM, headers("true")), child).getTotal()).isEqualTo(1);
        careTeams(consumer(ED_SYSTEM, headers(null)), control);
        assertThat(ours(receive("LA901", 1, WATCH), child, control)).as("watched %s after the control's", WATCH)
                .containsExactly(control);
    }

    @Test
    void theAccessHistoryNamesWhoLookedAndRecordsNothing() throws Exception {
        String child = childOfLa901();
        careTeams(consumer(ED_SYSTEM, headers("true")), child);
        long accesses = gateway.count("select count(*) from access_record where nhs_number = ?", child);

        CapturingInterceptor capture = new CapturingInterceptor();
        Bundle history = accessHistory(consumer(GP_SYSTEM, headers("false"), capture), child);
        String raw = body(capture.getLastResponse());
        assertThat(FhirValidation.errors(raw)).as(raw).isEmpty();
        assertThat(capture.getLastResponse().getMimeType()).isEqualTo("application/fhir+json");
        assertThat(history.getTotal()).isEqualTo(1);
        AuditEvent access = entries(history, AuditEvent.class, Bundle.SearchEntryMode.MATCH).get(0);
        assertThat(access.hasRecorded()).isTrue();
        assertThat(access.getEntityFirstRep().getWhat().getIdentifier().getValue()).isEqualTo(child);
        List<PractitionerRole> viewers = entries(history, PractitionerRole.class, Bundle.SearchEntryMode.INCLUDE);
        assertThat(viewers).hasSize(1);
        PractitionerRole viewer = viewers.get(0);
        assertThat(access.getAgentFirstRep().getWho().getReference())
                .isEqualTo("PractitionerRole/" + viewer.getIdElement().getIdPart());
        assertThat(viewer.getPractitioner().getDisplay()).isNotBlank();
        assertThat(viewer.getCodeFirstRep().getCodingFirstRep().getDisplay()).isEqualTo("Emergency department");
        assertThat(viewer.getOrganization().getDisplay())
                .isEqualTo("Riverside General Hospital Emergency Department (demo)");
        assertThat(gateway.count("select count(*) from access_record where nhs_number = ?", child))
                .as("reading the history is not another access").isEqualTo(accesses);

        Bundle none = accessHistory(consumer(ED_SYSTEM, headers(null)), CHILDREN.next());
        assertThat(none.getTotal()).isZero();
    }

    @Test
    void aChildNotInCpIsIsAnEmptySearchset() throws Exception {
        Bundle bundle = careTeams(consumer(ED_SYSTEM, headers("true")), CHILDREN.next());
        assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
        assertThat(bundle.getTotal()).isZero();
        assertThat(bundle.getEntry()).isEmpty();
        assertValid(bundle);
    }

    @Test
    void refusalsAreOperationOutcomesWithTheNationalCodes() throws Exception {
        String child = childOfLa901();
        String wrongCheckDigit = child.substring(0, 9) + ((child.charAt(9) - '0' + 1) % 10);
        assertRefused(() -> careTeams(consumer(ED_SYSTEM, headers("true")), wrongCheckDigit), 400,
                OperationOutcome.IssueType.INVALID, "INVALID_SEARCH_DATA", wrongCheckDigit);
        assertRefused(() -> accessHistory(consumer(ED_SYSTEM, headers("true")), "12345"), 400,
                OperationOutcome.IssueType.INVALID, "INVALID_SEARCH_DATA", "12345");

        int logged = Files.readString(LogPrivacy.LOG, StandardCharsets.UTF_8).length();
        String ownReference = "case " + child + " bay 4"; // not a UUID: accepted, never logged as given
        Map<String, String> maybe = Map.of("IsUnscheduledAccessEvent", "maybe", "TraceID", ownReference);
        assertRefused(() -> careTeams(consumer(ED_SYSTEM, maybe), child), 400,
                OperationOutcome.IssueType.INVALID, "PRECONDITION_FAILED", child);
        assertRefused(() -> accessHistory(consumer(ED_SYSTEM, maybe), child), 400,
                OperationOutcome.IssueType.INVALID, "PRECONDITION_FAILED", child);
        String log = Files.readString(LogPrivacy.LOG, StandardCharsets.UTF_8).substring(logged);
        assertThat(log).contains("refused 400 PRECONDITION_FAILED (TraceID sha256:")
                .doesNotContain(child).doesNotContain(ownReference);

        assertRefused(() -> careTeams(consumer(Http.OPERATOR, headers("true")), child), 403,
                OperationOutcome.IssueType.FORBIDDEN, "ACCESS_DENIED", child);
        assertRefused(() -> careTeams(consumer(Http.LA901, headers("true")), child), 403,
                OperationOutcome.IssueType.FORBIDDEN, "ACCESS_DENIED", child);
        assertRefused(() -> accessHistory(consumer(Http.OPERATOR, headers(null)), child), 403,
                OperationOutcome.IssueType.FORBIDDEN, "ACCESS_DENIED", child);
        assertThat(gateway.count("select count(*) from access_record where nhs_number = ?", child))
                .as("no refused search is an access").isZero();
    }

    static void assertRefused(Runnable search, int status, OperationOutcome.IssueType code, String detail,
                              String neverEchoed) {
        BaseServerResponseException e = catchThrowableOfType(BaseServerResponseException.class, search::run);
        assertThat(e).as("refused").isNotNull();
        assertThat(e.getStatusCode()).isEqualTo(status);
        assertThat(FhirValidation.errors(e.getResponseBody())).as(e.getResponseBody()).isEmpty();
        OperationOutcome outcome = (OperationOutcome) e.getOperationOutcome();
        OperationOutcome.OperationOutcomeIssueComponent issue = outcome.getIssueFirstRep();
        assertThat(issue.getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
        assertThat(issue.getCode()).isEqualTo(code);
        assertThat(issue.getDetails().getCodingFirstRep().getSystem()).isEqualTo(SPINE_ERRORS);
        assertThat(issue.getDetails().getCodingFirstRep().getCode()).isEqualTo(detail);
        assertThat(e.getResponseBody()).as("the number is never echoed").doesNotContain(neverEchoed);
    }

    /** The audit log's lines so far (the test run's, see logback-test.xml). */
    static List<JsonNode> auditLines() throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("target/test-logs/audit.log"), StandardCharsets.UTF_8)) {
            if (line.startsWith("{")) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }
}

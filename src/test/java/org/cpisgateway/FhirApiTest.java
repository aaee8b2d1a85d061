package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import ca.uhn.hl7v2.util.Terser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.TextMessage;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The FHIR R4 API over HTTP, as a care setting's system and an authority's system use it, against a running gateway
 * with its embedded store and broker: every resource returned is parsed by HAPI and passes HAPI's R4 validator; a
 * search is an access, recorded, and notified on the authority's queue (read by a JMS consumer) unless the setting
 * is scheduled.
 */
class FhirApiTest {

    static final String NHS = "https://fhir.nhs.uk/Id/nhs-number|";
    static final String[] ED_SYSTEM = Http.ED_SYSTEM;
    static final String[] GP_SYSTEM = Http.GP_SYSTEM;
    static final String[] LA901 = Http.LA901;
    static final String[] LA902 = Http.LA902;
    static final HttpClient CLIENT = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

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

    static HttpResponse<String> get(String path, String[] user, String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.httpPort + path))
                .timeout(Duration.ofSeconds(30)).GET();
        if (user != null) {
            request.header("Authorization", Http.basic(user[0], user[1]));
        }
        if (accept != null) {
            request.header("Accept", accept);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String path, String[] user) throws Exception {
        return get(path, user, null);
    }

    static String flags(String nhsNumber) {
        return "/fhir/Flag?patient.identifier=" + URLEncoder.encode(NHS + nhsNumber, StandardCharsets.UTF_8);
    }

    /** The body as a resource of its type, after checking it is FHIR JSON that HAPI's validator passes. */
    static <T extends org.hl7.fhir.instance.model.api.IBaseResource> T valid(HttpResponse<String> response,
                                                                            Class<T> type) {
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/fhir+json");
        assertThat(FhirValidation.errors(response.body())).as(response.body()).isEmpty();
        return FhirValidation.R4.newJsonParser().parseResource(type, response.body());
    }

    static List<JsonNode> drain(String authority, long waitMillis) throws Exception {
        List<JsonNode> received = new ArrayList<>();
        try (JMSContext jms = gateway.connectAsAuthority(authority);
             JMSConsumer queue = jms.createConsumer(jms.createQueue("cpis.notify." + authority))) {
            for (jakarta.jms.Message m; (m = queue.receive(waitMillis)) != null; ) {
                received.add(JSON.readTree(((TextMessage) m).getText()));
            }
        }
        return received;
    }

    @Test
    void metadataIsOpenAndSaysWhatIsOffered() throws Exception {
        HttpResponse<String> response = get("/fhir/metadata", null);
        assertThat(response.statusCode()).isEqualTo(200);
        CapabilityStatement cs = valid(response, CapabilityStatement.class);
        assertThat(cs.getFhirVersion().toCode()).isEqualTo("4.0.1");
        assertThat(cs.getRestFirstRep().getResource()).extracting(r -> r.getType())
                .containsExactly("Flag", "CareTeam", "AuditEvent");
        assertThat(FhirValidation.errors("{\"resourceType\":\"Flag\",\"status\":\"maybe\"}"))
                .as("the validator does find errors").isNotEmpty();
    }

    @Test
    void anEmergencyDepartmentSearchFindsThePlansAndIsNotifiedAsAnAccess() throws Exception {
        drain("LA901", 200);
        drain("LA902", 200);
        HttpResponse<String> response = get(flags("9990000050"), ED_SYSTEM);
        assertThat(response.statusCode()).isEqualTo(200);
        Bundle bundle = valid(response, Bundle.class);
        assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
        assertThat(bundle.getTotal()).isEqualTo(2);
        List<Flag> found = bundle.getEntry().stream().map(e -> (Flag) e.getResource()).toList();
        assertThat(found).extracting(f -> f.getCode().getCodingFirstRep().getCode())
                .containsExactly("342191000000101", "818901000000100"); // CPP, then UCP (by start date)
        assertThat(found).extracting(f -> f.getCode().getCodingFirstRep().getSystem()).containsOnly("http://snomed.info/sct");
        assertThat(found).extracting(f -> f.getAuthor().getIdentifier().getValue()).containsExactly("LA901", "LA902");
        assertThat(found).allSatisfy(f -> {
            assertThat(f.getStatus()).isEqualTo(Flag.FlagStatus.ACTIVE);
            assertThat(f.getSubject().getIdentifier().getValue()).isEqualTo("9990000050");
            assertThat(f.getPeriod().hasEnd()).isFalse();
        });
        assertThat(found.get(0).getPeriod().getStartElement().getValueAsString())
                .isEqualTo(TestDates.day("today-20m").toString());

        assertThat(gateway.count("select count(*) from access_record where nhs_number = ? and setting_code = ?",
                "9990000050", "R9Z01-ED")).isEqualTo(1);
        JsonNode la901 = drain("LA901", 5_000).get(0);
        assertThat(la901.at("/child/nhsNumber").asText()).isEqualTo("9990000050");
        assertThat(la901.at("/attendance/setting/code").asText()).isEqualTo("R9Z01-ED");
        assertThat(la901.at("/source/messageType").asText()).isEqualTo("FHIR^SEARCH");
        assertThat(la901.at("/source/sendingApplication").asText()).isEqualTo("FHIR-API");
        NotificationSchemas.assertValid(la901);
        assertThat(drain("LA902", 5_000)).hasSize(1);
    }

    @Test
    void aScheduledSettingsSearchIsASilentReadAndAnEndedPlanIsInactive() throws Exception {
        drain("LA902", 200);
        HttpResponse<String> response = get(flags("9990000174"), GP_SYSTEM);
        Bundle bundle = valid(response, Bundle.class);
        Flag ended = (Flag) bundle.getEntryFirstRep().getResource();
        assertThat(ended.getStatus()).isEqualTo(Flag.FlagStatus.INACTIVE);
        assertThat(ended.getPeriod().getEndElement().getValueAsString()).isEqualTo(TestDates.day("today-3m").toString());
        assertThat(gateway.count("select count(*) from access_record where nhs_number = ? and setting_code = ? "
                + "and scheduled = true", "9990000174", "Y9Z01")).isEqualTo(1);
        assertThat(drain("LA902", 2_000)).as("a scheduled setting notifies nobody").isEmpty();

        Bundle none = valid(get(flags("9990003408"), GP_SYSTEM), Bundle.class);
        assertThat(none.getTotal()).isZero();
        assertThat(none.getEntry()).isEmpty();
    }

    @Test
    void anAuthoritySeesTheAccessesToItsOwnChildrenOnly() throws Exception {
        assertThat(get(flags("9990000018"), ED_SYSTEM).statusCode()).isEqualTo(200); // LA901's child
        String query = "/fhir/AuditEvent?patient.identifier=" + URLEncoder.encode(NHS + "9990000018",
                StandardCharsets.UTF_8);
        Bundle own = valid(get(query, LA901), Bundle.class);
        assertThat(own.getTotal()).isGreaterThanOrEqualTo(1);
        AuditEvent access = (AuditEvent) own.getEntryFirstRep().getResource();
        assertThat(access.getEntityFirstRep().getWhat().getIdentifier().getValue()).isEqualTo("9990000018");
        assertThat(access.getAgentFirstRep().getWho().getIdentifier().getValue()).isEqualTo("R9Z01-ED");
        assertThat(access.getAgentFirstRep().getRequestor()).isTrue();

        Bundle other = valid(get(query, LA902), Bundle.class);
        assertThat(other.getTotal()).as("LA902 holds no plan for this child").isZero();

        LocalDate today = TestDates.today();
        Bundle range = valid(get("/fhir/AuditEvent?date=ge" + today.minusDays(1) + "&date=le" + today.plusDays(1),
                LA901), Bundle.class);
        assertThat(range.getEntry()).extracting(e -> ((AuditEvent) e.getResource()).getEntityFirstRep().getWhat()
                .getIdentifier().getValue()).contains("9990000018").doesNotContain("9990000026", "9990000174");
    }

    @Test
    void anAccessTimedOnAWholeMinuteIsAValidAuditEvent() throws Exception {
        String child = "9990000034"; // UCP held by LA901, in no other test here
        try (Pas pas = Pas.connect(gateway.mllpPort)) {
            Terser ack = new Terser(pas.send(Hl7Messages.a04TimedToTheMinute(Hl7Messages.newControlId(), child)));
            assertThat(ack.get("/ZCS-1")).isEqualTo("FLAGGED");
        }
        String query = "/fhir/AuditEvent?patient.identifier=" + URLEncoder.encode(NHS + child, StandardCharsets.UTF_8);
        HttpResponse<String> response = get(query, LA901);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        AuditEvent access = (AuditEvent) valid(response, Bundle.class).getEntryFirstRep().getResource();
        assertThat(access.getPeriod().getStartElement().getValueAsString()).as("the attendance's time, seconds and all")
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:00(Z|[+-]\\d\\d:\\d\\d)");
    }

    @Test
    void errorsAreOperationOutcomesWithTheirStatus() throws Exception {
        HttpResponse<String> noCredentials = get(flags("9990000018"), null);
        assertThat(noCredentials.statusCode()).isEqualTo(401);
        assertThat(noCredentials.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Basic realm=");
        assertThat(valid(noCredentials, OperationOutcome.class).getIssueFirstRep().getCode())
                .isEqualTo(OperationOutcome.IssueType.LOGIN);
        assertThat(get(flags("9990000018"), new String[] {"riverside-ed-fhir", "wrong"}).statusCode()).isEqualTo(401);

        HttpResponse<String> operator = get(flags("9990000018"), Http.OPERATOR);
        assertThat(operator.statusCode()).as("an operator acts for no care setting").isEqualTo(403);
        assertThat(valid(operator, OperationOutcome.class).getIssueFirstRep().getCode())
                .isEqualTo(OperationOutcome.IssueType.FORBIDDEN);
        assertThat(get("/fhir/AuditEvent?date=ge2026-01-01&date=le2026-01-02", ED_SYSTEM).statusCode())
                .as("a care setting reads no access history").isEqualTo(403);

        HttpResponse<String> badNumber = get(flags("9990000019"), ED_SYSTEM);
        assertThat(badNumber.statusCode()).isEqualTo(400);
        assertThat(valid(badNumber, OperationOutcome.class).getIssueFirstRep().getDiagnostics())
                .contains("patient.identifier").doesNotContain("9990000019");
        HttpResponse<String> misspelt = get("/fhir/Flag?patient.identifer=9990000018", ED_SYSTEM);
        assertThat(misspelt.statusCode()).isEqualTo(400);
        assertThat(valid(misspelt, OperationOutcome.class).getIssueFirstRep().getDiagnostics())
                .contains("'patient.identifer' is not offered");
        assertThat(get("/fhir/Flag", ED_SYSTEM).statusCode()).isEqualTo(400);

        HttpResponse<String> post = Http.call(gateway.httpPort, "POST", "/fhir/Flag", ED_SYSTEM);
        assertThat(post.statusCode()).as("searches are GET").isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).contains("GET");
        valid(post, OperationOutcome.class);

        HttpResponse<String> patient = get("/fhir/Patient?identifier=x", ED_SYSTEM);
        assertThat(patient.statusCode()).isEqualTo(404);
        valid(patient, OperationOutcome.class);
    }

    @Test
    void xmlIsAnsweredWhenAsked() throws Exception {
        HttpResponse<String> response = get(flags("9990000026") + "&_format=xml", ED_SYSTEM);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/fhir+xml");
        assertThat(FhirValidation.errors(response.body())).isEmpty();
        Bundle bundle = FhirValidation.R4.newXmlParser().parseResource(Bundle.class, response.body());
        assertThat(bundle.getTotal()).isEqualTo(1);
        HttpResponse<String> byAccept = get("/fhir/metadata", null, "application/fhir+xml");
        assertThat(byAccept.body()).startsWith("<CapabilityStatement");
    }
}

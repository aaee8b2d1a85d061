package org.cpisgateway.fhir;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.cpisgateway.core.Authorities;
import org.cpisgateway.core.Authority;
import org.cpisgateway.core.Plan;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * The FHIR R4 resources the API answers with, built on HAPI FHIR's model: a CP-IS plan as a {@code Flag} (SNOMED CT
 * code, period, the responsible authority as author), an access to a child's record as an {@code AuditEvent}, search
 * results as a {@code searchset Bundle}, errors as an {@code OperationOutcome}. Resource ids are derived from what
 * they describe, so the same plan or access always has the same id.
 */
public final class FhirResources {

    public static final String NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";
    public static final String ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code";
    public static final String SNOMED = "http://snomed.info/sct";
    /** The gateway's own care-setting codes (mappings/care-settings.csv). */
    public static final String CARE_SETTING_SYSTEM = "urn:cpis-gateway:care-setting";

    private final Authorities authorities;
    private final ZoneId zone;

    public FhirResources(Authorities authorities, ZoneId zone) {
        this.authorities = authorities;
        this.zone = zone;
    }

    /** A plan as a Flag: active while the plan is in force, inactive once it has ended (still shown 12 months). */
    public Flag flag(Plan plan, LocalDate today) {
        Flag flag = new Flag();
        flag.setId(id("flag", plan.nhsNumber(), plan.type().name(), plan.authorityCode(), plan.startDate().toString()));
        flag.setStatus(plan.isActiveOn(today) ? Flag.FlagStatus.ACTIVE : Flag.FlagStatus.INACTIVE);
        flag.addCategory(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/flag-category",
                "safety", "Safety")));
        flag.setCode(new CodeableConcept(new Coding(SNOMED, plan.type().snomedCode(), plan.type().snomedDisplay()))
                .setText(plan.type().snomedDisplay()));
        flag.setSubject(patient(plan.nhsNumber()));
        Period period = new Period().setStartElement(dateTime(plan.startDate()));
        if (plan.endDate() != null) {
            period.setEndElement(dateTime(plan.endDate()));
        }
        flag.setPeriod(period);
        Authority authority = authorities.find(plan.authorityCode());
        flag.setAuthor(new Reference().setType("Organization")
                .setIdentifier(new Identifier().setSystem(ODS_SYSTEM).setValue(plan.authorityCode()))
                .setDisplay(authority == null ? plan.authorityCode() : authority.name()));
        return flag;
    }

    /**
     * An access as an AuditEvent: a read of the child's record (DICOM 110110 Patient Record) by the care setting,
     * recorded when the gateway checked it; the attendance's own time is the period.
     *
     * @param row a row of the store's access records (nhs_number, accessed_at, attendance_at, setting_code,
     *            setting_name, setting_type, scheduled)
     */
    public AuditEvent accessEvent(Map<String, Object> row) {
        String nhs = (String) row.get("nhs_number");
        String accessedAt = (String) row.get("accessed_at");
        AuditEvent event = new AuditEvent();
        event.setId(id("access", nhs, accessedAt, (String) row.get("setting_code")));
        event.setType(new Coding("http://dicom.nema.org/resources/ontology/DCM", "110110", "Patient Record"));
        event.setAction(AuditEvent.AuditEventAction.R);
        event.setRecorded(Date.from(OffsetDateTime.parse(accessedAt).toInstant()));
        Object attendanceAt = row.get("attendance_at");
        if (attendanceAt != null) {
            event.setPeriod(new Period().setStartElement(new DateTimeType((String) attendanceAt)));
        }
        event.setOutcome(AuditEvent.AuditEventOutcome._0);
        event.addAgent()
                .setType(new CodeableConcept().setText(String.valueOf(row.get("setting_type"))))
                .setWho(new Reference().setType("Organization")
                        .setIdentifier(new Identifier().setSystem(CARE_SETTING_SYSTEM)
                                .setValue((String) row.get("setting_code")))
                        .setDisplay((String) row.get("setting_name")))
                .setRequestor(true);
        event.setSource(new AuditEvent.AuditEventSourceComponent().setObserver(new Reference().setDisplay("cpis-gateway")));
        AuditEvent.AuditEventEntityComponent entity = event.addEntity()
                .setWhat(patient(nhs))
                .setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person"))
                .setRole(new Coding("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient"));
        entity.addDetail().setType("scheduled").setValue(new org.hl7.fhir.r4.model.StringType(
                String.valueOf(row.get("scheduled"))));
        return event;
    }

    /**
     * One page of a searchset: its links ({@code self}, and {@code next} while there is more) and each entry's
     * {@code fullUrl} on the gateway's public base URL, never on anything the request said about where it was sent.
     *
     * @param base  the public base URL ({@code cpis.http.public-base-url})
     * @param next  the next page's URL, or null on the last page
     * @param total how many match in all, or null when not counted (a page of several)
     */
    public Bundle searchset(String base, String selfUrl, String next, List<? extends Resource> found, Integer total) {
        Bundle bundle = new Bundle();
        bundle.setId(UUID.randomUUID().toString());
        bundle.setType(Bundle.BundleType.SEARCHSET);
        if (total != null) {
            bundle.setTotal(total);
        }
        bundle.addLink().setRelation("self").setUrl(selfUrl);
        if (next != null) {
            bundle.addLink().setRelation("next").setUrl(next);
        }
        for (Resource r : found) {
            bundle.addEntry().setFullUrl(base + "/fhir/" + r.fhirType() + "/" + r.getIdElement().getIdPart())
                    .setResource(r).getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        }
        return bundle;
    }

    public static OperationOutcome outcome(OperationOutcome.IssueType type, String diagnostics) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(type).setDiagnostics(diagnostics);
        return outcome;
    }

    /** What the API offers: Flag search by NHS number, AuditEvent search by NHS number or date, JSON and XML. */
    public static CapabilityStatement capabilities(String version, Date published) {
        CapabilityStatement cs = new CapabilityStatement();
        cs.setStatus(Enumerations.PublicationStatus.ACTIVE);
        cs.setDateElement(new DateTimeType(published));
        cs.setPublisher("cpis-gateway");
        cs.setKind(CapabilityStatement.CapabilityStatementKind.INSTANCE);
        cs.getSoftware().setName("cpis-gateway").setVersion(version);
        cs.getImplementation().setDescription("CP-IS flags and accesses of a cpis-gateway");
        cs.setFhirVersion(Enumerations.FHIRVersion._4_0_1);
        cs.addFormat("application/fhir+json");
        cs.addFormat("application/fhir+xml");
        CapabilityStatement.CapabilityStatementRestComponent rest = cs.addRest()
                .setMode(CapabilityStatement.RestfulCapabilityMode.SERVER);
        rest.getSecurity().setDescription("HTTP Basic. Flag: a care setting's system (role care-setting.<code>); "
                + "each search is recorded as an access of that setting and notified to the responsible authority "
                + "when the setting is unscheduled. AuditEvent: an authority's system with its broker user, confined "
                + "to the children it holds plans for. metadata is open.");
        CapabilityStatement.CapabilityStatementRestResourceComponent flag = rest.addResource().setType("Flag");
        flag.addInteraction().setCode(CapabilityStatement.TypeRestfulInteraction.SEARCHTYPE);
        flag.addSearchParam().setName("patient").setType(Enumerations.SearchParamType.REFERENCE)
                .setDocumentation("chained as patient.identifier=" + NHS_NUMBER_SYSTEM + "|<NHS number> (required)");
        CapabilityStatement.CapabilityStatementRestResourceComponent audit = rest.addResource().setType("AuditEvent");
        audit.addInteraction().setCode(CapabilityStatement.TypeRestfulInteraction.SEARCHTYPE);
        audit.addSearchParam().setName("patient").setType(Enumerations.SearchParamType.REFERENCE)
                .setDocumentation("chained as patient.identifier=" + NHS_NUMBER_SYSTEM + "|<NHS number>");
        audit.addSearchParam().setName("date").setType(Enumerations.SearchParamType.DATE)
                .setDocumentation("ge<day> and le<day> together, at most 366 days apart, when no patient is given");
        for (CapabilityStatement.CapabilityStatementRestResourceComponent paged : List.of(flag, audit)) {
            paged.addSearchParam().setName("_count").setType(Enumerations.SearchParamType.NUMBER)
                    .setDocumentation("results per page; the next page is the Bundle's next link");
        }
        return cs;
    }

    static Reference patient(String nhsNumber) {
        return new Reference().setType("Patient")
                .setIdentifier(new Identifier().setSystem(NHS_NUMBER_SYSTEM).setValue(nhsNumber));
    }

    /** A day as a FHIR dateTime of day precision (YYYY-MM-DD), with no time or zone to invent. */
    private static DateTimeType dateTime(LocalDate day) {
        return new DateTimeType(day.toString());
    }

    private static String id(String... parts) {
        return UUID.nameUUIDFromBytes(String.join("|", parts).getBytes(StandardCharsets.UTF_8)).toString();
    }

    public ZoneId zone() {
        return zone;
    }
}

package org.cpisgateway.fhir;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.cpisgateway.core.AccessRecord;
import org.cpisgateway.core.Authorities;
import org.cpisgateway.core.Authority;
import org.cpisgateway.core.IsoTime;
import org.cpisgateway.core.Plan;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * The FHIR R4 resources the API answers with, built on HAPI FHIR's model: a CP-IS plan as a {@code Flag} (SNOMED CT
 * code, period, the responsible authority as author) and, in the shape of the national CP-IS FHIR API, as a
 * {@code CareTeam} (the plan type as category, the authority as name, its phones as telecom); an access to a child's
 * record as an {@code AuditEvent}, for the national shape with the viewer as a {@code PractitionerRole}; search
 * results as a {@code searchset Bundle}; errors as an {@code OperationOutcome}. Resource ids are derived from what
 * they describe, so the same plan or access always has the same id.
 */
public final class FhirResources {

    public static final String NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";
    public static final String ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code";
    public static final String SNOMED = "http://snomed.info/sct";
    /** The gateway's own care-setting codes (mappings/care-settings.csv). */
    public static final String CARE_SETTING_SYSTEM = "urn:cpis-gateway:care-setting";
    /** The kinds of care setting (the setting_type of mappings/care-settings.csv). */
    public static final String SETTING_TYPE_SYSTEM = "urn:cpis-gateway:setting-type";
    /** The UK Core code system of Spine's error codes, which the national CP-IS FHIR API answers errors with. */
    public static final String SPINE_ERROR_SYSTEM = "https://fhir.hl7.org.uk/CodeSystem/UKCore-SpineErrorOrWarningCode";
    /** The ValueSet the national CP-IS FHIR API takes a CareTeam's category from (the plan type, SNOMED CT). */
    public static final String PLAN_VALUE_SET = "https://fhir.nhs.uk/England/ValueSet/England-ChildProtectionPlan";
    /** What a PractitionerRole of the access history says of the person: the gateway records places, not people. */
    static final String VIEWER_NOT_RECORDED = "Not recorded";

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
     * A plan as the national CP-IS FHIR API's CareTeam: {@code category} the plan type (SNOMED CT, from the ValueSet
     * England-ChildProtectionPlan), {@code period} the plan's start and end, {@code name} the responsible authority,
     * {@code telecom} its emergency duty (out of hours) phone with use {@code mobile} and its office hours phone with
     * use {@code work}, each where mappings/authorities.csv has it; {@code status} active while the plan is in force,
     * inactive once it has ended (still shown 12 months); the child as {@code subject}, the authority's code as
     * {@code managingOrganization}. No {@code meta.profile} is claimed, as the national API claims none.
     */
    public CareTeam careTeam(Plan plan, LocalDate today) {
        CareTeam team = new CareTeam();
        team.setId(id("careteam", plan.nhsNumber(), plan.type().name(), plan.authorityCode(),
                plan.startDate().toString()));
        team.setStatus(plan.isActiveOn(today) ? CareTeam.CareTeamStatus.ACTIVE : CareTeam.CareTeamStatus.INACTIVE);
        team.addCategory(new CodeableConcept(new Coding(SNOMED, plan.type().snomedCode(), plan.type().snomedDisplay()))
                .setText(plan.type().snomedDisplay()));
        Authority authority = authorities.find(plan.authorityCode());
        String name = authority == null ? plan.authorityCode() : authority.name();
        team.setName(name);
        team.setSubject(patient(plan.nhsNumber()));
        Period period = new Period().setStartElement(dateTime(plan.startDate()));
        if (plan.endDate() != null) {
            period.setEndElement(dateTime(plan.endDate()));
        }
        team.setPeriod(period);
        team.addManagingOrganization(new Reference().setType("Organization")
                .setIdentifier(new Identifier().setSystem(ODS_SYSTEM).setValue(plan.authorityCode()))
                .setDisplay(name));
        if (authority != null) {
            phone(team, authority.emergencyDutyPhone(), ContactPoint.ContactPointUse.MOBILE);
            phone(team, authority.officeHoursPhone(), ContactPoint.ContactPointUse.WORK);
        }
        return team;
    }

    private static void phone(CareTeam team, String number, ContactPoint.ContactPointUse use) {
        if (number != null && !number.isBlank()) {
            team.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(number.strip()).setUse(use);
        }
    }

    /**
     * One entry of the access history a clerk sees, in the national API's shape: the AuditEvent of
     * {@link #accessEvent} whose agent is a PractitionerRole (the viewer), and that PractitionerRole, to be included
     * beside it: {@code practitioner.display} the viewer's name (not recorded: the gateway records where a child was
     * seen, not who looked), {@code code.coding.display} the role (the kind of care setting),
     * {@code organization.display} the care setting.
     *
     * @return the AuditEvent and the PractitionerRole, in that order
     */
    public Resource[] historyEntry(String nhsNumber, AccessRecord access) {
        Map<String, Object> row = new java.util.LinkedHashMap<>();
        row.put("nhs_number", nhsNumber);
        row.put("accessed_at", IsoTime.of(access.accessedAt()));
        row.put("setting_code", access.settingCode());
        row.put("setting_name", access.settingName());
        row.put("setting_type", access.settingType());
        row.put("scheduled", access.scheduled());
        AuditEvent event = accessEvent(row);
        PractitionerRole viewer = viewer(access);
        event.getAgentFirstRep().setWho(new Reference("PractitionerRole/" + viewer.getIdElement().getIdPart())
                .setDisplay(access.settingName()));
        return new Resource[] {event, viewer};
    }

    private static PractitionerRole viewer(AccessRecord access) {
        PractitionerRole role = new PractitionerRole();
        role.setId(id("viewer", access.settingCode()));
        role.setPractitioner(new Reference().setDisplay(VIEWER_NOT_RECORDED));
        String type = access.settingType() == null ? "UNKNOWN" : access.settingType();
        role.addCode(new CodeableConcept(new Coding(SETTING_TYPE_SYSTEM, type, settingTypeText(type))));
        role.setOrganization(new Reference().setType("Organization")
                .setIdentifier(new Identifier().setSystem(CARE_SETTING_SYSTEM).setValue(access.settingCode()))
                .setDisplay(access.settingName()));
        return role;
    }

    /** A setting type in words: the common kinds of care setting by name, any other as written in the table. */
    static String settingTypeText(String type) {
        return switch (type) {
            case "ED" -> "Emergency department";
            case "UTC" -> "Urgent treatment centre";
            case "MIU" -> "Minor injuries unit";
            case "WIC" -> "Walk-in centre";
            case "GP" -> "General practice";
            case "GP_OOH" -> "GP out of hours";
            case "COMMUNITY_PAEDIATRICS" -> "Community paediatrics";
            case "UNMAPPED" -> "Care setting not described in the gateway's mapping";
            default -> type;
        };
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
        return searchset(base, selfUrl, next, found, List.of(), total);
    }

    /**
     * A page of a searchset whose matches refer to other resources, given after them as entries of search mode
     * {@code include} (each once); {@code total} counts the matches only.
     */
    public Bundle searchset(String base, String selfUrl, String next, List<? extends Resource> found,
                            List<? extends Resource> included, Integer total) {
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
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Resource r : included) {
            String url = base + "/fhir/" + r.fhirType() + "/" + r.getIdElement().getIdPart();
            if (seen.add(url)) {
                bundle.addEntry().setFullUrl(url).setResource(r).getSearch().setMode(Bundle.SearchEntryMode.INCLUDE);
            }
        }
        return bundle;
    }

    public static OperationOutcome outcome(OperationOutcome.IssueType type, String diagnostics) {
        return outcome(type, null, diagnostics);
    }

    /**
     * An error with one issue; {@code detail}, when given, is the Spine error code ({@code INVALID_SEARCH_DATA},
     * {@code PRECONDITION_FAILED}, {@code ACCESS_DENIED}) in {@code issue.details.coding}, as the national CP-IS FHIR
     * API answers.
     */
    public static OperationOutcome outcome(OperationOutcome.IssueType type, String detail, String diagnostics) {
        OperationOutcome outcome = new OperationOutcome();
        OperationOutcome.OperationOutcomeIssueComponent issue = outcome.addIssue()
                .setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(type).setDiagnostics(diagnostics);
        if (detail != null) {
            issue.setDetails(new CodeableConcept(new Coding(SPINE_ERROR_SYSTEM, detail, switch (detail) {
                case "INVALID_SEARCH_DATA" -> "Invalid search data";
                case "PRECONDITION_FAILED" -> "Precondition failed";
                case "ACCESS_DENIED" -> "Access denied";
                default -> detail;
            })));
        }
        return outcome;
    }

    /**
     * What the API offers: Flag and CareTeam search by NHS number (care settings' systems), AuditEvent search by NHS
     * number (a care setting: the history a clerk sees, with the viewers as PractitionerRoles; an authority: every
     * access to its children) or by date (an authority), JSON and XML.
     */
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
        rest.getSecurity().setDescription("HTTP Basic. Flag and CareTeam: a care setting's system (role "
                + "care-setting.<code>); each search is recorded as an access of that setting and notified to the "
                + "responsible authority unless it is a silent read (the setting is scheduled, or the request says "
                + "IsUnscheduledAccessEvent: false). AuditEvent: a care setting's system reads a child's access history "
                + "as a clerk sees it; an authority's system, with its broker user, reads the accesses to the children "
                + "it holds plans for. metadata is open. TraceID, when given, is logged with the request.");
        String patientDoc = "patient:identifier=" + NHS_NUMBER_SYSTEM + "|<NHS number> (the :identifier modifier; "
                + "also written patient.identifier)";
        CapabilityStatement.CapabilityStatementRestResourceComponent flag = rest.addResource().setType("Flag");
        flag.addInteraction().setCode(CapabilityStatement.TypeRestfulInteraction.SEARCHTYPE);
        flag.addSearchParam().setName("patient").setType(Enumerations.SearchParamType.REFERENCE)
                .setDocumentation(patientDoc + ", required");
        CapabilityStatement.CapabilityStatementRestResourceComponent team = rest.addResource().setType("CareTeam");
        team.addInteraction().setCode(CapabilityStatement.TypeRestfulInteraction.SEARCHTYPE);
        team.setDocumentation("One CareTeam per CP-IS plan, in the shape of the national CP-IS FHIR API: category the "
                + "plan type (" + PLAN_VALUE_SET + "), period, name the responsible authority, telecom its emergency "
                + "duty (use mobile) and office hours (use work) phones.");
        team.addSearchParam().setName("patient").setType(Enumerations.SearchParamType.REFERENCE)
                .setDocumentation(patientDoc + ", required");
        CapabilityStatement.CapabilityStatementRestResourceComponent audit = rest.addResource().setType("AuditEvent");
        audit.addInteraction().setCode(CapabilityStatement.TypeRestfulInteraction.SEARCHTYPE);
        audit.addSearchInclude("AuditEvent:agent");
        audit.addSearchParam().setName("patient").setType(Enumerations.SearchParamType.REFERENCE)
                .setDocumentation(patientDoc + "; for a care setting's system the history a clerk sees, the viewers "
                        + "included as PractitionerRole");
        audit.addSearchParam().setName("date").setType(Enumerations.SearchParamType.DATE)
                .setDocumentation("ge<day> and le<day> together, at most 366 days apart, when no patient is given "
                        + "(an authority's system)");
        for (CapabilityStatement.CapabilityStatementRestResourceComponent paged : List.of(flag, team, audit)) {
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

package org.cpisgateway.fhir;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import ca.uhn.fhir.context.FhirContext;
import org.cpisgateway.core.IsoTime;
import org.cpisgateway.core.Plan;
import org.cpisgateway.core.PlanType;
import org.cpisgateway.notify.NotificationRenderer;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Notifications as FHIR R4, for an authority whose row in mappings/authorities.csv says {@code notification_format}
 * {@code fhir-r4}: a {@code message} Bundle whose MessageHeader names the event ({@code attendance} or
 * {@code pattern} under {@link #EVENT_SYSTEM}) and the authority, followed by the child (Patient), the access as an
 * AuditEvent (the one checked; for a pattern, each attendance that makes it; for an attendance, also the child's
 * recent ones) and the authority's plans as Flags, the same resources the FHIR API answers with. Written from the
 * content of a version 2 notification; the Bundle's id is the notification id.
 */
public class FhirNotifications implements NotificationRenderer {

    public static final String EVENT_SYSTEM = "urn:cpis-gateway:notification-type";

    private final FhirContext fhir;
    private final FhirResources resources;

    public FhirNotifications(FhirContext fhir, FhirResources resources) {
        this.fhir = fhir;
        this.resources = resources;
    }

    @Override
    @SuppressWarnings("unchecked")
    public String render(Map<String, Object> n) {
        String type = (String) n.getOrDefault("type", "attendance");
        Map<String, Object> authority = (Map<String, Object>) n.get("authority");
        Map<String, Object> child = (Map<String, Object>) n.get("child");
        String nhs = (String) child.get("nhsNumber");
        String id = (String) n.get("notificationId");

        Bundle bundle = new Bundle();
        bundle.setId(id);
        bundle.setType(Bundle.BundleType.MESSAGE);
        bundle.setTimestamp(Date.from(OffsetDateTime.parse((String) n.get("createdAt")).toInstant()));

        MessageHeader header = new MessageHeader();
        header.setId(uuid(id, "header"));
        header.setEvent(new Coding(EVENT_SYSTEM, type, "pattern".equals(type) ? "Pattern of attendances"
                : "Attendance of a child with a CP-IS plan"));
        header.addDestination().setName((String) authority.get("name"))
                .setEndpoint("urn:cpis-gateway:authority:" + authority.get("code"))
                .setReceiver(new Reference().setType("Organization").setIdentifier(new Identifier()
                        .setSystem(FhirResources.ODS_SYSTEM).setValue((String) authority.get("code")))
                        .setDisplay((String) authority.get("name")));
        header.getSource().setName("cpis-gateway").setEndpoint("urn:cpis-gateway");
        List<Resource> entries = new ArrayList<>();
        entries.add(header);
        entries.add(patient(id, child));

        List<Map<String, Object>> accesses = new ArrayList<>();
        if ("pattern".equals(type)) {
            Map<String, Object> pattern = (Map<String, Object>) n.get("pattern");
            header.setReason(new CodeableConcept().setText("Pattern: " + pattern.get("summary")));
            accesses.addAll((List<Map<String, Object>>) pattern.get("attendances"));
        } else {
            Map<String, Object> attendance = (Map<String, Object>) n.get("attendance");
            Map<String, Object> setting = (Map<String, Object>) attendance.get("setting");
            Map<String, Object> now = new LinkedHashMap<>();
            now.put("time", attendance.get("time"));
            now.put("settingCode", setting.get("code"));
            now.put("settingName", setting.get("name"));
            now.put("settingType", setting.get("type"));
            now.put("scheduled", setting.get("scheduled"));
            accesses.add(now);
        }
        for (Map<String, Object> access : accesses) {
            AuditEvent event = resources.accessEvent(row(nhs, access));
            entries.add(event);
            header.addFocus(new Reference("urn:uuid:" + event.getIdElement().getIdPart()));
        }
        if (!"pattern".equals(type)) {
            List<Map<String, Object>> recent = (List<Map<String, Object>>) n.getOrDefault("recentAttendances",
                    List.of());
            recent.forEach(a -> entries.add(resources.accessEvent(row(nhs, a))));
            Map<String, Object> attendance = (Map<String, Object>) n.get("attendance");
            LocalDate day = OffsetDateTime.parse((String) attendance.get("time"))
                    .atZoneSameInstant(resources.zone()).toLocalDate();
            for (Map<String, Object> p : (List<Map<String, Object>>) n.get("plans")) {
                String end = (String) p.get("endDate");
                entries.add(resources.flag(new Plan(nhs, PlanType.valueOf((String) p.get("type")),
                        LocalDate.parse((String) p.get("startDate")), end == null ? null : LocalDate.parse(end),
                        (String) authority.get("code")), day));
            }
        }
        for (Resource r : entries) {
            bundle.addEntry().setFullUrl("urn:uuid:" + r.getIdElement().getIdPart()).setResource(r);
        }
        return fhir.newJsonParser().encodeResourceToString(bundle);
    }

    private static Patient patient(String notificationId, Map<String, Object> child) {
        Patient patient = new Patient();
        patient.setId(uuid(notificationId, "patient"));
        patient.addIdentifier().setSystem(FhirResources.NHS_NUMBER_SYSTEM).setValue((String) child.get("nhsNumber"));
        if (child.get("familyName") != null || child.get("givenNames") != null) {
            var name = patient.addName().setFamily((String) child.get("familyName"));
            if (child.get("givenNames") != null) {
                for (String given : ((String) child.get("givenNames")).split(" ")) {
                    name.addGiven(given);
                }
            }
        }
        if (child.get("dateOfBirth") != null) {
            patient.setBirthDateElement(new org.hl7.fhir.r4.model.DateType((String) child.get("dateOfBirth")));
        }
        Object sex = child.get("sex");
        if (sex != null) {
            patient.setGender(switch (sex.toString().toUpperCase(java.util.Locale.ROOT)) {
                case "M", "1" -> Enumerations.AdministrativeGender.MALE;
                case "F", "2" -> Enumerations.AdministrativeGender.FEMALE;
                case "O" -> Enumerations.AdministrativeGender.OTHER;
                default -> Enumerations.AdministrativeGender.UNKNOWN;
            });
        }
        return patient;
    }

    /** An attendance of the notification as the store's access row the AuditEvent is built from. */
    private static Map<String, Object> row(String nhs, Map<String, Object> attendance) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("nhs_number", nhs);
        row.put("accessed_at", IsoTime.of(OffsetDateTime.parse((String) attendance.get("time"))));
        row.put("attendance_at", attendance.get("time"));
        row.put("setting_code", attendance.get("settingCode"));
        row.put("setting_name", attendance.get("settingName"));
        row.put("setting_type", attendance.get("settingType"));
        row.put("scheduled", attendance.getOrDefault("scheduled", false));
        return row;
    }

    private static String uuid(String... parts) {
        return UUID.nameUUIDFromBytes(String.join("|", parts).getBytes(StandardCharsets.UTF_8)).toString();
    }
}

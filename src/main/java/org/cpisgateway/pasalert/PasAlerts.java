package org.cpisgateway.pasalert;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import ca.uhn.hl7v2.HapiContext;
import org.cpisgateway.core.Attendance;
import org.cpisgateway.core.Authorities;
import org.cpisgateway.core.CheckResult;
import org.cpisgateway.core.Plan;
import org.cpisgateway.hl7.MshHeader;
import org.cpisgateway.mapping.CsvTable;
import org.cpisgateway.store.PasAlertTable;

/**
 * {@code mappings/pas-alerts.csv}: which sending facilities' PAS systems get an HL7 alert of their own when a visit
 * is FLAGGED, for PAS systems that show nothing of an ACK beyond MSA. Columns {@code sending_facility,host,port,
 * template}; the template is a file beside the table ({@link PasAlertTemplate}). Without the table no alerts are
 * sent. One alert per visit (the visit as the CP-IS rules tell it; a message without one is its own visit). A live
 * edit of the table or of a template replaces the whole set.
 */
public class PasAlerts {

    public static final String TABLE = "pas-alerts.csv";
    private static final DateTimeFormatter HL7_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmssxx");

    /** One facility's PAS: where it listens and what it is sent. */
    record Target(String endpoint, PasAlertTemplate template) {
    }

    private volatile Map<String, Target> byFacility;
    private final Authorities authorities;

    private PasAlerts(Map<String, Target> byFacility, Authorities authorities) {
        this.byFacility = Map.copyOf(byFacility);
        this.authorities = authorities;
    }

    /** Reads the table and its templates (none when the table is absent); throws naming the file and line. */
    public static PasAlerts load(Path mappingsDir, HapiContext hapi, Authorities authorities) {
        Path file = mappingsDir.resolve(TABLE);
        Map<String, Target> byFacility = new HashMap<>();
        if (Files.exists(file)) {
            for (var row : CsvTable.read(file, "sending_facility", "host", "port", "template")) {
                String facility = CsvTable.cell(row, "sending_facility");
                String host = CsvTable.cell(row, "host");
                String port = CsvTable.cell(row, "port");
                String templateName = CsvTable.cell(row, "template");
                String where = file + " line " + row.line() + ": ";
                if (facility == null || host == null || templateName == null || port == null
                        || !port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
                    throw new IllegalStateException(where + "sending_facility, host, template and a port number are "
                            + "required");
                }
                if (templateName.contains("/") || templateName.contains("\\")) {
                    throw new IllegalStateException(where + "template is a file name beside the table");
                }
                Path templateFile = mappingsDir.resolve(templateName);
                String text;
                try {
                    text = Files.readString(templateFile, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new IllegalStateException(where + "template " + templateName + " cannot be read");
                }
                PasAlertTemplate template;
                try {
                    template = PasAlertTemplate.of(templateName, text, hapi);
                } catch (IllegalStateException e) {
                    throw new IllegalStateException(where + e.getMessage());
                }
                if (byFacility.put(facility.toUpperCase(java.util.Locale.ROOT),
                        new Target(host + ":" + port, template)) != null) {
                    throw new IllegalStateException(where + "sending facility " + facility + " appears twice");
                }
            }
        }
        return new PasAlerts(byFacility, authorities);
    }

    public void replaceWith(PasAlerts loaded) {
        this.byFacility = loaded.byFacility;
    }

    /** True when the file name is the table or a template it names (a live edit of either reloads the set). */
    public boolean uses(String fileName) {
        return TABLE.equals(fileName)
                || byFacility.values().stream().anyMatch(t -> t.template().name().equals(fileName));
    }

    /** The alert for this answer, or null: only a FLAGGED answer, first of its visit, from a facility in the table. */
    public PasAlertTable.Alert forResult(MshHeader msh, Attendance attendance, CheckResult result,
                                         OffsetDateTime receivedAt) {
        if (result == null || !result.flagged() || result.visitCheckedBefore() || attendance == null) {
            return null;
        }
        String facility = msh.sendingFacilityCode();
        Target target = byFacility.get(facility.toUpperCase(java.util.Locale.ROOT));
        if (target == null) {
            return null;
        }
        String key = result.visit() != null ? result.visit()
                : msh.dedupeKey() != null ? facility + "|message|" + msh.controlId() : UUID.randomUUID().toString();
        String controlId = "CPIS" + UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString()
                .replace("-", "").substring(0, 16).toUpperCase(java.util.Locale.ROOT);
        Map<String, String> values = new HashMap<>();
        values.put("alertControlId", controlId);
        values.put("now", HL7_TIME.format(receivedAt));
        values.put("inboundControlId", msh.controlId());
        values.put("inboundSendingApplication", msh.firstComponent(msh.sendingApplication()));
        values.put("inboundSendingFacility", facility);
        values.put("nhsNumber", attendance.nhsNumber());
        values.put("patientId", attendance.patientId());
        values.put("familyName", attendance.familyName());
        values.put("givenNames", attendance.givenNames());
        values.put("dateOfBirth", attendance.dateOfBirth() == null ? null
                : attendance.dateOfBirth().format(DateTimeFormatter.BASIC_ISO_DATE));
        values.put("sex", attendance.sex());
        values.put("patientClass", attendance.patientClass());
        values.put("location", attendance.location());
        values.put("visitNumber", attendance.visitNumber());
        values.put("alertText", "CP-IS: " + result.summary());
        values.put("planTypes", result.plans().stream().map(p -> p.type().name()).distinct()
                .collect(Collectors.joining(",")));
        values.put("reason", result.reasonCode());
        values.put("settingCode", result.setting().code());
        values.put("settingName", result.setting().name());
        values.put("emergencyDutyPhone", result.plans().stream().map(Plan::authorityCode).distinct()
                .map(authorities::find).filter(java.util.Objects::nonNull)
                .map(a -> a.emergencyDutyPhone()).collect(Collectors.joining(" / ")));
        return new PasAlertTable.Alert(key, facility, target.endpoint(), target.template().fill(values));
    }
}

package org.cpisgateway.notify;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.cpisgateway.core.CheckResult;
import org.cpisgateway.core.IsoTime;
import org.cpisgateway.core.Plan;
import org.cpisgateway.core.Attendance;
import org.cpisgateway.hl7.MshHeader;
import org.cpisgateway.core.Authority;
import org.cpisgateway.core.Authorities;

/**
 * Builds the JSON notification for each authority to be told of a flagged attendance at an unscheduled setting
 * (schema: {@code src/main/resources/schema/cpis-notification.schema.json}). Each authority's notification carries
 * only the plans it is responsible for.
 */
public class NotificationFactory {

    public static final String SCHEMA_VERSION = "1";
    /**
     * Version 2 adds fields (the visit number, the setting's phone, the child's recent attendances elsewhere, whether
     * each plan has ended) and changes none. It is sent only to authorities that ask for it
     * ({@code notification_version} in mappings/authorities.csv), because version 1's schema admits no unknown field:
     * a consumer validating against it keeps receiving exactly what it validates.
     */
    public static final String SCHEMA_VERSION_2 = "2";

    private final Authorities authorities;
    private final String queuePrefix;
    private final String unroutedQueue;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final java.time.Clock clock;
    private final java.util.function.ToIntFunction<String> versionOf;
    private final java.util.function.Predicate<String> takesFhir;
    private final NotificationRenderer fhir;

    public NotificationFactory(Authorities authorities, String queuePrefix, String unroutedQueue,
                               java.time.Clock clock) {
        this(authorities, queuePrefix, unroutedQueue, clock, code -> 1);
    }

    /** @param versionOf the notification version each authority takes (1 or 2) */
    public NotificationFactory(Authorities authorities, String queuePrefix, String unroutedQueue,
                               java.time.Clock clock, java.util.function.ToIntFunction<String> versionOf) {
        this(authorities, queuePrefix, unroutedQueue, clock, versionOf, code -> false, null);
    }

    /**
     * @param takesFhir true for an authority that takes its notifications as FHIR R4 ({@code notification_format})
     * @param fhir      writes the FHIR form from the content of a version 2 notification
     */
    public NotificationFactory(Authorities authorities, String queuePrefix, String unroutedQueue,
                               java.time.Clock clock, java.util.function.ToIntFunction<String> versionOf,
                               java.util.function.Predicate<String> takesFhir, NotificationRenderer fhir) {
        this.takesFhir = takesFhir;
        this.fhir = fhir;
        this.versionOf = versionOf;
        this.clock = clock;
        this.authorities = authorities;
        this.queuePrefix = queuePrefix;
        this.unroutedQueue = unroutedQueue;
    }

    public List<Notification> forResult(MshHeader msh, Attendance attendance, CheckResult result,
                                        OffsetDateTime receivedAt) {
        List<Notification> notifications = new ArrayList<>();
        for (String code : result.authoritiesToNotify()) {
            String id = notificationId(msh, code);
            // an authority missing from the directory has no queue: its notification is parked, never dropped
            String queue = authorities.knows(code) ? queuePrefix + code : unroutedQueue;
            boolean asFhir = fhir != null && takesFhir.test(code);
            boolean v2 = asFhir || versionOf.applyAsInt(code) >= 2; // the FHIR form is written from version 2
            try {
                notifications.add(new Notification(id, code, queue,
                        write(body(id, code, msh, attendance, result, receivedAt, v2), asFhir)));
                if (result.pattern() != null && !result.visitCheckedBefore() && v2) {
                    String patternId = UUID.nameUUIDFromBytes(("pattern|" + attendance.nhsNumber() + "|" + code + "|"
                            + result.pattern().key()).getBytes(StandardCharsets.UTF_8)).toString();
                    notifications.add(new Notification(patternId, code, queue,
                            write(patternBody(patternId, code, msh, attendance, result, receivedAt), asFhir), true));
                }
            } catch (JsonProcessingException impossible) {
                throw new IllegalStateException("notification could not be written as JSON", impossible);
            }
        }
        return notifications;
    }

    /**
     * Name-based, so the same inbound message always yields the same id for the same authority (the broker's duplicate
     * detection relies on it); random when the message has no facility + control ID.
     */
    static String notificationId(MshHeader msh, String authorityCode) {
        String key = msh.dedupeKey();
        if (key == null) {
            return UUID.randomUUID().toString();
        }
        return UUID.nameUUIDFromBytes((key + "|" + authorityCode).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private String write(Map<String, Object> body, boolean asFhir) throws JsonProcessingException {
        return asFhir ? fhir.render(body) : json.writeValueAsString(body);
    }

    private Map<String, Object> body(String id, String code, MshHeader msh, Attendance a, CheckResult result,
                                     OffsetDateTime receivedAt, boolean v2) {
        Authority authority = authorities.find(code);
        java.time.LocalDate day = (a.attendanceTime() != null ? a.attendanceTime() : receivedAt)
                .atZoneSameInstant(clock.getZone()).toLocalDate();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("schemaVersion", v2 ? SCHEMA_VERSION_2 : SCHEMA_VERSION);
        if (v2) {
            body.put("type", "attendance");
        }
        body.put("notificationId", id);
        body.put("createdAt", IsoTime.of(OffsetDateTime.now(clock.withZone(ZoneOffset.UTC))));
        body.put("authority", named(authority));

        Map<String, Object> child = new LinkedHashMap<>();
        child.put("nhsNumber", a.nhsNumber());
        child.put("nhsNumberStatus", a.nhsNumberStatus());
        child.put("familyName", a.familyName());
        child.put("givenNames", a.givenNames());
        child.put("dateOfBirth", a.dateOfBirth() == null ? null : a.dateOfBirth().toString());
        child.put("sex", a.sex());
        body.put("child", child);

        List<Map<String, Object>> plans = new ArrayList<>();
        for (Plan p : result.plans()) {
            if (!p.authorityCode().equals(code)) {
                continue;
            }
            Map<String, Object> plan = new LinkedHashMap<>();
            plan.put("type", p.type().name());
            plan.put("snomedCode", p.type().snomedCode());
            plan.put("description", p.type().snomedDisplay());
            plan.put("startDate", p.startDate().toString());
            plan.put("endDate", p.endDate() == null ? null : p.endDate().toString());
            if (v2) {
                plan.put("ended", !p.isActiveOn(day)); // ended within the visibility window (12 months)
            }
            plans.add(plan);
        }
        body.put("plans", plans);

        Map<String, Object> setting = new LinkedHashMap<>();
        setting.put("code", result.setting().code());
        setting.put("name", result.setting().name());
        setting.put("type", result.setting().type());
        setting.put("scheduled", result.setting().scheduled());
        if (v2) {
            setting.put("phone", result.setting().phone());
        }
        Map<String, Object> attendance = new LinkedHashMap<>();
        attendance.put("time", IsoTime.of(a.attendanceTime() != null ? a.attendanceTime() : receivedAt));
        attendance.put("patientClass", a.patientClass());
        attendance.put("location", a.location());
        if (v2) {
            attendance.put("visitNumber", a.visitNumber());
        }
        attendance.put("setting", setting);
        body.put("attendance", attendance);
        if (v2) {
            // the child's earlier attendances at unscheduled settings, as the clerk's ACK shows them (ZCA)
            body.put("recentAttendances", attendances(result.history()));
        }

        Map<String, Object> source = new LinkedHashMap<>();
        source.put("sendingApplication", msh.firstComponent(msh.sendingApplication()));
        source.put("sendingFacility", msh.sendingFacilityCode());
        source.put("messageControlId", msh.controlId());
        source.put("messageType", msh.messageType() + "^" + a.eventCode());
        source.put("receivedAt", IsoTime.of(receivedAt));
        body.put("source", source);
        return body;
    }

    /**
     * A pattern alert (version 2 only): the same envelope as an attendance notification, {@code "type": "pattern"},
     * and the attendances that make the pattern. Its id is derived from the child, the authority and the pattern, so
     * it is sent once per pattern, by whichever gateway sees it first.
     */
    private Map<String, Object> patternBody(String id, String code, MshHeader msh, Attendance a, CheckResult result,
                                            OffsetDateTime receivedAt) {
        Authority authority = authorities.find(code);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("schemaVersion", SCHEMA_VERSION_2);
        body.put("type", "pattern");
        body.put("notificationId", id);
        body.put("createdAt", IsoTime.of(OffsetDateTime.now(clock.withZone(ZoneOffset.UTC))));
        body.put("authority", named(authority));
        Map<String, Object> child = new LinkedHashMap<>();
        child.put("nhsNumber", a.nhsNumber());
        child.put("familyName", a.familyName());
        child.put("givenNames", a.givenNames());
        child.put("dateOfBirth", a.dateOfBirth() == null ? null : a.dateOfBirth().toString());
        body.put("child", child);
        var p = result.pattern();
        Map<String, Object> pattern = new LinkedHashMap<>();
        pattern.put("kind", p.kind().name());
        pattern.put("count", p.count());
        pattern.put("days", p.days());
        pattern.put("summary", p.summary());
        pattern.put("attendances", attendances(p.attendances()));
        body.put("pattern", pattern);
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("sendingFacility", msh.sendingFacilityCode());
        source.put("messageControlId", msh.controlId());
        source.put("receivedAt", IsoTime.of(receivedAt));
        body.put("source", source);
        return body;
    }

    private static Map<String, Object> named(Authority authority) {
        Map<String, Object> named = new LinkedHashMap<>();
        named.put("code", authority.code());
        named.put("name", authority.name());
        return named;
    }

    /** Attendances as version 2 lists them: when, and at which setting. */
    private static List<Map<String, Object>> attendances(List<org.cpisgateway.core.AccessRecord> accesses) {
        List<Map<String, Object>> list = new ArrayList<>(accesses.size());
        for (var access : accesses) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("time", IsoTime.of(access.accessedAt()));
            r.put("settingCode", access.settingCode());
            r.put("settingName", access.settingName());
            r.put("settingType", access.settingType());
            list.add(r);
        }
        return list;
    }
}

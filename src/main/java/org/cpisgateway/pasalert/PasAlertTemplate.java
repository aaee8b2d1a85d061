package org.cpisgateway.pasalert;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.parser.EncodingCharacters;
import ca.uhn.hl7v2.parser.Escape;
import ca.uhn.hl7v2.util.Terser;

/**
 * An HL7 v2 message with {@code ${name}} placeholders, one segment a line, as integrators write it in
 * {@code mappings/}. Each value is escaped for HL7 ({@code |^~\&} become escape sequences), so a name with a caret
 * cannot shift a field. A template is checked when it is read: only known placeholders, and the result of filling
 * it with sample values must parse with HAPI and carry MSH-9 and MSH-10.
 */
public final class PasAlertTemplate {

    /** The placeholders a template may use; {@code PasAlerts} fills each one. */
    public static final List<String> PLACEHOLDERS = List.of("alertControlId", "now", "inboundControlId",
            "inboundSendingApplication", "inboundSendingFacility", "nhsNumber", "patientId", "familyName",
            "givenNames", "dateOfBirth", "sex", "patientClass", "location", "visitNumber", "alertText", "planTypes",
            "reason", "settingCode", "settingName", "emergencyDutyPhone");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z]+)}");
    private static final EncodingCharacters ENCODING = EncodingCharacters.defaultInstance();

    private final String name;
    private final String text;

    private PasAlertTemplate(String name, String text) {
        this.name = name;
        this.text = text;
    }

    /** Reads a template and checks it; throws naming the problem. */
    public static PasAlertTemplate of(String name, String fileText, HapiContext hapi) {
        String text = String.join("\r", fileText.strip().lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList());
        if (!text.startsWith("MSH|^~\\&|")) {
            throw new IllegalStateException(name + ": a template starts with MSH|^~\\&|");
        }
        Set<String> unknown = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            if (!PLACEHOLDERS.contains(m.group(1))) {
                unknown.add(m.group(1));
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalStateException(name + ": unknown placeholder ${" + String.join("}, ${", unknown)
                    + "}; known: " + String.join(", ", PLACEHOLDERS));
        }
        PasAlertTemplate template = new PasAlertTemplate(name, text);
        Map<String, String> sample = new java.util.HashMap<>();
        PLACEHOLDERS.forEach(p -> sample.put(p, "X^1|2"));
        sample.put("alertControlId", "CPIS0000000000000001");
        sample.put("now", "20260101120000");
        sample.put("dateOfBirth", "20150101");
        try {
            Message parsed = hapi.getPipeParser().parse(template.fill(sample));
            Terser terser = new Terser(parsed);
            if (terser.get("/MSH-9-1") == null || terser.get("/MSH-10") == null) {
                throw new IllegalStateException(name + ": MSH-9 (message type) and MSH-10 (control ID) are required");
            }
        } catch (HL7Exception e) {
            throw new IllegalStateException(name + ": not a message HAPI can parse: " + e.getMessage());
        }
        return template;
    }

    /** The message, segments ended by CR, with every placeholder replaced by its escaped value (empty when none). */
    public String fill(Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder(text.length() + 128);
        while (m.find()) {
            String value = values.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? "" : Escape.escape(value, ENCODING)));
        }
        m.appendTail(out);
        return out.append('\r').toString();
    }

    public String name() {
        return name;
    }
}

package org.cpisgateway.pasalert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.util.Terser;
import org.cpisgateway.hl7.HapiSetup;
import org.junit.jupiter.api.Test;

/** The shipped template, escaping of values, and templates that are refused with their reason. */
class PasAlertTemplateTest {

    @Test
    void theShippedTemplateFillsAndAValueCannotShiftAField() throws Exception {
        PasAlertTemplate template = PasAlertTemplate.of("pas-alert-a08.hl7",
                Files.readString(Path.of("mappings/pas-alert-a08.hl7")), HapiSetup.lenientContext());
        String filled = template.fill(Map.of("alertControlId", "CPIS0123456789ABCDEF", "now", "20261127093000",
                "nhsNumber", "9990000018", "familyName", "O'NEIL^|SMITH", "visitNumber", "V1",
                "alertText", "CP-IS: Subject to child protection plan (CPP), Demo Council, emergency duty 01632 960999"));
        Message message = HapiSetup.lenientContext().getPipeParser().parse(filled);
        Terser t = new Terser(message);
        assertThat(t.get("/MSH-10")).isEqualTo("CPIS0123456789ABCDEF");
        assertThat(t.get("/PID-5-1")).as("escaped, then read back whole").isEqualTo("O'NEIL^|SMITH");
        assertThat(t.get("/PV1-19")).isEqualTo("V1");
        assertThat(t.get("/OBX-5")).startsWith("CP-IS: Subject to child protection plan");
        assertThat(filled).doesNotContain("#").endsWith("\r");
    }

    @Test
    void unknownPlaceholdersAndUnparseableTemplatesAreRefused() {
        assertThatThrownBy(() -> PasAlertTemplate.of("t.hl7", "MSH|^~\\&|A|B|C|D|${now}||ADT^A08|${controlId}|P|2.4\n",
                HapiSetup.lenientContext())).hasMessageContaining("unknown placeholder ${controlId}");
        assertThatThrownBy(() -> PasAlertTemplate.of("t.hl7", "PID|1||${nhsNumber}\n", HapiSetup.lenientContext()))
                .hasMessageContaining("starts with MSH");
        assertThatThrownBy(() -> PasAlertTemplate.of("t.hl7", "MSH|^~\\&|A|B|C|D|${now}||ADT^A08||P|2.4\n",
                HapiSetup.lenientContext())).hasMessageContaining("MSH-10");
    }
}

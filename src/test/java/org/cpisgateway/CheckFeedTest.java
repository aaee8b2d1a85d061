package org.cpisgateway;

import org.cpisgateway.cli.Cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code cpis-gateway check-feed} over the golden cases' messages (the same messages whose exact answers the golden
 * files hold), and over a file of several messages: what it says per message, and that it says no patient data.
 */
class CheckFeedTest {

    static String run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(new CommandLine(new Cli()).execute(args)).isZero();
        } finally {
            System.setOut(original);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static JsonNode outcome(JsonNode report, String caseName) {
        for (JsonNode m : report.path("messages")) {
            if (m.path("source").asText().contains(caseName)) {
                return m;
            }
        }
        throw new AssertionError("no outcome for " + caseName);
    }

    @Test
    void eachGoldenMessageGetsTheVerdictItsGoldenAckGives() throws Exception {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("check-feed", "--json"));
        try (var walk = Files.walk(Path.of("src/test/resources/golden"))) {
            walk.filter(p -> p.getFileName().toString().equals("message.hl7")).sorted()
                    .forEach(p -> args.add(p.toString()));
        }
        JsonNode report = new ObjectMapper().readTree(run(args.toArray(String[]::new)));
        JsonNode flagged = outcome(report, "01-flagged-cpp-emergency-department");
        assertThat(flagged.path("outcome").asText()).isEqualTo("LOOKUP");
        assertThat(flagged.path("reason").asText()).isEqualTo("notifies if flagged");
        assertThat(flagged.path("nhsNumberField").asText()).isEqualTo("PID-3");
        assertThat(flagged.path("setting").asText()).isEqualTo("R9Z01-ED");
        assertThat(outcome(report, "11-scheduled-setting-silent-read").path("reason").asText())
                .isEqualTo("silent read if flagged");
        assertThat(outcome(report, "13-unmapped-facility").path("settingMapped").asBoolean()).isFalse();
        assertThat(outcome(report, "51-event-a03-discharge-not-in-scope").path("reason").asText())
                .isEqualTo("EVENT_NOT_IN_SCOPE");
        assertThat(outcome(report, "19-nhs-number-fails-check-digit").path("reason").asText())
                .isEqualTo("INVALID_NHS_NUMBER");
        assertThat(outcome(report, "29-pid2-bare-number").path("nhsNumberField").asText()).isEqualTo("PID-2");
        JsonNode notAdt = outcome(report, "31-ar-not-adt");
        assertThat(notAdt.path("answer").asText()).isEqualTo("AR");
        assertThat(notAdt.path("reason").asText()).contains("ADT messages only");
        assertThat(outcome(report, "33-ar-not-hl7").path("answer").asText()).isEqualTo("AR");
        // the batch file of case 32 holds one message inside its envelope: it is checked as that message
        assertThat(outcome(report, "32-ar-batch-envelope").path("outcome").asText()).isEqualTo("LOOKUP");
        assertThat(report.at("/summary/messages").asInt()).isEqualTo(args.size() - 2); // one message per case
        assertThat(report.toString()).doesNotContain("9990000018").doesNotContain("TESTCHILD")
                .doesNotContain("20150302");
    }

    @Test
    void aFileOfSeveralMessagesIsCheckedMessageByMessageWithASummary() throws Exception {
        Path file = TestFolders.temporary("cpis-feed").resolve("feed.hl7");
        Files.writeString(file, Hl7Messages.a04("F1", "9990000018") + "\n"
                // an update of the same visit (PV1-19 as F1's)
                + Hl7Messages.adt("A08", "F2", "R9Z01", "ED", "9990000018^^^NHS^NH").replace("|VF2|", "|VF1|") + "\n"
                + Hl7Messages.a04("F3", "R9Z77", "ED", "9990000017^^^NHS^NH"));
        String text = run("check-feed", file.toString());
        assertThat(text).contains("#1  F1  A04  LOOKUP  notifies if flagged  nhs-number:PID-3")
                .contains("#2  F2  A08  LOOKUP  visit already checked: current answer, notifies nobody")
                .contains("#3  F3  A04  NOT_CHECKED  INVALID_NHS_NUMBER")
                .contains("setting:R9Z77 (unmapped)")
                .contains("messages: 3");
        assertThat(text).doesNotContain("9990000018").doesNotContain("TESTCHILD");
    }
}

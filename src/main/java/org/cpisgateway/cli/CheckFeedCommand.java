package org.cpisgateway.cli;

import org.cpisgateway.app.Mappings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.cpisgateway.config.GatewaySettings;
import org.cpisgateway.core.FlagRules;
import org.cpisgateway.hl7.AttendanceReader;
import org.cpisgateway.hl7.HapiSetup;
import org.cpisgateway.hl7.InboundFrame;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "check-feed", description = "Feed assurance: run exported HL7 messages (files or folders; a file "
        + "may hold several messages) through the gateway's framing, parsing, mapping and rules, without a store "
        + "or a broker, and print per message what the gateway would do: AR and why, NOT_CHECKED and why, or "
        + "LOOKUP with the NHS number's field and the care setting. No patient data is printed.")
public final class CheckFeedCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", description = "message files or folders")
    List<Path> inputs;
    @Option(names = "--json", description = "one JSON document: every message and the summary")
    boolean json;
    @Option(names = "--conf", defaultValue = "conf/application.properties")
    Path properties;

    @Override
    public Integer call() throws Exception {
        // the report is the output (JSON may be piped on): the log says only what stops the check
        var root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.classic.Level level = root.getLevel();
        root.setLevel(ch.qos.logback.classic.Level.ERROR);
        try {
            return check();
        } finally {
            root.setLevel(level);
        }
    }

    private int check() throws Exception {
        GatewaySettings s = ConfiguredProperties.settings(properties);
        Mappings mappings = Mappings.load(s.check().mappingsDir());
        java.util.Map<String, String> visitsSeen = new java.util.HashMap<>();
        FeedCheck feed = new FeedCheck(new InboundFrame(s.mllp().defaultCharset()),
                new AttendanceReader(mappings.locations(), s.check().zone(), HapiSetup.lenientContext(),
                        s.mllp().maxFieldRepetitions()),
                new FlagRules(nhs -> List.of(), (nhs, limit) -> List.of(), mappings.settings(),
                        mappings.authorities(), s.check().events(), s.check().zone(),
                        s.check().planVisibleAfterEnd(), org.cpisgateway.core.VisitHistory.NONE), visitsSeen);
        List<FeedCheck.Outcome> outcomes = new ArrayList<>();
        java.time.OffsetDateTime now = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC);
        for (Path input : FeedCheck.files(inputs)) {
            List<byte[]> messages = FeedCheck.messages(java.nio.file.Files.readAllBytes(input));
            for (int i = 0; i < messages.size(); i++) {
                outcomes.add(feed.check(input.toString(), i + 1, messages.get(i), now));
                if (outcomes.size() % 1000 == 0) {
                    System.err.println(outcomes.size() + " messages checked...");
                }
            }
        }
        FeedCheck.Summary summary = FeedCheck.summarise(outcomes);
        if (json) {
            var mapper = new com.fasterxml.jackson.databind.ObjectMapper()
                    .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
            System.out.println(mapper.writeValueAsString(java.util.Map.of("messages", outcomes,
                    "summary", summary)));
            return 0;
        }
        for (FeedCheck.Outcome o : outcomes) {
            System.out.printf("%s#%d  %s  %s  %s  %s%s%n", o.source(), o.index(), o.controlId(), o.event(),
                    o.outcome(), o.reason(), o.answer().equals("AA")
                            ? "  nhs-number:" + (o.nhsNumberField() == null ? "none" : o.nhsNumberField())
                            + (o.nhsNumberStatus() == null ? "" : " " + o.nhsNumberStatus())
                            + "  setting:" + o.setting()
                            + (o.settingMapped() ? " " + o.settingType() : " (unmapped)")
                            : "");
        }
        System.out.println();
        System.out.println("messages: " + summary.messages());
        System.out.println("outcomes:");
        summary.byOutcome().forEach((k, v) -> System.out.printf("  %6d  %s%n", v, k));
        System.out.println("NHS number found in:");
        summary.byNhsNumberField().forEach((k, v) -> System.out.printf("  %6d  %s%n", v, k));
        System.out.println("care settings:");
        summary.bySetting().forEach((k, v) -> System.out.printf("  %6d  %s%n", v, k));
        return 0;
    }
}

package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every message of the shared real-world corpus ({@code ../shared/hl7-corpus}, when present) sent byte for byte in
 * one MLLP frame: each gets one well-formed ACK (MSA-1 AA, AE or AR, MSA-2 echoing MSH-10 when there is one), and the
 * gateway still serves afterwards. Writes a per-file table to {@code target/corpus-sweep.txt}. Skipped (not failed)
 * where the corpus folder is absent.
 */
class CorpusSweepTest {

    static final Path CORPUS = Path.of("../shared/hl7-corpus");
    static RunningGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(CORPUS), "no ../shared/hl7-corpus here");
        gateway = RunningGateway.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void everyCorpusMessageGetsAWellFormedAckAndTheGatewayKeepsServing() throws Exception {
        List<Path> files = corpusFiles();
        List<String> report = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            byte[] raw = Files.readAllBytes(file);
            List<String> acks = Mllp.exchange(gateway.mllpPort, Mllp.frame(raw), 1, StandardCharsets.ISO_8859_1, 15_000);
            String name = file.getFileName().toString();
            if (acks.size() != 1) {
                problems.add(name + ": no ACK");
                report.add(name + "\t-\t-\tno ACK");
                continue;
            }
            AckText ack = AckText.of(acks.get(0));
            String code = ack.field("MSA", 1);
            String zcs = ack.field("ZCS", 1);
            String err = ack.field("ERR", 8);
            report.add(name + "\t" + code + "\t" + (zcs == null ? "" : zcs) + "\t"
                    + (err != null ? err : ack.field("ZCS", 2) == null ? "" : ack.field("ZCS", 2)));
            if (!ack.segments().get(0)[0].equals("MSH") || !List.of("AA", "AE", "AR").contains(code)) {
                problems.add(name + ": malformed ACK " + ack.names());
            }
            if (!"AA".equals(code) && ack.all("ERR").isEmpty()) {
                problems.add(name + ": " + code + " without ERR");
            }
        }
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target/corpus-sweep.txt"), report);
        assertThat(problems).isEmpty();
        List<String> after = Mllp.exchange(gateway.mllpPort,
                Mllp.frame(Hl7Messages.a04(Hl7Messages.newControlId(), "9990000018").getBytes(StandardCharsets.UTF_8)), 1,
                StandardCharsets.UTF_8);
        assertThat(AckText.of(after.get(0)).field("ZCS", 1)).isEqualTo("FLAGGED");
    }

    /**
     * The corpus again, now with a plan for every NHS number the gateway looked up in it, held by an authority that
     * takes FHIR: real-world names, dates and times go all the way through the check, the notification and its FHIR
     * form. Each such attendance is answered AA FLAGGED (never AE), and what reaches the authority's queue passes
     * HAPI's R4 validator. The plans live only in this run's temporary store.
     */
    @Test
    void everyCorpusChildWithAPlanIsFlaggedAndItsAuthorityGetsValidFhir() throws Exception {
        List<Path> files = corpusFiles();
        // which messages the gateway checks (answers are kept: a message sent again gets the same one), and the NHS
        // number it reads from each, read as the gateway reads it
        List<Path> checked = new ArrayList<>();
        java.util.Set<String> numbers = new java.util.TreeSet<>();
        for (Path file : files) {
            if ("NOT_FLAGGED".equals(send(gateway, file).field("ZCS", 1))) {
                checked.add(file);
                String number = nhsNumberOf(Files.readAllBytes(file));
                // null: none readable here; the gateway answered it as the duplicate of another file's message
                // (the same facility and control ID), with that one's answer
                if (number != null) {
                    numbers.add(number);
                }
            }
        }
        Assumptions.assumeFalse(checked.isEmpty(), "no message of the corpus was checked");
        Path plans = TestFolders.temporary("cpis-corpus-plans").resolve("plans.csv");
        StringBuilder csv = new StringBuilder("nhs_number,plan_type,start_date,end_date,authority_code\n");
        numbers.forEach(n -> csv.append(n).append(",CPP,today-80y,,LA901\n")); // before any attendance of the corpus
        Files.writeString(plans, csv, StandardCharsets.UTF_8);
        Path mappings = TestFolders.copyOf(Path.of("mappings"));
        Path authorities = mappings.resolve("authorities.csv");
        Files.writeString(authorities, Files.readString(authorities, StandardCharsets.UTF_8)
                .replace("01632 960002,", "01632 960002,,fhir-r4"), StandardCharsets.UTF_8);

        List<String> problems = new ArrayList<>();
        List<String> bundles = new ArrayList<>();
        try (RunningGateway second = RunningGateway.start(TestFolders.temporary("cpis-corpus-second"),
                "cpis.mappings.dir", mappings.toString(), "cpis.demo.plans-file", plans.toString())) {
            for (Path file : checked) {
                AckText ack = send(second, file);
                if (!"AA".equals(ack.field("MSA", 1)) || !"FLAGGED".equals(ack.field("ZCS", 1))) {
                    problems.add(file.getFileName() + ": " + ack.field("MSA", 1) + " " + ack.field("ZCS", 1) + " "
                            + ack.field("ERR", 8));
                }
            }
            try (jakarta.jms.JMSContext jms = second.connectAsAuthority("LA901");
                 jakarta.jms.JMSConsumer queue = jms.createConsumer(jms.createQueue("cpis.notify.LA901"))) {
                for (jakarta.jms.Message m; (m = queue.receive(5_000)) != null; ) {
                    String text = ((jakarta.jms.TextMessage) m).getText();
                    bundles.add(text);
                    FhirValidation.errors(text).forEach(e -> problems.add("FHIR: " + e));
                }
            }
        }
        System.out.printf("corpus with plans: %d messages checked, %d NHS numbers, %d FHIR notifications%n",
                checked.size(), numbers.size(), bundles.size());
        assertThat(problems).isEmpty();
        assertThat(bundles).as("notifications of the flagged corpus attendances").isNotEmpty();
    }

    /** The corpus's messages, by name. */
    private static List<Path> corpusFiles() throws java.io.IOException {
        try (Stream<Path> s = Files.list(CORPUS)) {
            return s.filter(p -> p.toString().endsWith(".hl7")).sorted().toList();
        }
    }

    /** The NHS number the gateway reads from a message (the same reader, mappings and zone); null when none. */
    private static String nhsNumberOf(byte[] raw) throws Exception {
        var reader = new org.cpisgateway.hl7.AttendanceReader(org.cpisgateway.mapping.NhsNumberLocations.load(
                Path.of("mappings/nhs-number-locations.csv")), TestDates.ZONE,
                org.cpisgateway.hl7.HapiSetup.lenientContext());
        var frame = new org.cpisgateway.hl7.InboundFrame(StandardCharsets.UTF_8).open(raw);
        String text = frame.text();
        var attendance = reader.readText(text, frame.msh());
        return (attendance != null ? attendance : reader.read(reader.parse(text), frame.msh())).nhsNumber();
    }

    private static AckText send(RunningGateway gateway, Path file) throws Exception {
        List<String> acks = Mllp.exchange(gateway.mllpPort, Mllp.frame(Files.readAllBytes(file)), 1,
                StandardCharsets.ISO_8859_1, 15_000);
        assertThat(acks).as(file.getFileName().toString()).hasSize(1);
        return AckText.of(acks.get(0));
    }
}

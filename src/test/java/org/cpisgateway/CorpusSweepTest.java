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
        List<Path> files;
        try (Stream<Path> s = Files.list(CORPUS)) {
            files = s.filter(p -> p.toString().endsWith(".hl7")).sorted().toList();
        }
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
}

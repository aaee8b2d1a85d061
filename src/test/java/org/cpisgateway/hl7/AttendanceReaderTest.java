package org.cpisgateway.hl7;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import ca.uhn.hl7v2.model.Message;
import org.cpisgateway.core.Attendance;
import org.cpisgateway.mapping.NhsNumberLocations;
import org.junit.jupiter.api.Test;

/**
 * Reading an attendance straight from the text gives what reading HAPI's parsed model gives, field for field: for
 * every golden message, every message of the shared corpus (when the folder is there), and messages made to test the
 * edges (escapes, repetitions, OIDs, old versions). Where the text reader declines, HAPI reads the message.
 */
class AttendanceReaderTest {

    final AttendanceReader reader = new AttendanceReader(
            NhsNumberLocations.load(Path.of("mappings/nhs-number-locations.csv")), ZoneId.of("Europe/London"),
            HapiSetup.lenientContext());
    final InboundFrame frames = new InboundFrame(StandardCharsets.UTF_8);

    /** What each way read, or "declined"/"HAPI failed"/"rejected" when one of them did not read it. */
    String bothWays(byte[] raw) throws Exception {
        InboundFrame.Frame frame = frames.open(raw);
        String text;
        try {
            text = frame.text();
        } catch (Exception unreadable) {
            return "unreadable";
        }
        Attendance fromText;
        try {
            fromText = reader.readText(text, frame.msh());
        } catch (MessageRejectedException rejected) {
            return "rejected";
        }
        if (fromText == null) {
            return "declined";
        }
        Message parsed;
        try {
            parsed = reader.parse(text);
        } catch (Exception hapiFailed) {
            return "HAPI failed but the text was read: " + fromText;
        }
        Attendance fromModel = reader.read(parsed, frame.msh());
        assertThat(fromText).as(text.replace('\r', '\n')).isEqualTo(fromModel);
        return "same";
    }

    static List<Path> messages(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().matches("(?i)(message\\.hl7|.*\\.(hl7|txt|er7|msg))"))
                    .sorted().toList();
        }
    }

    @Test
    void everyGoldenMessageReadsTheSameBothWays() throws Exception {
        List<Path> golden = messages(Path.of("src/test/resources/golden"));
        assertThat(golden).hasSizeGreaterThan(50);
        List<String> outcomes = new ArrayList<>();
        for (Path p : golden) {
            outcomes.add(bothWays(Files.readAllBytes(p)));
        }
        assertThat(outcomes).noneMatch(o -> o.startsWith("HAPI failed"));
        assertThat(outcomes.stream().filter("same"::equals).count()).as("the plain cases").isGreaterThan(40);
    }

    @Test
    void theSharedCorpusReadsTheSameBothWaysWhereTheTextIsRead() throws Exception {
        for (Path p : messages(Path.of("../shared/hl7-corpus"))) {
            String outcome = bothWays(Files.readAllBytes(p));
            assertThat(outcome).as(p.toString()).doesNotStartWith("HAPI failed");
        }
    }

    @Test
    void edgesReadTheSame() throws Exception {
        String msh = "MSH|^~\\&|PAS|R9Z01|CPIS|CPIS|20261127093000||ADT^A04^ADT_A01|C1|P|2.4\r";
        String[] messages = {
            msh + "EVN|A04|20261127092900\rPID|1||RX1^^^R9Z01^MR~9990000018^^^NHS^NH||O\\S\\NEIL^ANNE\\T\\JO^MARY||"
                    + "20150302|F|||1 TEST STREET\rPV1|1|E|ED^^^R9Z01||||||||||||||||V1|||||||||||||||||||||||||"
                    + "20261127092000\r",
            msh + "PID|1||999 000 0018^^^&2.16.840.1.113883.2.1.4.1&ISO||TESTCHILD^ROBIN||20150302\r",
            msh + "PID|1||9990000018^^^NHS^NH~9990000026^^^NHS^NH||TESTCHILD\r",
            msh + "PID|1|9990000018|||TESTCHILD||||||||||||||||||||||||||||01\r",
            msh + "PID|1||||||||||||||||||9990000018\rPV1|1\r",
            msh.replace("|2.4", "|2.2") + "EVN|A04\rPID|1||9990000018^^^NHS^NH||TESTCHILD^^^^^^L\rPV1||E|\r",
            msh + "PID|1||9990000018^^^NHS^NH||TESTCHILD||20150302|U\rZU1|1|anything^goes\rPV1|1|O|CLINIC\r",
            msh + "PID|1||9990000018^^^NHS^NH||  ||\rPV1|1|E|   \r",
        };
        for (String message : messages) {
            assertThat(bothWays(message.getBytes(StandardCharsets.UTF_8))).isEqualTo("same");
        }
        assertThat(bothWays((msh.replace("^~\\&", "^~\\&#") + "PID|1||9990000018^^^NHS^NH\r")
                .getBytes(StandardCharsets.UTF_8))).as("five encoding characters: HAPI's to judge")
                .isIn("declined", "unreadable");
        assertThat(bothWays((msh + "pid|1||9990000018^^^NHS^NH\r").getBytes(StandardCharsets.UTF_8)))
                .as("a segment name HAPI must judge").isEqualTo("declined");
    }
}

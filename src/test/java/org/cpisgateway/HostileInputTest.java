package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Broken and hostile input over real sockets on loopback, bounded in count and time. Each case gets its documented
 * answer (README "Hostile input") and after each one the gateway still answers a normal attendance.
 */
class HostileInputTest {

    static RunningGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = RunningGateway.start("cpis.mllp.frame-timeout-ms", "3000", "cpis.mllp.idle-timeout-ms", "2000",
                "cpis.mllp.receive-timeout-ms", "500");
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    @AfterEach
    void stillServing() throws Exception {
        List<String> acks = Mllp.exchange(gateway.mllpPort,
                Mllp.frame(Hl7Messages.a04(Hl7Messages.newControlId(), "9990000018").getBytes(StandardCharsets.UTF_8)),
                1, StandardCharsets.UTF_8);
        assertThat(acks).hasSize(1);
        assertThat(AckText.of(acks.get(0)).field("ZCS", 1)).isEqualTo("FLAGGED");
    }

    static AckText one(byte[] frameBytes) throws IOException {
        List<String> acks = Mllp.exchange(gateway.mllpPort, frameBytes, 1, StandardCharsets.ISO_8859_1, 30_000);
        assertThat(acks).as("one ACK").hasSize(1);
        AckText ack = AckText.of(acks.get(0));
        assertThat(ack.field("MSA", 1)).isIn("AA", "AE", "AR");
        return ack;
    }

    @Test
    void randomBytesInFramesGetAnArEach() throws Exception {
        Random random = new Random(7);
        for (int i = 0; i < 30; i++) {
            byte[] junk = new byte[1 + random.nextInt(5000)];
            random.nextBytes(junk);
            for (int j = 0; j < junk.length; j++) {
                if (junk[j] == 0x0b || junk[j] == 0x1c) {
                    junk[j] = 'x';
                }
            }
            AckText ack = one(Mllp.frame(junk));
            assertThat(ack.field("MSA", 1)).isEqualTo("AR");
            assertThat(ack.all("ERR")).hasSize(1);
        }
    }

    @Test
    void emptyAndTinyFramesGetAnAr() throws Exception {
        for (String s : List.of("", "M", "MSH", "MSH|")) {
            assertThat(one(Mllp.frame(s.getBytes(StandardCharsets.US_ASCII))).field("MSA", 1)).isEqualTo("AR");
        }
    }

    @Test
    void bytesOutsideAnyFrameAreSkippedAndTheNextFrameAnswered() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        b.write(Mllp.frame(Hl7Messages.a04("OOB1", "9990000069").getBytes(StandardCharsets.UTF_8)));
        AckText ack = one(b.toByteArray());
        assertThat(ack.field("MSA", 2)).isEqualTo("OOB1");
    }

    @Test
    void brokenMsh2NulBytesAndInvalidCharsetGetAnAnswer() throws Exception {
        assertThat(one(Mllp.frame("MSH|^~|A|B|C|D|||ADT^A04|X1|P|2.4\rPID|1".getBytes(StandardCharsets.US_ASCII)))
                .field("MSA", 1)).isEqualTo("AR");
        String withNul = Hl7Messages.a04("NUL1", "9990000069").replace("TESTCHILD", "TEST\0CHILD");
        assertThat(one(Mllp.frame(withNul.getBytes(StandardCharsets.UTF_8))).field("MSA", 2)).isEqualTo("NUL1");
        String badCharset = Hl7Messages.a04("CS1", "9990000018").replace("|GBR\r", "|GBR|NO-SUCH-CHARSET\r");
        AckText ack = one(Mllp.frame(badCharset.getBytes(StandardCharsets.UTF_8)));
        assertThat(ack.field("MSA", 1)).isEqualTo("AA");
        assertThat(ack.field("ZCS", 1)).isEqualTo("FLAGGED"); // read with the default charset
    }

    @Test
    void deepNestingOfDelimitersIsAnswered() throws Exception {
        String nested = "^&~".repeat(200_000);
        String msg = Hl7Messages.a04("DEEP1", "9990000069").replace("TESTCHILD^ROBIN", nested);
        assertThat(one(Mllp.frame(msg.getBytes(StandardCharsets.UTF_8))).field("MSA", 2)).isEqualTo("DEEP1");
    }

    @Test
    void aTenMegabyteFrameIsAnswered() throws Exception {
        String big = "X".repeat(10 * 1024 * 1024);
        String msg = Hl7Messages.a04("BIG1", "9990000069").replace("\rPV1|", "\rNTE|1||" + big + "\rPV1|");
        AckText ack = one(Mllp.frame(msg.getBytes(StandardCharsets.UTF_8)));
        assertThat(ack.field("MSA", 2)).isEqualTo("BIG1");
        assertThat(ack.field("ZCS", 1)).isEqualTo("NOT_FLAGGED");
    }

    @Test
    void aFrameLargerThanTheLimitClosesTheConnectionUnanswered() throws Exception {
        byte[] huge = new byte[17 * 1024 * 1024]; // over the default 16 MiB cpis.mllp.max-frame-bytes
        java.util.Arrays.fill(huge, (byte) 'Y');
        byte[] start = "MSH|^~\\&|A|B|C|D|||ADT^A04|HUGE|P|2.4\r".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(start, 0, huge, 0, start.length);
        try (Socket s = new Socket("127.0.0.1", gateway.mllpPort)) {
            s.setSoTimeout(20_000);
            try {
                s.getOutputStream().write(Mllp.frame(huge));
            } catch (IOException closedWhileWriting) {
                // expected: the gateway closed the connection
            }
            assertThat(readToEnd(s.getInputStream())).as("no ACK").isEmpty();
        }
    }

    @Test
    void aFrameWithoutAnEndBlockIsCutOffAfterTheFrameTimeout() throws Exception {
        try (Socket s = new Socket("127.0.0.1", gateway.mllpPort)) {
            s.setSoTimeout(15_000);
            s.getOutputStream().write(("\u000bMSH|^~\\&|A|B|C|D|||ADT^A04|NOEND|P|2.4\r")
                    .getBytes(StandardCharsets.US_ASCII));
            long t = System.currentTimeMillis();
            assertThat(readToEnd(s.getInputStream())).isEmpty();
            System.out.println("frame without end block: connection closed after "
                    + (System.currentTimeMillis() - t) + " ms");
        }
    }

    @Test
    void aSenderTricklingOneByteAtATimeIsCutOff() throws Exception {
        byte[] frame = Mllp.frame(Hl7Messages.a04("SLOW1", "9990000069").getBytes(StandardCharsets.UTF_8));
        try (Socket s = new Socket("127.0.0.1", gateway.mllpPort)) {
            s.setSoTimeout(15_000);
            boolean cut = false;
            for (int i = 0; i < 40 && !cut; i++) { // a byte every 250 ms: 10 s of trickle at most
                try {
                    s.getOutputStream().write(frame[i]);
                    s.getOutputStream().flush();
                    Waiting.pace(Duration.ofMillis(250)); // the trickler's pace
                } catch (IOException closed) {
                    cut = true;
                }
            }
            if (!cut) {
                assertThat(readToEnd(s.getInputStream())).isEmpty();
            }
        }
    }

    @Test
    void anIdleConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        try (Socket s = new Socket("127.0.0.1", gateway.mllpPort)) {
            s.setSoTimeout(15_000);
            long t = System.currentTimeMillis();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            System.out.println("idle connection closed after " + (System.currentTimeMillis() - t) + " ms");
        }
    }

    @Test
    void twoHundredConnectionsAtOnceAreAllAnswered() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(200);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String id = "MANY" + i;
                // from ten addresses: one address may hold cpis.mllp.max-connections-per-address (32) of them
                java.net.InetAddress from = java.net.InetAddress.getByName("127.0.1." + (1 + i % 10));
                results.add(pool.submit(() -> {
                    try (Socket s = new Socket(java.net.InetAddress.getLoopbackAddress(), gateway.mllpPort, from, 0)) {
                        s.setSoTimeout(30_000);
                        s.getOutputStream().write(Mllp.frame(Hl7Messages.a04(id, "9990000069")
                                .getBytes(StandardCharsets.UTF_8)));
                        return AckText.of(Mllp.readFrames(s.getInputStream(), 1, StandardCharsets.UTF_8).get(0))
                                .field("MSA", 2);
                    }
                }));
            }
            for (int i = 0; i < 200; i++) {
                assertThat(results.get(i).get()).isEqualTo("MANY" + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void batchEnvelopesAreRejected() throws Exception {
        String batch = "FHS|^~\\&|PAS|R9Z01\rBHS|^~\\&|PAS|R9Z01\r" + Hl7Messages.a04("B1", "9990000069")
                + "BTS|1\rFTS|1\r";
        AckText ack = one(Mllp.frame(batch.getBytes(StandardCharsets.UTF_8)));
        assertThat(ack.field("MSA", 1)).isEqualTo("AR");
        assertThat(ack.field("ERR", 8)).contains("Batch");
    }

    static byte[] readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            for (int b; (b = in.read()) != -1; ) {
                out.write(b);
            }
        } catch (java.net.SocketException reset) {
            // connection reset by the gateway: also an end
        }
        return out.toByteArray();
    }
}

package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The MLLP listener's budgets against hostile senders on real sockets: connections per address and in all, idle
 * connections making room, a frame's time counted from its start block, the memory frames in progress hold together,
 * repetitions of the NHS number field. Each limit hit is refused or closed, counted in the metrics, and a PAS keeps
 * being answered.
 */
class MllpBudgetsTest {

    static RunningGateway gateway;
    final List<Socket> opened = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        gateway = RunningGateway.start(
                "cpis.mllp.max-connections", "12",
                "cpis.mllp.max-connections-per-address", "6",
                "cpis.mllp.evict-idle-after-ms", "1000",
                "cpis.mllp.frame-timeout-ms", "2000",
                "cpis.mllp.receive-timeout-ms", "500",
                "cpis.mllp.idle-timeout-ms", "60000",
                "cpis.mllp.frame-memory-bytes", String.valueOf(8 * 1024 * 1024),
                "cpis.mllp.max-field-repetitions", "100");
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    @AfterEach
    void closeAndStillServe() throws Exception {
        for (Socket s : opened) {
            s.close();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> openConnections() == 0);
        assertThat(a04From("127.0.0.1").field("ZCS", 1)).isEqualTo("FLAGGED");
    }

    private Socket connect(String from) throws IOException {
        Socket s = new Socket(InetAddress.getByName("127.0.0.1"), gateway.mllpPort, InetAddress.getByName(from), 0);
        s.setSoTimeout(15_000);
        opened.add(s);
        return s;
    }

    private static AckText a04From(String from) throws IOException {
        try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), gateway.mllpPort, InetAddress.getByName(from), 0)) {
            s.setSoTimeout(15_000);
            s.getOutputStream().write(Mllp.frame(Hl7Messages.a04(Hl7Messages.newControlId(), "9990000018")
                    .getBytes(StandardCharsets.UTF_8)));
            List<String> acks = Mllp.readFrames(s.getInputStream(), 1, StandardCharsets.UTF_8);
            assertThat(acks).as("an ACK").hasSize(1);
            return AckText.of(acks.get(0));
        }
    }

    /** Reads until the gateway closes the connection (or a reset): true when it did within {@code seconds}. */
    private static boolean closedByGateway(Socket s, int seconds) throws IOException {
        s.setSoTimeout(seconds * 1000);
        try {
            InputStream in = s.getInputStream();
            while (in.read() >= 0) {
                // an ACK or nothing: read on to the close
            }
            return true;
        } catch (java.net.SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private static double metric(String name, String reason) throws Exception {
        String text = Http.get(gateway.httpPort, "/observe/metrics").body();
        Matcher m = java.util.regex.Pattern.compile("(?m)^" + name + "\\{[^}]*reason=\"" + reason + "\"[^}]*} (\\S+)$")
                .matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static int openConnections() throws Exception {
        String text = Http.get(gateway.httpPort, "/observe/metrics").body();
        Matcher m = java.util.regex.Pattern.compile("(?m)^cpis_mllp_connections_open\\S* (\\S+)$").matcher(text);
        return m.find() ? (int) Double.parseDouble(m.group(1)) : -1;
    }

    @Test
    void oneAddressCannotTakeEverySlot() throws Exception {
        double before = metric("cpis_mllp_closed_total", "per-address");
        for (int i = 0; i < 6; i++) {
            connect("127.0.0.2");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> openConnections() == 6);
        Socket seventh = connect("127.0.0.2");
        assertThat(closedByGateway(seventh, 5)).as("the seventh connection from one address is refused").isTrue();
        assertThat(a04From("127.0.0.3").field("MSA", 1)).as("another address is served").isEqualTo("AA");
        assertThat(metric("cpis_mllp_closed_total", "per-address")).isEqualTo(before + 1);
    }

    @Test
    void idleConnectionsMakeRoomWhenEverySlotIsTaken() throws Exception {
        for (int i = 0; i < 12; i++) {
            connect("127.0.0." + (10 + i / 6));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> openConnections() == 12);
        // the slots must have been idle longer than cpis.mllp.evict-idle-after-ms (1 s), and idleness is only a time
        // that passes: 1.5 s of it, and none closed meanwhile (they make room only when a PAS needs it)
        Waiting.holdsFor(Duration.ofMillis(1500), "every slot taken and idle", () -> openConnections() == 12);
        assertThat(a04From("127.0.0.4").field("MSA", 1)).as("a PAS gets in although every slot was taken")
                .isEqualTo("AA");
        assertThat(metric("cpis_mllp_closed_total", "evicted-idle")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aTrickledFrameIsCutAtTheFrameTimeoutCountedFromItsStart() throws Exception {
        Socket trickler = connect("127.0.0.5");
        byte[] frame = Mllp.frame(Hl7Messages.a04("TRICKLE", "9990000069").getBytes(StandardCharsets.UTF_8));
        CompletableFuture<Long> cutAfter = CompletableFuture.supplyAsync(() -> {
            long start = System.nanoTime();
            try {
                return closedByGateway(trickler, 15) ? TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) : -1L;
            } catch (IOException e) {
                return -2L;
            }
        });
        OutputStream out = trickler.getOutputStream();
        // a byte every 200 ms, well inside the 500 ms receive time-out: the read never goes quiet
        for (int i = 0; i < 50 && !cutAfter.isDone(); i++) {
            try {
                out.write(frame[i]);
                out.flush();
            } catch (IOException closed) {
                break;
            }
            Waiting.pace(Duration.ofMillis(200)); // the trickler's pace
        }
        long millis = cutAfter.get(15, TimeUnit.SECONDS);
        assertThat(millis).as("closed while the sender was still trickling, at the 2 s frame time-out")
                .isBetween(1500L, 4000L);
        assertThat(metric("cpis_mllp_closed_total", "frame-timeout")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void framesInProgressShareOneMemoryBudget() throws Exception {
        double before = metric("cpis_mllp_closed_total", "frame-memory");
        byte[] threeMiB = new byte[3 * 1024 * 1024];
        java.util.Arrays.fill(threeMiB, (byte) 'Y');
        byte[] start = "\u000bMSH|^~\\&|A|B|C|D|||ADT^A04|BIG|P|2.4\r".getBytes(StandardCharsets.US_ASCII);
        List<Socket> senders = new ArrayList<>();
        for (int i = 0; i < 5; i++) { // 15 MiB of frames without an end block, against a budget of 8 MiB
            Socket s = connect("127.0.0." + (20 + i));
            senders.add(s);
            try {
                s.getOutputStream().write(start);
                s.getOutputStream().write(threeMiB);
            } catch (IOException closed) {
                // this one was closed while writing: the budget was taken
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> metric("cpis_mllp_closed_total", "frame-memory") > before);
        String metrics = Http.get(gateway.httpPort, "/observe/metrics").body();
        Matcher used = java.util.regex.Pattern.compile("(?m)^cpis_mllp_frame_memory\\S* (\\S+)$").matcher(metrics);
        assertThat(used.find()).isTrue();
        assertThat(Double.parseDouble(used.group(1))).isLessThanOrEqualTo(8 * 1024 * 1024);
        assertThat(a04From("127.0.0.30").field("MSA", 1)).as("a PAS is served meanwhile").isEqualTo("AA");
        for (Socket s : senders) {
            s.close();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Matcher m = java.util.regex.Pattern.compile("(?m)^cpis_mllp_frame_memory\\S* (\\S+)$")
                    .matcher(Http.get(gateway.httpPort, "/observe/metrics").body());
            return m.find() && Double.parseDouble(m.group(1)) == 0;
        });
    }

    @Test
    void manyRepetitionsOfPid3AreRefusedWithoutReadingThem() throws Exception {
        StringBuilder pid3 = new StringBuilder();
        for (int i = 0; i < 8000; i++) {
            pid3.append(i == 0 ? "" : "~").append("X").append(i).append("^^^PAS^MR");
        }
        pid3.append("~9990000018^^^NHS^NH");
        String message = Hl7Messages.a04("REPS", "R9Z01", "ED", pid3.toString());
        List<String> acks = Mllp.exchange(gateway.mllpPort, Mllp.frame(message.getBytes(StandardCharsets.UTF_8)), 1,
                StandardCharsets.UTF_8, 15_000);
        AckText ack = AckText.of(acks.get(0));
        assertThat(ack.field("MSA", 1)).isEqualTo("AR");
        assertThat(ack.field("ERR", 8)).contains("PID-3 repeats 8002 times"); // with the sender's own MR number

        StringBuilder few = new StringBuilder();
        for (int i = 0; i < 98; i++) { // 100 repetitions with the NHS number and the MR number
            few.append("X").append(i).append("^^^PAS^MR~");
        }
        few.append("9990000018^^^NHS^NH");
        AckText fine = AckText.of(Mllp.exchange(gateway.mllpPort, Mllp.frame(Hl7Messages.a04("REPS2", "R9Z01", "ED",
                few.toString()).getBytes(StandardCharsets.UTF_8)), 1, StandardCharsets.UTF_8, 15_000).get(0));
        assertThat(fine.field("ZCS", 1)).isEqualTo("FLAGGED");
    }

    @Test
    void aConnectionsLaterLinesDoNotCarryTheLastMessagesCorrelationId() throws Exception {
        String controlId = "CORR" + Hl7Messages.newControlId();
        try (Socket s = connect("127.0.0.6")) {
            s.getOutputStream().write(Mllp.frame(Hl7Messages.a04(controlId, "9990000069")
                    .getBytes(StandardCharsets.UTF_8)));
            assertThat(Mllp.readFrames(s.getInputStream(), 1, StandardCharsets.UTF_8)).hasSize(1);
            s.getOutputStream().write("stray bytes outside any frame".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(Mllp.frame(Hl7Messages.a04(Hl7Messages.newControlId(), "9990000069")
                    .getBytes(StandardCharsets.UTF_8)));
            assertThat(Mllp.readFrames(s.getInputStream(), 1, StandardCharsets.UTF_8)).hasSize(1);
        }
        String log = java.nio.file.Files.readString(LogPrivacy.LOG, StandardCharsets.UTF_8);
        assertThat(log).contains("Discarding 29 bytes received outside any MLLP frame");
        assertThat(log.lines().filter(l -> l.contains("Discarding 29 bytes")))
                .noneMatch(l -> l.contains(controlId));
    }
}

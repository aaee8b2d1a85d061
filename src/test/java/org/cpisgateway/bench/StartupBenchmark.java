package org.cpisgateway.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.cpisgateway.GatewayProcess;
import org.cpisgateway.Mllp;
import org.cpisgateway.TestFolders;

/**
 * How long the gateway takes to answer, from the moment its process starts: the gateway as its own process with the
 * release launcher's JVM options ({@link GatewayProcess}), embedded store and broker, and a prober that connects
 * every 10 ms and sends an A04 until an AA comes back (an answer other than AA, or none, is not the first ACK).
 * <ul>
 *   <li><b>start to first ACK</b>: demo data, a new data folder each run (the store created and migrated, the
 *   broker's journal created, the demo plans loaded: the longest ordinary start), then after a SIGTERM the same
 *   folder again (an ordinary restart); target 5 s;</li>
 *   <li><b>SIGKILL under load, restart, first ACK</b>: a national-size store ({@code --plans}, {@code --accesses};
 *   {@code --store-dir} keeps it loaded between runs, as {@link GatewayBenchmark}'s), {@code --connections} PAS
 *   connections sending for {@code --load-seconds}, then SIGKILL, and the time from the new process's start to its
 *   first AA (what it finds to recover in its store and broker journal included); target 10 s.</li>
 * </ul>
 * <pre>
 * mvn -q -Pbench test-compile exec:java -Dexec.mainClass=org.cpisgateway.bench.StartupBenchmark \
 *     -Dexec.args="--runs=3 --store-dir=/tmp/cpis-kept-150k"
 * </pre>
 * Each figure is judged on its slowest run. {@code --only=start} or {@code --only=kill} runs one of the two.
 */
public final class StartupBenchmark {

    static final double START_TARGET_SECONDS = 5;
    static final double RESTART_TARGET_SECONDS = 10;

    private StartupBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("logback.configurationFile", "conf/logback.xml");
        Map<String, String> o = GatewayBenchmark.options(args);
        int runs = Integer.parseInt(o.getOrDefault("runs", "3"));
        String only = o.getOrDefault("only", "start,kill");
        List<double[]> lines = new ArrayList<>();
        List<String> names = new ArrayList<>();
        if (only.contains("start")) {
            double[] fresh = new double[runs];
            double[] again = new double[runs];
            for (int i = 0; i < runs; i++) {
                Path data = TestFolders.temporary("cpis-startup");
                try (GatewayProcess gateway = new GatewayProcess(data)) {
                    long launched = System.nanoTime();
                    gateway.launch();
                    fresh[i] = firstAck(gateway, launched, demoA04());
                    gateway.stop(); // SIGTERM, then the same folder again: an ordinary restart
                    launched = System.nanoTime();
                    gateway.launch();
                    again[i] = firstAck(gateway, launched, demoA04());
                    System.out.printf(Locale.ROOT, "start to first ACK, run %d: new folder %.2f s, same folder again "
                            + "%.2f s%n", i + 1, fresh[i], again[i]);
                    gateway.stop();
                }
            }
            lines.add(fresh);
            names.add("start to first ACK (demo data, new folder)");
            lines.add(again);
            names.add("start to first ACK (demo data, after SIGTERM)");
        }
        GatewayBenchmark.Workload national = null;
        if (only.contains("kill")) {
            int plans = Integer.parseInt(o.get("plans"));
            int accesses = Integer.parseInt(o.get("accesses"));
            double[] shares = {Double.parseDouble(o.get("child-share")), Double.parseDouble(o.get("flagged-share")),
                    Double.parseDouble(o.get("scheduled-share")), 0}; // the probe and the load: no malformed ones
            Path data = TestFolders.temporary("cpis-restart");
            national = o.containsKey("store-dir")
                    ? KeptStore.copyInto(Path.of(o.get("store-dir")), data.resolve("store"), plans, accesses, shares)
                    : GatewayBenchmark.Workload.prepare("jdbc:h2:file:" + data.resolve("store/cpis").toAbsolutePath()
                            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH", "sa", plans,
                            accesses, shares[0], shares[1], shares[2], shares[3]);
            int connections = Integer.parseInt(o.get("connections"));
            int loadSeconds = Integer.parseInt(o.getOrDefault("load-seconds", "10"));
            double[] restart = new double[runs];
            try (GatewayProcess gateway = new GatewayProcess(data, "cpis.demo.enabled", "false")) {
                long launched = System.nanoTime();
                gateway.launch();
                System.out.printf(Locale.ROOT, "kill-and-restart store, first start to first ACK: %.2f s%n",
                        firstAck(gateway, launched, national.next(new Random())));
                for (int i = 0; i < runs; i++) {
                    long acked = loadThenKill(gateway, connections, loadSeconds, national);
                    launched = System.nanoTime();
                    gateway.launch();
                    restart[i] = firstAck(gateway, launched, national.next(new Random()));
                    System.out.printf(Locale.ROOT, "SIGKILL after %d ACKs in %d s, restart to first ACK, run %d: "
                            + "%.2f s%n", acked, loadSeconds, i + 1, restart[i]);
                }
                gateway.stop();
            }
            lines.add(restart);
            names.add("SIGKILL under load -> restart -> first ACK");
        }

        System.out.printf("%n%-46s %5s %8s %8s %8s %8s%n", "start-up (release JVM options)", "runs", "min s",
                "median s", "max s", "target");
        for (int i = 0; i < lines.size(); i++) {
            double[] t = lines.get(i).clone();
            java.util.Arrays.sort(t);
            double target = names.get(i).startsWith("start") ? START_TARGET_SECONDS : RESTART_TARGET_SECONDS;
            System.out.printf(Locale.ROOT, "%-46s %5d %8.2f %8.2f %8.2f %8s  %s%n", names.get(i), t.length, t[0],
                    t[t.length / 2], t[t.length - 1], "≤ " + (int) target + " s",
                    t[t.length - 1] <= target ? "met" : "NOT MET");
        }
        System.out.println("(from the process's start to the first AA over MLLP; judged on the slowest run)");
        if (national != null) {
            System.out.printf("(the store killed and restarted: %d plans, %d access records, embedded H2 and broker)%n",
                    national.planCount, national.accessCount);
        }
        System.exit(0);
    }

    /** An A04 for the demo's flagged child (a new control ID each time). */
    private static byte[] demoA04() {
        return org.cpisgateway.Hl7Messages.a04("S" + System.nanoTime(), "9990000018")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Seconds from {@code launched} (System.nanoTime) until an AA comes back for {@code a04}. */
    static double firstAck(GatewayProcess gateway, long launched, byte[] a04) throws Exception {
        long deadline = launched + TimeUnit.SECONDS.toNanos(120);
        byte[] frame = Mllp.frame(a04);
        while (System.nanoTime() < deadline) {
            if (!ProcessHandle.of(gateway.pid()).map(ProcessHandle::isAlive).orElse(false)) {
                throw new IllegalStateException("the gateway exited while starting:\n" + gateway.logTail(30));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", gateway.mllpPort), 1000);
                s.setSoTimeout(10_000);
                s.getOutputStream().write(frame);
                s.getOutputStream().flush();
                List<String> ack = Mllp.readFrames(s.getInputStream(), 1, StandardCharsets.ISO_8859_1);
                if (!ack.isEmpty() && ack.get(0).contains("MSA|AA|")) {
                    return (System.nanoTime() - launched) / 1e9;
                }
            } catch (IOException notYet) {
                // not listening yet, or it closed the connection while starting: try again
            }
            org.cpisgateway.Waiting.pace(java.time.Duration.ofMillis(10)); // the prober's pace between tries
        }
        throw new IllegalStateException("no AA within 120 s:\n" + gateway.logTail(30));
    }

    /** Closed-loop load on {@code connections} connections, SIGKILL after {@code seconds}; the ACKs it got. */
    static long loadThenKill(GatewayProcess gateway, int connections, int seconds,
                             GatewayBenchmark.Workload w) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong acked = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            Random random = new Random(c * 7919L + System.nanoTime());
            Thread t = new Thread(() -> {
                try (Socket s = new Socket("127.0.0.1", gateway.mllpPort)) {
                    s.setTcpNoDelay(true);
                    s.setSoTimeout(30_000);
                    OutputStream out = s.getOutputStream();
                    InputStream in = new java.io.BufferedInputStream(s.getInputStream(), 65536);
                    while (running.get()) {
                        out.write(Mllp.frame(w.next(random)));
                        out.flush();
                        if (Mllp.readFrames(in, 1, StandardCharsets.ISO_8859_1).isEmpty()) {
                            return;
                        }
                        acked.incrementAndGet();
                    }
                } catch (IOException cut) {
                    // the SIGKILL cut the connection: expected
                }
            }, "pas-" + c);
            t.start();
            threads.add(t);
        }
        org.cpisgateway.Waiting.pace(java.time.Duration.ofSeconds(seconds)); // the load's length, then the kill
        gateway.kill(); // under load: the connections are still sending
        running.set(false);
        for (Thread t : threads) {
            t.join();
        }
        return acked.get();
    }
}

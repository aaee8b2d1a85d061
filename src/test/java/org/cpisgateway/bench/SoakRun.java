package org.cpisgateway.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.cpisgateway.GatewayProcess;
import org.cpisgateway.Hl7Messages;
import org.cpisgateway.Mllp;
import org.cpisgateway.TestFolders;

/**
 * A soak: the gateway as it ships (its own process, the release launcher's JVM options, embedded store and broker,
 * demo data) under a realistic mixed load for a long run, with a year compressed into it: the journal keeps 5 minutes
 * and retention runs every minute, an authority uploads plans every minute (and deletes the previous minute's), the
 * care settings table is edited every five minutes, and the gateway is stopped (SIGTERM) and started again half-way.
 * Every minute it samples what must plateau: RSS, heap after a full collection, threads, open files, the store's,
 * the broker's and the logs' size on disk. Prints the table and writes {@code target/bench/soak.csv}.
 *
 * <pre>
 * mvn -q -Pbench test-compile exec:java -Dexec.mainClass=org.cpisgateway.bench.SoakRun -Dexec.args="--minutes=30"
 * </pre>
 * Options: {@code --minutes} (30), {@code --rate} attendances a second over four PAS connections (30; a busy trust
 * sends fewer than 10), {@code --flagged-share} (0.1).
 */
public final class SoakRun {

    private static final String FLAGGED = "9990000018"; // demo CPP, LA901
    private static final List<String> NOT_FLAGGED = List.of("9990000069", "9990000042"); // none; ended long ago

    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong notified = new AtomicLong();
    private final AtomicLong uploads = new AtomicLong();
    private volatile boolean restarting;

    public static void main(String[] args) throws Exception {
        Map<String, String> o = GatewayBenchmark.options(args);
        int minutes = Integer.parseInt(o.getOrDefault("minutes", "30"));
        double rate = Double.parseDouble(o.getOrDefault("rate", "30"));
        double flaggedShare = Double.parseDouble(o.getOrDefault("flagged-share", "0.1"));
        new SoakRun().run(minutes, rate, flaggedShare);
        System.exit(0);
    }

    void run(int minutes, double rate, double flaggedShare) throws Exception {
        Path data = TestFolders.temporary("cpis-soak");
        Path mappings = Files.createDirectories(data.resolve("mappings"));
        try (Stream<Path> tables = Files.list(Path.of("mappings"))) {
            for (Path table : tables.toList()) {
                Files.copy(table, mappings.resolve(table.getFileName()));
            }
        }
        GatewayProcess gateway = new GatewayProcess(data.resolve("gateway"), "cpis.mappings.dir", mappings.toString(),
                "cpis.journal.retention-minutes", "5", "cpis.retention.interval-ms", "60000",
                "cpis.reload.enabled", "true").start();
        ScheduledExecutorService load = Executors.newScheduledThreadPool(8);
        long periodMicros = (long) (4_000_000 / rate); // four connections share the rate
        for (int c = 0; c < 4; c++) {
            int connection = c;
            load.submit(() -> pas(gateway, connection, periodMicros, flaggedShare));
        }
        load.submit(() -> authority(gateway));
        load.scheduleAtFixedRate(() -> upload(gateway), 30, 60, TimeUnit.SECONDS);
        load.scheduleAtFixedRate(() -> editCareSettings(mappings), 5, 5, TimeUnit.MINUTES);

        List<String> rows = new ArrayList<>();
        rows.add("minute,sent,acked,notified,uploads,rss_mb,heap_after_gc_mb,threads,open_files,store_mb,broker_mb,"
                + "logs_mb");
        System.out.printf("%6s %9s %9s %9s %7s %7s %8s %7s %6s %8s %9s %7s%n", "minute", "sent", "acked",
                "notified", "uploads", "rss_mb", "heap_mb", "threads", "files", "store_mb", "broker_mb", "logs_mb");
        for (int minute = 1; minute <= minutes; minute++) {
            Thread.sleep(60_000); // the sampling period: a benchmark paces itself by the clock
            if (minute == minutes / 2) {
                restarting = true;
                gateway.stop(); // SIGTERM, as systemd stops it
                gateway.start();
                restarting = false;
                System.out.println("-- stopped (SIGTERM) and started again --");
            }
            long pid = gateway.pid();
            String row = String.join(",", String.valueOf(minute), String.valueOf(sent.get()),
                    String.valueOf(acked.get()), String.valueOf(notified.get()), String.valueOf(uploads.get()),
                    String.valueOf(GatewayBenchmark.Resources.rssMb(pid)),
                    String.valueOf(GatewayBenchmark.Resources.heapAfterGcMb(pid)), String.valueOf(threads(pid)),
                    String.valueOf(openFiles(pid)), String.valueOf(mb(data.resolve("gateway/store"))),
                    String.valueOf(mb(data.resolve("gateway/broker"))), String.valueOf(mb(data.resolve("gateway/logs"))));
            rows.add(row);
            System.out.printf("%6s %9s %9s %9s %7s %7s %8s %7s %6s %8s %9s %7s%n", (Object[]) row.split(","));
        }
        load.shutdownNow();
        gateway.close();
        Files.createDirectories(Path.of("target/bench"));
        Files.write(Path.of("target/bench/soak.csv"), rows, StandardCharsets.UTF_8);
        System.out.printf("soak: %d minutes at %.0f attendances/s (%.0f%% flagged), uploads every minute, care settings "
                + "edited every 5 minutes, journal kept 5 minutes, SIGTERM and restart at minute %d%n", minutes, rate,
                flaggedShare * 100, minutes / 2);
    }

    /** One PAS connection at a fixed rate; reconnects when the gateway restarts. */
    private void pas(GatewayProcess gateway, int connection, long periodMicros, double flaggedShare) {
        java.util.Random random = new java.util.Random(connection);
        long next = System.nanoTime();
        while (!Thread.currentThread().isInterrupted()) {
            try (Socket s = new Socket("127.0.0.1", gateway.mllpPort)) {
                s.setSoTimeout(30_000);
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                while (!Thread.currentThread().isInterrupted()) {
                    next += periodMicros * 1000;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    String nhs = random.nextDouble() < flaggedShare ? FLAGGED
                            : NOT_FLAGGED.get(random.nextInt(NOT_FLAGGED.size()));
                    out.write(Mllp.frame(Hl7Messages.a04(Hl7Messages.newControlId(), nhs)
                            .getBytes(StandardCharsets.UTF_8)));
                    sent.incrementAndGet();
                    if (!Mllp.readFrames(in, 1, StandardCharsets.UTF_8).isEmpty()) {
                        acked.incrementAndGet();
                    }
                }
            } catch (InterruptedException stop) {
                return;
            } catch (IOException | RuntimeException dropped) {
                next = System.nanoTime();
                pause(restarting ? 500 : 100); // the gateway restarting: connect again
            }
        }
    }

    /** LA901's system: takes its notifications and its upload reports as they come. */
    private void authority(GatewayProcess gateway) {
        while (!Thread.currentThread().isInterrupted()) {
            try (JMSContext jms = connect(gateway);
                 JMSConsumer notifications = jms.createConsumer(jms.createQueue("cpis.notify.LA901"));
                 JMSConsumer reports = jms.createConsumer(jms.createQueue("cpis.upload.LA901.response"))) {
                while (!Thread.currentThread().isInterrupted()) {
                    if (notifications.receive(200) != null) {
                        notified.incrementAndGet();
                    }
                    while (reports.receiveNoWait() != null) {
                        uploads.incrementAndGet();
                    }
                }
            } catch (RuntimeException brokerAway) {
                pause(1000);
            }
        }
    }

    private int uploadRound;

    /** 200 plans of synthetic children, and the previous round's 200 deleted: the plan table stays its size. */
    private void upload(GatewayProcess gateway) {
        StringBuilder csv = new StringBuilder("nhs_number,plan_type,start_date,end_date,action\n");
        String today = java.time.LocalDate.now().toString();
        int round = uploadRound++;
        for (int i = 0; i < 200; i++) {
            String added = number(round, i);
            if (added != null) {
                csv.append(added).append(",CPP,").append(today).append(",,\n");
            }
            String removed = round > 0 ? number(round - 1, i) : null;
            if (removed != null) {
                csv.append(removed).append(",CPP,").append(today).append(",,DELETE\n");
            }
        }
        try (JMSContext jms = connect(gateway)) {
            JMSProducer producer = jms.createProducer();
            producer.send(jms.createQueue("cpis.upload.LA901"), csv.toString());
        } catch (RuntimeException brokerAway) {
            // the gateway restarting: the next round uploads
        }
    }

    private static String number(int round, int i) {
        return org.cpisgateway.TestNhsNumbers.withCheckDigit(999_100_000L + (round % 1000) * 200L + i);
    }

    private static JMSContext connect(GatewayProcess gateway) {
        return new ActiveMQConnectionFactory("tcp://127.0.0.1:" + gateway.brokerPort)
                .createContext("la901-system", "la901-demo-password");
    }

    private int edits;

    /** A live edit of the care settings table (a comment line: the table read again, the same settings). */
    private void editCareSettings(Path mappings) {
        try {
            Files.writeString(mappings.resolve("care-settings.csv"), "# soak edit " + (++edits) + "\n",
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long threads(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("Threads:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    private static long openFiles(long pid) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return fds.count();
        }
    }

    private static long mb(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum() / (1024 * 1024);
        }
    }

    /** A pause of the load generator (its pace, a client waiting before it tries again): benchmarks may sleep. */
    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

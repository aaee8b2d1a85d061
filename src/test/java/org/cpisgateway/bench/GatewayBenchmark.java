package org.cpisgateway.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.zaxxer.hikari.HikariDataSource;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.cpisgateway.GatewayProcess;
import org.cpisgateway.Mllp;
import org.cpisgateway.TestFolders;
import org.cpisgateway.store.Database;

/**
 * Throughput and latency of the full gateway against what a trust would otherwise run, on this machine, with the
 * same connection count, in one run. Every server runs as its own process, pinned to the same CPU, with the release
 * launcher's JVM options: the bare camel-mllp listener ({@link BareMllpServer}), the durable floor (a group-committed
 * fsync before each ACK, {@link DurableFloorServer}), the store-and-forward peer (a persistent JMS send to an embedded
 * Artemis before each ACK, {@link StoreAndForwardPeer}), and the gateway (embedded store; with
 * {@code --store=postgres} also on PostgreSQL). The load generator (this JVM) waits for each ACK as a PAS does
 * (closed loop), or keeps N frames in flight per connection (pipelined), and records every round trip in an
 * HdrHistogram. Latency, CPU per message and RSS are measured at one fixed rate for every server, half of the
 * gateway's closed-loop maximum, from each message's intended send time (no coordinated omission).
 * <p>
 * Workload: A04s for a population where {@code child-share} are children, {@code flagged-share} of the children have
 * an active plan, {@code scheduled-share} attend a scheduled setting and {@code malformed-share} are garbage; the
 * store holds {@code plans} active plans and {@code accesses} access records, loaded before the run.
 * <pre>
 * mvn -q -Pbench test-compile exec:java -Dexec.args="--connections=8 --seconds=20"
 * </pre>
 * Every server is warmed up with load until its JIT compiler threads use under 5% of a CPU over 10 s (at least
 * {@code --warmup} seconds, at most {@code --max-warmup=600}).
 * Other options: {@code --warmup=10 --plans=150000 --accesses=1000000 --child-share=0.3 --flagged-share=0.02
 * --scheduled-share=0.2 --malformed-share=0.005 --pipeline=8 --gateway=key=value,key=value} (gateway properties,
 * e.g. {@code --gateway=cpis.store.sync-each-commit=false}); {@code --baselines=bare,floor,peer} (the baseline rows
 * to run, {@code none} for none); {@code --store=postgres} adds the gateway on a local PostgreSQL server (pinned with
 * the gateway), {@code --stores=postgres} runs that row alone; {@code --port=2575} only drives a gateway that is
 * already running (for profiling).
 * Prints one table with the targets and writes every phase to {@code target/bench/results.csv}.
 */
public final class GatewayBenchmark {

    private GatewayBenchmark() {
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> o = new HashMap<>(Map.of("connections", "8", "seconds", "20", "warmup", "10",
                "plans", "150000", "accesses", "1000000", "child-share", "0.3", "flagged-share", "0.02",
                "scheduled-share", "0.2", "malformed-share", "0.005", "pipeline", "8"));
        for (String a : args) {
            if (a.startsWith("--") && a.contains("=")) {
                o.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
            }
        }
        return o;
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("logback.configurationFile", "conf/logback.xml");
        Map<String, String> o = options(args);
        int connections = Integer.parseInt(o.get("connections"));
        int seconds = Integer.parseInt(o.get("seconds"));
        int warmup = Integer.parseInt(o.get("warmup"));
        int pipeline = Integer.parseInt(o.get("pipeline"));
        if (o.containsKey("port")) { // drive an already running gateway only (for profiling), demo NHS numbers
            // --plans=N: the numbers a store loaded by this benchmark (--store-dir) has plans for; else the demo's
            boolean keptStore = java.util.Arrays.stream(args).anyMatch(a -> a.startsWith("--plans="));
            Workload demo = Workload.describe(keptStore ? Integer.parseInt(o.get("plans")) : 0, 0,
                    Double.parseDouble(o.get("child-share")), Double.parseDouble(o.get("flagged-share")),
                    Double.parseDouble(o.get("scheduled-share")), Double.parseDouble(o.get("malformed-share")));
            if (!keptStore) {
                demo.flagged.add("9990000018");
            }
            // --pid=N (the gateway's process): its CPU per message and RSS are printed too
            long pid = Long.parseLong(o.getOrDefault("pid", "0"));
            // --server-cpu=N: the CPU the gateway is pinned to, for the busy shares of the row
            CpuBusy.serverCpu = Integer.parseInt(o.getOrDefault("server-cpu", "-1"));
            int port = Integer.parseInt(o.get("port"));
            if (warmup > 0) {
                closedLoop("running", port, connections, warmup, 1, demo);
            }
            long cpuBefore = pid > 0 ? Resources.cpuMillis(pid) : 0;
            // --rate=N: a fixed rate; --pipelined=true: pipelined (--pipeline frames in flight); else closed loop
            Result r = o.containsKey("rate")
                    ? fixedRate("running", port, connections, Double.parseDouble(o.get("rate")), seconds, demo, null)
                    : "true".equals(o.get("pipelined")) ? pipelined("running", port, connections, pipeline, seconds, demo)
                    : closedLoop("running", port, connections, 0, seconds, demo);
            System.out.println(String.join(" ", r.row(connections)));
            if (pid > 0) {
                System.out.printf("CPU %.0f µs/message, RSS %d MB%n",
                        (Resources.cpuMillis(pid) - cpuBefore) * 1000.0 / Math.max(1, r.messages), Resources.rssMb(pid));
            }
            System.exit(0);
        }
        // fair measurement: every server under test (the gateway, then the baselines) on the last CPU, this load
        // generator on the others, the same way for all, so the ratios compare servers and not their share of a
        // contended CPU
        String serverCpu = null;
        int cpus = Runtime.getRuntime().availableProcessors();
        if (!"false".equals(o.get("pin")) && cpus >= 2 && new java.io.File("/usr/bin/taskset").canExecute()) {
            serverCpu = String.valueOf(cpus - 1);
            String loadCpus = cpus == 2 ? "0" : "0-" + (cpus - 2);
            new ProcessBuilder("taskset", "-a", "-cp", loadCpus, String.valueOf(ProcessHandle.current().pid()))
                    .inheritIO().start().waitFor();
            System.out.printf("pinned: server under test on CPU %s, load generator on CPU %s%n", serverCpu, loadCpus);
            CpuBusy.serverCpu = cpus - 1;
        }
        // --stores=embedded,postgres: the gateway rows (--store=postgres is both); --baselines=bare,floor,peer
        List<String> stores = List.of(o.getOrDefault("stores",
                "postgres".equals(o.get("store")) ? "embedded,postgres" : "embedded").split(","));
        List<String> baselines = List.of(o.getOrDefault("baselines", "bare,floor,peer").split(","));
        Path data = TestFolders.temporary("cpis-bench");
        int plans = Integer.parseInt(o.get("plans"));
        int accesses = Integer.parseInt(o.get("accesses"));
        double[] shares = {Double.parseDouble(o.get("child-share")), Double.parseDouble(o.get("flagged-share")),
                Double.parseDouble(o.get("scheduled-share")), Double.parseDouble(o.get("malformed-share"))};
        Workload workload = null;
        if (stores.contains("embedded")) {
            if (o.containsKey("store-dir")) {
                // --store-dir=DIR: the embedded store is loaded once into DIR (a national-size one takes long), and
                // each run works on a fresh copy of it, so runs start from the same store
                workload = KeptStore.copyInto(Path.of(o.get("store-dir")), data.resolve("store"), plans, accesses,
                        shares);
            } else {
                workload = Workload.prepare("jdbc:h2:file:" + data.resolve("store/cpis").toAbsolutePath()
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH", "sa", plans, accesses,
                        shares[0], shares[1], shares[2], shares[3]);
            }
        }
        io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres = null;
        String pgUrl = null;
        if (stores.contains("postgres")) { // the store on PostgreSQL (a local server, pinned with the gateway)
            postgres = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                    .setDataDirectory(data.resolve("pg")).setCleanDataDirectory(true).start();
            pgUrl = postgres.getJdbcUrl("postgres", "postgres");
            if (serverCpu != null) {
                String postmaster = Files.readAllLines(data.resolve("pg/postmaster.pid")).get(0).trim();
                new ProcessBuilder("taskset", "-a", "-cp", serverCpu, postmaster).inheritIO().start().waitFor();
                if (autogroupOn()) {
                    System.out.println(AUTOGROUP_WARNING);
                }
            }
            Workload loaded = Workload.prepare(pgUrl, "postgres", plans, accesses, shares[0], shares[1], shares[2],
                    shares[3]);
            workload = workload == null ? loaded : workload;
            // the bulk load's aftermath before anything is measured: the vacuum and statistics autovacuum would start
            // on the loaded tables, and the checkpoint the load's log volume set off
            try (java.sql.Connection c = postgres.getPostgresDatabase().getConnection();
                 java.sql.Statement st = c.createStatement()) {
                long t = System.nanoTime();
                st.execute("VACUUM ANALYZE");
                st.execute("CHECKPOINT");
                System.out.printf("PostgreSQL vacuumed, analysed and checkpointed in %.1f s%n",
                        (System.nanoTime() - t) / 1e9);
            }
        }
        if (workload == null) {
            throw new IllegalArgumentException("--stores names no store (embedded, postgres): " + stores);
        }
        List<String> gatewayProps = new ArrayList<>(List.of("cpis.demo.enabled", "false"));
        for (String kv : o.getOrDefault("gateway", "").split(",")) {
            if (kv.contains("=")) {
                gatewayProps.add(kv.substring(0, kv.indexOf('=')));
                gatewayProps.add(kv.substring(kv.indexOf('=') + 1));
            }
        }
        Phases phases = new Phases(connections, warmup, Integer.parseInt(o.getOrDefault("max-warmup", "600")),
                seconds, pipeline,
                // --half-seconds=N: the fixed-rate phases for N seconds (default: --seconds). At half load a 15 s
                // window holds about 30 young collections, so its p99 moves with where they fall; a longer one
                // averages over more.
                Integer.parseInt(o.getOrDefault("half-seconds", String.valueOf(seconds))),
                // --half-settle=N: N seconds at the fixed rate before its window is counted (default 5). The
                // pipelined phase just before leaves queues behind (on PostgreSQL its answers were slow for the first
                // two seconds after it), and their draining is not the tail of a server at half load
                Integer.parseInt(o.getOrDefault("half-settle", "5")), workload);

        if ("true".equals(o.get("table"))) {
            try (Baseline bare = Baseline.start(BareMllpServer.class, serverCpu, data, "bare", List.of())) {
                Result bareMax = closedLoop("baseline", bare.port, connections, warmup, seconds, workload);
                bare.close();
                List<String> props = new ArrayList<>(gatewayProps);
                if (stores.get(stores.size() - 1).equals("postgres")) {
                    props.addAll(List.of("cpis.store.url", pgUrl, "cpis.store.user", "postgres"));
                }
                scalingTable(data, workload, props, serverCpu, warmup,
                        Integer.parseInt(o.getOrDefault("max-warmup", "600")), seconds, bareMax);
            }
            if (postgres != null) {
                postgres.close(); // before exit: left to its shutdown hook, it could not remove its folder
            }
            System.exit(0);
        }

        // the gateway first: half of its closed-loop maximum is the fixed rate every row is measured at
        // (--half-rate=N: that rate instead, so that runs with different settings are compared at one load)
        double commonRate = Double.parseDouble(o.getOrDefault("half-rate", "0"));
        Map<String, Row> gatewayRows = new java.util.LinkedHashMap<>();
        for (String store : stores) {
            List<String> props = new ArrayList<>(gatewayProps);
            Path dir = data;
            if (store.equals("postgres")) {
                props.addAll(List.of("cpis.store.url", pgUrl, "cpis.store.user", "postgres"));
                dir = data.resolve("gateway-on-postgres");
            }
            try (GatewayProcess gateway = new GatewayProcess(dir, props.toArray(new String[0]))) {
                gateway.pinnedTo(serverCpu).start();
                Row row = phases.measure(store.equals("postgres") ? "gateway (PostgreSQL)" : "gateway (embedded store)",
                        gateway.pid(), gateway.mllpPort, commonRate, System.getenv("CPIS_BENCH_JFR"));
                commonRate = commonRate > 0 ? commonRate : row.max.throughput / 2;
                gatewayRows.put(store, row);
                gateway.stop();
            }
        }
        Map<String, Row> baselineRows = new java.util.LinkedHashMap<>();
        Map<String, Class<?>> baselineMains = Map.of("bare", BareMllpServer.class, "floor", DurableFloorServer.class,
                "peer", StoreAndForwardPeer.class);
        Map<String, String> baselineNames = Map.of("bare", "bare MLLP", "floor", "durable floor",
                "peer", "store-and-forward peer");
        for (String b : List.of("bare", "floor", "peer")) {
            if (baselines.contains(b)) {
                // --peer-forward=false: the peer's queue is not read (paged to disk beyond its 16 MB in memory)
                List<String> extra = b.equals("peer") && "false".equals(o.get("peer-forward"))
                        ? List.of("forward=false") : List.of();
                try (Baseline server = Baseline.start(baselineMains.get(b), serverCpu, data, b, extra)) {
                    baselineRows.put(b, phases.measure(baselineNames.get(b), server.pid(), server.port, commonRate,
                            null));
                }
            }
        }

        List<Row> all = new ArrayList<>(baselineRows.values());
        all.addAll(gatewayRows.values());
        String[] header = {"server", "mode", "connections", "messages", "throughput_per_s", "p50_ms", "p90_ms", "p99_ms",
                "p999_ms", "max_ms", "server_cpu_busy_pct", "load_cpu_busy_pct"};
        Files.createDirectories(Path.of("target/bench"));
        List<String> csv = new ArrayList<>();
        csv.add(String.join(",", header));
        for (Row row : all) {
            for (Result r : List.of(row.max, row.pipe, row.half)) {
                csv.add(String.join(",", r.row(connections)));
            }
        }
        Files.write(Path.of("target/bench/results.csv"), csv);

        System.out.printf("%n%-26s %12s %12s %9s %9s %9s %7s %12s%n", "server", "closed msg/s", "pipelined",
                "p99 ms", "p99.9 ms", "CPU µs", "RSS MB", "busy srv/load");
        for (Row row : all) {
            System.out.printf(Locale.ROOT, "%-26s %12.0f %12.0f %9.2f %9.2f %9.0f %7d %12s%n", row.name,
                    row.max.throughput, row.pipe.throughput, row.p(99), row.p(99.9), row.cpuMicros, row.rssMb,
                    row.max.busy == null ? "-" : String.format(Locale.ROOT, "%.0f/%.0f%%", row.max.busy.server(),
                            row.max.busy.load()));
        }
        System.out.printf(Locale.ROOT, "(closed loop: %d connections each waiting for its ACK; pipelined: %d frames in "
                        + "flight each; p99, p99.9, CPU per message and RSS at %.0f msg/s for every row, half of the "
                        + "gateway's closed-loop maximum; busy: the server's CPU and the load generator's over the "
                        + "closed loop, a baseline far from 100%% measured the load generator)%n",
                connections, pipeline, commonRate);
        if (gatewayRows.containsKey("postgres")) {
            System.out.println("(gateway (PostgreSQL): CPU and RSS are the gateway's process; PostgreSQL's backends, on"
                    + " the same CPU, show in its busy share)");
        }
        Row floor = baselineRows.get("floor");
        Row peer = baselineRows.get("peer");
        Row bare = baselineRows.get("bare");
        for (Row gw : gatewayRows.values()) {
            System.out.printf("%n%s against the targets:%n", gw.name);
            target("closed loop / store-and-forward peer", peer == null ? null : gw.max.throughput / peer.max.throughput,
                    "x", 1.0, true);
            target("pipelined / store-and-forward peer", peer == null ? null : gw.pipe.throughput / peer.pipe.throughput,
                    "x", 1.0, true);
            target("closed loop / durable floor", floor == null ? null : 100 * gw.max.throughput / floor.max.throughput,
                    "%", 50, true);
            target("pipelined / durable floor", floor == null ? null : 100 * gw.pipe.throughput / floor.pipe.throughput,
                    "%", 50, true);
            target("p99 / durable floor's p99 at the same rate", floor == null ? null : gw.p(99) / floor.p(99), "x", 2,
                    false);
            target("CPU per message at that rate (µs)", gw.cpuMicros, "", 200, false);
            target("RSS at that rate (MB)", (double) gw.rssMb, "", 300, false);
            if (bare != null) {
                System.out.printf(Locale.ROOT, "  %-46s %.1f%% closed loop, %.1f%% pipelined (information)%n",
                        "/ bare MLLP", 100 * gw.max.throughput / bare.max.throughput,
                        100 * gw.pipe.throughput / bare.pipe.throughput);
            }
            System.out.printf("  %-46s %d MB%n", "heap after a full GC", gw.heapAfterGcMb);
        }
        if (postgres != null) {
            postgres.close();
        }
        if (postgres != null && serverCpu != null && autogroupOn()) {
            System.out.println(AUTOGROUP_WARNING);
        }
        System.out.printf("%nstore: %s, %d plans, %d access records; workload %s; %s%n", stores, workload.planCount,
                workload.accessCount, o, serverCpu == null ? "not pinned"
                        : "server pinned to CPU " + serverCpu + ", load generator to the other CPUs");
        System.exit(0);
    }

    /** One target line: the figure, the bound, met or not (or not measured, when its baseline was not run). */
    static void target(String what, Double value, String unit, double bound, boolean atLeast) {
        if (value == null) {
            System.out.printf("  %-46s not measured (its baseline was not run)%n", what);
            return;
        }
        boolean met = atLeast ? value >= bound : value <= bound;
        String fmt = unit.equals("%") ? "%.1f%%" : unit.equals("x") ? "%.2fx" : "%.0f";
        String boundFmt = unit.equals("%") ? "%.0f%%" : unit.equals("x") ? "%.1fx" : "%.0f";
        System.out.printf(Locale.ROOT, "  %-46s " + fmt + "  (target %s " + boundFmt + ")  %s%n", what, value,
                atLeast ? "≥" : "≤", bound, met ? "met" : "NOT MET");
    }

    /** One server's row of the table. */
    static final class Row {
        String name;
        Result max;
        Result pipe;
        Result half;
        double cpuMicros;
        long rssMb;
        long heapAfterGcMb;

        double p(double percentile) {
            return half.histogram.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    /** The phases every server goes through, the same for each. */
    record Phases(int connections, int warmup, int maxWarmup, int seconds, int pipeline, int halfSeconds,
                  int halfSettle, Workload workload) {

        /**
         * Warm-up until the JIT settles, closed loop, pipelined, then the fixed rate ({@code rate}; 0: half of this
         * server's closed-loop maximum) with the CPU per message and RSS over it.
         */
        Row measure(String name, long pid, int port, double rate, String jfr) throws Exception {
            warmUntilJitSettles(pid, port, connections, warmup, maxWarmup, workload);
            Row row = new Row();
            row.name = name;
            row.max = closedLoop(name, port, connections, 0, seconds, workload);
            row.pipe = pipelined(name, port, connections, pipeline, seconds, workload);
            double halfRate = rate > 0 ? rate : row.max.throughput / 2;
            if (jfr != null) { // a profile of the half-load phase, for finding the cost
                jcmd(pid, "JFR.start", "name=half", "settings=profile", "filename=" + jfr);
            }
            settle(port, connections, halfRate, halfSettle, workload);
            long cpuBefore = Resources.cpuMillis(pid);
            row.half = fixedRate(name, port, connections, halfRate, halfSeconds, workload, null);
            long cpuAfter = Resources.cpuMillis(pid);
            if (jfr != null) {
                jcmd(pid, "JFR.stop", "name=half");
            }
            row.cpuMicros = (cpuAfter - cpuBefore) * 1000.0 / Math.max(1, row.half.messages);
            row.rssMb = Resources.rssMb(pid);
            row.heapAfterGcMb = Resources.heapAfterGcMb(pid);
            System.out.printf(Locale.ROOT, "%s: closed loop %.0f msg/s, pipelined %.0f msg/s, at %.0f msg/s p99 %.2f ms"
                    + "%n", name, row.max.throughput, row.pipe.throughput, halfRate, row.p(99));
            return row;
        }
    }

    /**
     * A baseline server as its own process, pinned as the gateway is, with the release launcher's JVM options; its
     * output in {@code target/bench-<name>.log}, its files in a folder of the run's.
     */
    record Baseline(Process process, int port) implements AutoCloseable {

        static Baseline start(Class<?> main, String serverCpu, Path data, String name, List<String> args)
                throws Exception {
            int port = org.cpisgateway.TestPorts.free();
            List<String> cmd = new ArrayList<>();
            if (serverCpu != null) {
                cmd.addAll(List.of("taskset", "-c", serverCpu));
            }
            cmd.add(java());
            cmd.addAll(GatewayProcess.LAUNCHER_JVM_OPTIONS); // the same JVM options as the gateway
            cmd.addAll(List.of("-cp", GatewayProcess.classpath(), "-Dlogback.configurationFile=conf/logback.xml",
                    main.getName(), String.valueOf(port), data.resolve("baseline-" + name).toAbsolutePath().toString()));
            cmd.addAll(args);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(Path.of("target/bench-" + name + ".log").toFile()).start();
            waitForPort(port);
            return new Baseline(p, port);
        }

        long pid() {
            return process.pid();
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    /**
     * How the cost grows with the work: closed-loop throughput and CPU per message of one gateway at 1, 2, 4, 8, 16
     * and 64 connections, with the workload as given (2% of children flagged by default) and with every message a
     * flagged child's. Written to target/bench/scaling.csv.
     */
    static void scalingTable(Path data, Workload workload, List<String> gatewayProps, String serverCpu, int warmup,
                             int maxWarmup,
                             int seconds, Result bareMax) throws Exception {
        System.out.printf("baseline closed loop at 8 connections: %.0f msg/s%n", bareMax.throughput);
        List<String> csv = new ArrayList<>(List.of("traffic,connections,throughput_per_s,cpu_us_per_message,p50_ms,"
                + "p99_ms,p999_ms,percent_of_baseline_at_8"));
        double child = workload.childShare;
        double flagged = workload.flaggedShare;
        try (GatewayProcess gateway = new GatewayProcess(data, gatewayProps.toArray(new String[0]))) {
            gateway.pinnedTo(serverCpu).start();
            warmUntilJitSettles(gateway.pid(), gateway.mllpPort, 8, warmup, maxWarmup, workload);
            for (String traffic : List.of("as-given", "all-flagged")) {
                workload.childShare = traffic.equals("as-given") ? child : 1.0;
                workload.flaggedShare = traffic.equals("as-given") ? flagged : 1.0;
                for (int connections : new int[] {1, 2, 4, 8, 16, 64}) {
                    closedLoop("gateway", gateway.mllpPort, connections, 0, 3, workload); // settle at this level
                    String jfr = System.getenv("CPIS_BENCH_JFR_PHASE"); // e.g. all-flagged,1=/tmp/phase.jfr
                    boolean record = jfr != null && jfr.startsWith(traffic + "," + connections + "=");
                    if (record) {
                        jcmd(gateway.pid(), "JFR.start", "name=phase", "settings=profile",
                                "filename=" + jfr.substring(jfr.indexOf('=') + 1));
                    }
                    long cpuBefore = Resources.cpuMillis(gateway.pid());
                    Result r = closedLoop("gateway", gateway.mllpPort, connections, 0, seconds, workload);
                    long cpuAfter = Resources.cpuMillis(gateway.pid());
                    if (record) {
                        jcmd(gateway.pid(), "JFR.stop", "name=phase");
                    }
                    double cpuPerMessage = (cpuAfter - cpuBefore) * 1000.0 / Math.max(1, r.messages);
                    String line = String.format(java.util.Locale.ROOT, "%s,%d,%.0f,%.0f,%.2f,%.2f,%.2f,%.1f", traffic,
                            connections, r.throughput, cpuPerMessage, r.histogram.getValueAtPercentile(50) / 1000.0,
                            r.histogram.getValueAtPercentile(99) / 1000.0,
                            r.histogram.getValueAtPercentile(99.9) / 1000.0, 100.0 * r.throughput / bareMax.throughput);
                    System.out.println(line);
                    csv.add(line);
                }
            }
            gateway.stop();
        }
        Files.createDirectories(Path.of("target/bench"));
        Files.write(Path.of("target/bench/scaling.csv"), csv);
        System.out.println(String.join("\n", csv));
    }

    static void jcmd(long pid, String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(pid)));
        cmd.addAll(List.of(command));
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                .waitFor();
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static void waitForPort(int port) {
        org.cpisgateway.Waiting.upTo(java.time.Duration.ofSeconds(30)).alias("port " + port + " open")
                .until(() -> org.cpisgateway.TestPorts.listening(port));
    }

    static final class Result {
        final String server;
        final String mode;
        final Histogram histogram;
        final long messages;
        final double throughput;
        final double target;
        /** How busy the server's CPU and the load generator's CPUs were over the run (percent; null: not pinned). */
        final CpuBusy.Shares busy;

        Result(String server, String mode, Histogram histogram, long messages, double seconds, double target,
               CpuBusy.Shares busy) {
            this.server = server;
            this.mode = mode;
            this.histogram = histogram;
            this.messages = messages;
            this.throughput = messages / seconds;
            this.target = target;
            this.busy = busy;
        }

        String[] row(int connections) {
            return new String[] {server, mode, String.valueOf(connections), String.valueOf(messages),
                    String.format(Locale.ROOT, "%.0f", throughput), ms(50), ms(90), ms(99), ms(99.9),
                    String.format(Locale.ROOT, "%.2f", histogram.getMaxValue() / 1000.0),
                    busy == null ? "-" : String.format(Locale.ROOT, "%.0f", busy.server()),
                    busy == null ? "-" : String.format(Locale.ROOT, "%.0f", busy.load())};
        }

        String ms(double percentile) {
            return String.format(Locale.ROOT, "%.2f", histogram.getValueAtPercentile(percentile) / 1000.0);
        }
    }

    /** Each connection sends a message and waits for its ACK, as a PAS does. */
    /**
     * Closed-loop load until the server's JIT has settled: 10-second rounds until its compiler threads used under 5%
     * of a CPU in one (at least {@code minSeconds}, at most {@code maxSeconds}). On one CPU the JIT compiles the
     * gateway's code for minutes under load, and a measurement taken meanwhile counts the compiler, not the gateway.
     */
    static void warmUntilJitSettles(long pid, int port, int connections, int minSeconds, int maxSeconds, Workload w)
            throws Exception {
        long start = System.nanoTime();
        while (true) {
            long before = Resources.compilerCpuMillis(pid);
            run(port, connections, 10, w, new Recorder(3), 0, 0);
            double share = (Resources.compilerCpuMillis(pid) - before) / 10_000.0;
            long elapsed = (System.nanoTime() - start) / 1_000_000_000L;
            System.out.printf(java.util.Locale.ROOT, "warm-up %d s: JIT compiler %.0f%% of a CPU%n", elapsed,
                    share * 100);
            if (elapsed >= maxSeconds || elapsed >= minSeconds && share < 0.05) {
                return;
            }
        }
    }

    static Result closedLoop(String server, int port, int connections, int warmup, int seconds, Workload w)
            throws Exception {
        run(port, connections, warmup, w, new Recorder(3), 0, 0);
        Recorder recorder = new Recorder(3);
        CpuBusy before = CpuBusy.now();
        long n = run(port, connections, seconds, w, recorder, 0, 0);
        return new Result(server, "closed loop", recorder.getIntervalHistogram(), n, seconds, 0, before.until());
    }

    /** Each connection keeps {@code depth} frames in flight. */
    static Result pipelined(String server, int port, int connections, int depth, int seconds, Workload w)
            throws Exception {
        Recorder recorder = new Recorder(3);
        CpuBusy before = CpuBusy.now();
        long n = run(port, connections, seconds, w, recorder, depth, 0);
        return new Result(server, "pipelined x" + depth, recorder.getIntervalHistogram(), n, seconds, 0,
                before.until());
    }

    /** The fixed rate for some seconds, not counted: the queues of the phase before drain first. */
    static void settle(int port, int connections, double rate, int seconds, Workload w) throws Exception {
        if (seconds > 0) {
            run(port, connections, seconds, w, new Recorder(3), 0, rate);
        }
    }

    /** A fixed total rate; latency counted from each message's intended send time. */
    static Result fixedRate(String server, int port, int connections, double rate, int seconds, Workload w,
                            Resources res) throws Exception {
        Recorder recorder = new Recorder(3);
        CpuBusy before = CpuBusy.now();
        long n = run(port, connections, seconds, w, recorder, 0, rate);
        return new Result(server, String.format(Locale.ROOT, "fixed %.0f/s", rate), recorder.getIntervalHistogram(), n,
                seconds, rate, before.until());
    }

    static long run(int port, int connections, int seconds, Workload w, Recorder recorder, int depth, double rate)
            throws Exception {
        AtomicLong count = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            int seed = c;
            Thread t = new Thread(() -> {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.setTcpNoDelay(true);
                    s.setSoTimeout(60_000);
                    OutputStream out = s.getOutputStream();
                    // buffered: read byte by byte from the socket, each byte of an ACK was a system call on the load
                    // generator's CPU, which then capped the baseline (the bare server's CPU was 70% idle)
                    InputStream in = new java.io.BufferedInputStream(s.getInputStream(), 65536);
                    Random random = new Random(seed * 7919L + System.nanoTime());
                    if (depth > 0) {
                        runPipelined(seed, out, in, depth, end, w, random, recorder, count);
                    } else {
                        double intervalNanos = rate > 0 ? 1e9 * connections / rate : 0;
                        long next = System.nanoTime();
                        while (System.nanoTime() < end) {
                            long intended = System.nanoTime();
                            if (intervalNanos > 0) {
                                next += (long) intervalNanos;
                                intended = next - (long) intervalNanos;
                                long wait = intended - System.nanoTime();
                                if (wait > 0) {
                                    TimeUnit.NANOSECONDS.sleep(wait);
                                }
                            }
                            byte[] frame = Mllp.frame(w.next(random));
                            long sent = System.nanoTime();
                            out.write(frame);
                            out.flush();
                            if (Mllp.readFrames(in, 1, StandardCharsets.ISO_8859_1).isEmpty()) {
                                throw new IOException("no ACK");
                            }
                            long answered = System.nanoTime();
                            long micros = Math.max(1, (answered - intended) / 1000);
                            recorder.recordValue(micros);
                            count.incrementAndGet();
                            if (SLOW != null && micros >= 10_000) {
                                // numbers only here: formatting on the sending thread (String.format's first call
                                // loads and compiles its classes) delayed the next send by tens of milliseconds
                                SLOW.add(new long[] {seed,
                                        EPOCH_MILLIS_AT_START + (intended - NANOS_AT_START) / 1_000_000,
                                        micros, (sent - intended) / 1000, (answered - sent) / 1000});
                            }
                        }
                    }
                } catch (Exception e) {
                    System.err.println("connection failed: " + e);
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        if (SLOW != null) {
            List<String> lines = new ArrayList<>();
            for (long[] slow : SLOW) {
                lines.add(String.format(Locale.ROOT, "%d %d %.1f %.1f %.1f", slow[0], slow[1], slow[2] / 1000.0,
                        slow[3] / 1000.0, slow[4] / 1000.0));
            }
            Files.write(Path.of(System.getProperty("cpis.bench.slow-log")), lines);
        }
        return count.get();
    }

    /**
     * With {@code -Dcpis.bench.slow-log=FILE}: each answer of any phase that took 10 ms or more, as
     * "connection intended-send-time-in-epoch-ms latency-ms send-lag-ms round-trip-ms", for laying beside the gateway's
     * GC log and other timelines. The send lag (intended time to the write) is the previous answer's lateness, or the load
     * generator's own; the round trip (write to ACK) is the gateway's answer time with the network. In a
     * closed loop the send lag is next to nothing; pipelined, the send time is that of the frames written together,
     * and the latency the round trip.
     */
    private static final java.util.Queue<long[]> SLOW = System.getProperty("cpis.bench.slow-log") == null ? null
            : new java.util.concurrent.ConcurrentLinkedQueue<>();
    private static final long NANOS_AT_START = System.nanoTime();
    private static final long EPOCH_MILLIS_AT_START = System.currentTimeMillis();

    static void runPipelined(int connection, OutputStream out, InputStream in, int depth, long end, Workload w,
                             Random random, Recorder recorder, AtomicLong count) throws IOException {
        long[] sentAt = new long[depth];
        while (System.nanoTime() < end) {
            java.io.ByteArrayOutputStream batch = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < depth; i++) {
                batch.write(Mllp.frame(w.next(random)));
            }
            long t = System.nanoTime();
            java.util.Arrays.fill(sentAt, t);
            out.write(batch.toByteArray());
            out.flush();
            for (int i = 0; i < depth; i++) {
                if (Mllp.readFrames(in, 1, StandardCharsets.ISO_8859_1).isEmpty()) {
                    throw new IOException("no ACK");
                }
                long micros = Math.max(1, (System.nanoTime() - sentAt[i]) / 1000);
                recorder.recordValue(micros);
                count.incrementAndGet();
                if (SLOW != null && micros >= 10_000) {
                    long sentMillis = EPOCH_MILLIS_AT_START + (t - NANOS_AT_START) / 1_000_000;
                    SLOW.add(new long[] {connection, sentMillis, micros, 0, micros});
                }
            }
        }
    }

    /** The synthetic population and the store it is checked against. */
    static final class Workload {
        /** When the run started, as an HL7 DTM: every message of the run carries it (MSH-7, EVN-2). */
        static final String STARTED = org.cpisgateway.TestDates.hl7TimeSecondsAgo(0);
        final List<String> flagged = new ArrayList<>();
        final AtomicLong ids = new AtomicLong();
        /** MSH-10 = B, this run's start in base 36, a sequence: unique across runs against one gateway (--port). */
        final String idPrefix = "B" + Long.toString(System.currentTimeMillis(), 36) + "-";
        int planCount;
        /** The synthetic NHS numbers given plans; beyond as many plans, children have more than one. */
        static final int MAX_PLANNED_NUMBERS = 800_000;
        static final String[] PLAN_TYPES = {"CPP", "LAC", "UCP"};

        /** Where the numbers of children without a plan start: beyond the plans' range. */
        long unplannedBase = 999_800_000L;
        long accessCount;
        double childShare;
        double flaggedShare;
        double scheduledShare;
        double malformedShare;

        /** The workload over a store of {@code plans} plans (the numbers they are loaded with), without loading it. */
        static Workload describe(int plans, long accesses, double childShare, double flaggedShare,
                                 double scheduledShare, double malformedShare) {
            // synthetic numbers only: 999 and six digits, so about 909,000 valid ones exist in all. Plans take
            // them from 999 400 000 up (from 999 000 000 for more than 360,000 plans, at most 800,000 numbers);
            // children without a plan come from 999 900 000 up (999 800 000 for the smaller stores). Beyond 800,000
            // plans the same children get a second and a third plan, of another type (a child protection plan and
            // looked after, say), so a national-size plan table can be built from synthetic numbers
            if (plans > PLAN_TYPES.length * MAX_PLANNED_NUMBERS) {
                throw new IllegalArgumentException("at most " + PLAN_TYPES.length * MAX_PLANNED_NUMBERS
                        + " plans: three plan types for each of the 800,000 synthetic (999) NHS numbers there are "
                        + "beside the ones children without a plan need");
            }
            Workload w = new Workload();
            w.childShare = childShare;
            w.flaggedShare = flaggedShare;
            w.scheduledShare = scheduledShare;
            w.malformedShare = malformedShare;
            int numbers = Math.min(plans, MAX_PLANNED_NUMBERS);
            for (long base = plans > 360_000 ? 999_000_000L : 999_400_000L; w.flagged.size() < numbers; base++) {
                String n = org.cpisgateway.TestNhsNumbers.withCheckDigit(base);
                if (n != null) {
                    w.flagged.add(n);
                }
            }
            w.planCount = plans;
            w.unplannedBase = plans > 360_000 ? 999_900_000L : 999_800_000L;
            w.accessCount = accesses;
            return w;
        }

        static Workload prepare(String url, String user, int plans, int accesses, double childShare,
                                double flaggedShare, double scheduledShare, double malformedShare) throws Exception {
            Workload w = describe(plans, accesses, childShare, flaggedShare, scheduledShare, malformedShare);
            long t = System.nanoTime();
            try (HikariDataSource ds = Database.open(url, user, "", 2); Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
                int numbers = w.flagged.size();
                try (PreparedStatement ps = c.prepareStatement("insert into plan (nhs_number, plan_type, start_date, "
                        + "authority_code, updated_at) values (?, ?, ?, ?, ?)")) {
                    for (int i = 1; i <= plans; i++) {
                        int number = (i - 1) % numbers;
                        int round = (i - 1) / numbers; // a child's second or third plan is of another type
                        ps.setString(1, w.flagged.get(number));
                        ps.setString(2, PLAN_TYPES[(number + 1 + round) % PLAN_TYPES.length]);
                        ps.setDate(3, Date.valueOf(org.cpisgateway.TestDates.day("today-2y")));
                        ps.setString(4, i % 2 == 0 ? "LA901" : "LA902");
                        ps.setObject(5, now);
                        ps.addBatch();
                        if (i % 10_000 == 0) {
                            ps.executeBatch();
                            c.commit();
                        }
                    }
                    ps.executeBatch();
                    c.commit();
                }
            }
            try (HikariDataSource ds = Database.open(url, user, "", 2)) {
                LookupScaleBenchmark.loadAccesses(ds, w.flagged, accesses);
            }
            System.out.printf("store loaded: %d plans, %d access records in %.1f s%n", plans, accesses,
                    (System.nanoTime() - t) / 1e9);
            return w;
        }

        byte[] next(Random random) {
            String id = idPrefix + ids.incrementAndGet();
            if (random.nextDouble() < malformedShare) {
                byte[] junk = new byte[200];
                random.nextBytes(junk);
                for (int i = 0; i < junk.length; i++) {
                    if (junk[i] == 0x0b || junk[i] == 0x1c) {
                        junk[i] = 'x';
                    }
                }
                return junk;
            }
            boolean child = random.nextDouble() < childShare;
            String nhs;
            if (child && random.nextDouble() < flaggedShare) {
                nhs = flagged.get(random.nextInt(flagged.size()));
            } else {
                String n = null;
                while (n == null) {
                    n = org.cpisgateway.TestNhsNumbers.withCheckDigit(unplannedBase + random.nextInt(100_000));
                }
                nhs = n;
            }
            String location = random.nextDouble() < scheduledShare ? "PAEDS" : "ED";
            String dob = child ? "20150302" : "19800115";
            return ("MSH|^~\\&|BENCH-PAS|R9Z01|CPIS|CPIS|" + STARTED + "||ADT^A04^ADT_A01|" + id + "|P|2.4\r"
                    + "EVN|A04|" + STARTED + "\r"
                    + "PID|1||" + nhs + "^^^NHS^NH||BENCH^PATIENT||" + dob + "|2\r"
                    + "PV1|1|E|" + location + "^^^R9Z01||||||||||||||||" + id + "\r") // PV1-19: a visit each
                    .getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * Busy time of the pinned CPUs from {@code /proc/stat} (everything but idle and I/O wait: the processes, the
     * kernel's interrupt work for them), to tell whether a phase was bound by the server or by the load generator.
     */
    record CpuBusy(Map<Integer, long[]> byCpu) {
        /** The CPU the server under test is pinned to (-1: not pinned); the load generator's are all the others. */
        static int serverCpu = -1;

        record Shares(double server, double load) {
        }

        /** {busy, total} jiffies of every online CPU of the machine, by its number (none when not pinned). */
        static CpuBusy now() throws IOException {
            Map<Integer, long[]> byCpu = new java.util.TreeMap<>();
            if (serverCpu < 0) {
                return new CpuBusy(byCpu); // not pinned (or no /proc): nothing to share out
            }
            // every "cpuN" line, not availableProcessors(): a process pinned to one CPU counts only that one
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (!line.matches("cpu\\d+ .*")) {
                    continue;
                }
                String[] f = line.trim().split("\\s+"); // cpuN user nice system idle iowait irq softirq steal ...
                long[] cpu = new long[2];
                for (int i = 1; i < Math.min(f.length, 9); i++) {
                    long v = Long.parseLong(f[i]);
                    cpu[1] += v;
                    if (i != 4 && i != 5) {
                        cpu[0] += v;
                    }
                }
                byCpu.put(Integer.parseInt(f[0].substring(3)), cpu);
            }
            return new CpuBusy(byCpu);
        }

        /** The busy shares from this snapshot until now; null when the server is not pinned. */
        Shares until() throws IOException {
            if (serverCpu < 0) {
                return null;
            }
            Map<Integer, long[]> after = now().byCpu();
            double server = 0;
            long loadBusy = 0;
            long loadTotal = 0;
            for (int cpu : byCpu.keySet()) {
                if (!after.containsKey(cpu)) {
                    continue; // gone offline meanwhile
                }
                long b = after.get(cpu)[0] - byCpu.get(cpu)[0];
                long t = Math.max(1, after.get(cpu)[1] - byCpu.get(cpu)[1]);
                if (cpu == serverCpu) {
                    server = 100.0 * b / t;
                } else {
                    loadBusy += b;
                    loadTotal += t;
                }
            }
            return new Shares(server, 100.0 * loadBusy / Math.max(1, loadTotal));
        }
    }

    /**
     * Linux's autogroup (kernel.sched_autogroup_enabled) shares a CPU between sessions before threads. PostgreSQL's
     * pg_ctl starts the server in a session of its own, so on the one CPU it shares with the gateway the kernel gives
     * the two halves, and at full load a PostgreSQL backend waited on the run queue for up to 4.9 s while the gateway
     * ran: answers of 2 to 8 s, with no statement slow. With autogroup off, the same command's longest answer was
     * 39 ms.
     */
    static boolean autogroupOn() {
        try {
            return "1".equals(Files.readString(Path.of("/proc/sys/kernel/sched_autogroup_enabled")).trim());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    static final String AUTOGROUP_WARNING = "warning: kernel.sched_autogroup_enabled=1: PostgreSQL (a session of its "
            + "own) and the gateway share the server's CPU as two groups, and at full load PostgreSQL's backends queue "
            + "for seconds; for figures of the two as one server run `sysctl kernel.sched_autogroup_enabled=0` first "
            + "(docs/benchmark.md)";

    /** Process resources read from /proc and jcmd. */
    static final class Resources {
        double cpuMicrosPerMessage;
        long rssMb;
        long heapAfterGcMb;

        static long cpuMillis(long pid) throws IOException {
            String[] f = Files.readString(Path.of("/proc/" + pid + "/stat")).split("\\) ")[1].split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime (fields 14, 15)
            return ticks * 10; // USER_HZ = 100
        }

        /** CPU time (ms) of the JVM's JIT compiler threads so far. */
        static long compilerCpuMillis(long pid) throws IOException {
            long ticks = 0;
            try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
                for (Path task : tasks.toList()) {
                    try {
                        if (!Files.readString(task.resolve("comm")).startsWith("C")
                                || !Files.readString(task.resolve("comm")).contains("Compiler")) {
                            continue;
                        }
                        String[] f = Files.readString(task.resolve("stat")).split("\\) ")[1].split(" ");
                        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    } catch (IOException threadGone) {
                        // a compiler thread that ended meanwhile
                    }
                }
            }
            return ticks * 10; // USER_HZ = 100
        }

        static long rssMb(long pid) throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
            return -1;
        }

        static long heapAfterGcMb(long pid) throws Exception {
            String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            new ProcessBuilder(jcmd, String.valueOf(pid), "GC.run").start().waitFor();
            Process p = new ProcessBuilder(jcmd, String.valueOf(pid), "GC.heap_info").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            // G1 prints one heap line; SerialGC (chosen on one CPU) a line per generation: add the heap's lines
            long usedKb = 0;
            boolean found = false;
            for (String line : out.split("\n")) {
                if (line.contains("Metaspace") || line.contains("class space")) {
                    continue;
                }
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("used (\\d+)K").matcher(line);
                if (m.find()) {
                    usedKb += Long.parseLong(m.group(1));
                    found = true;
                }
            }
            return found ? usedKb / 1024 : -1;
        }
    }
}

package org.cpisgateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The gateway as its own operating-system process ({@code java ... org.cpisgateway.app.GatewayMain}, as README starts
 * it, with -D overrides for ports and the data folder), so tests can kill it with SIGKILL and start it again on the
 * same data.
 */
public final class GatewayProcess implements AutoCloseable {

    /**
     * The release launcher's default JVM options ({@code bin/cpis-gateway}, {@code CPIS_JAVA_OPTS}): heap, survivor
     * spaces and the native-memory trim, so that tests and the benchmark run the gateway as it ships whatever the
     * machine's memory (without {@code -Xms} the JVM starts at 1/64 of it). {@code DistributionIT} holds the launcher
     * to it.
     */
    public static final List<String> LAUNCHER_JVM_OPTIONS = List.of("-Xms256m", "-Xmx512m", "-XX:SurvivorRatio=4",
            "-XX:TargetSurvivorRatio=80", "-XX:+IgnoreUnrecognizedVMOptions", "-XX:TrimNativeHeapInterval=10000");

    /** The Windows launcher's: the same without the native-memory trim, which the JVM supports on Linux only. */
    public static final List<String> WINDOWS_LAUNCHER_JVM_OPTIONS = LAUNCHER_JVM_OPTIONS.subList(0, 4);

    public final int mllpPort;
    public final int brokerPort;
    /** Its operations endpoint (health, metrics), the same at every start. */
    public final int httpPort;
    public final Path dataDir;
    private final List<String> extra;
    private Process process;
    private int starts;

    public GatewayProcess(Path dataDir, String... extraProperties) throws IOException {
        this.mllpPort = TestPorts.free();
        this.brokerPort = TestPorts.free();
        this.httpPort = TestPorts.free();
        this.dataDir = dataDir;
        this.extra = List.of(extraProperties);
    }

    private List<String> prefix = List.of();
    private Path log;

    /** Runs the gateway on these CPUs only ({@code taskset -c}), e.g. "1" (benchmarks keep the load generator off them). */
    public GatewayProcess pinnedTo(String cpus) {
        this.prefix = cpus == null ? List.of() : List.of("taskset", "-c", cpus);
        return this;
    }

    public GatewayProcess start() throws Exception {
        launch();
        Waiting.upTo(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .alias("the gateway process opens its MLLP port; see " + log).until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("gateway process exited at start; see " + log);
                    }
                    return TestPorts.listening(mllpPort);
                });
        return this;
    }

    /** Starts the process and returns at once, without waiting for its MLLP port (the start-up benchmark times it). */
    public GatewayProcess launch() throws Exception {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(LAUNCHER_JVM_OPTIONS);
        cmd.addAll(List.of("-cp", runtimeClasspath(),
                "-Dlogback.configurationFile=conf/logback.xml",
                "-Dcpis.mllp.host=127.0.0.1",
                "-Dcpis.mllp.port=" + mllpPort,
                "-Dcpis.broker.acceptor=tcp://127.0.0.1:" + brokerPort + "?protocols=CORE,AMQP",
                "-Dcpis.http.port=" + httpPort,
                "-Dcpis.data.dir=" + dataDir.toAbsolutePath(),
                // the audit log in the process's own folder, not the working folder's data/logs (where the gateway
                // run from the project writes it): each test and benchmark run keeps its own, and it goes with it
                "-Dcpis.audit.file=" + dataDir.resolve("logs/audit.log").toAbsolutePath()));
        for (int i = 0; i + 1 < extra.size(); i += 2) {
            cmd.add("-D" + extra.get(i) + "=" + extra.get(i + 1));
        }
        String jvmOptions = System.getenv("CPIS_TEST_GATEWAY_JVM_OPTIONS"); // e.g. a JFR recording when profiling
        if (jvmOptions != null && !jvmOptions.isBlank()) {
            cmd.addAll(List.of(jvmOptions.trim().split("\\s+")));
        }
        cmd.add("org.cpisgateway.app.GatewayMain");
        Files.createDirectories(Path.of("target"));
        log = Path.of("target", "gateway-process-" + dataDir.getFileName() + "-" + (++starts) + ".log");
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return this;
    }

    /**
     * The gateway's production classpath: {@code target/classes} and the runtime dependencies that Maven wrote to
     * {@code target/runtime-classpath.txt} (test dependencies are not there, so a component missing from the pom
     * fails here as it would in production).
     */
    public static String runtimeClasspath() {
        try {
            String deps = Files.readString(Path.of("target/runtime-classpath.txt")).trim();
            return Path.of("target/classes").toAbsolutePath() + java.io.File.pathSeparator + deps;
        } catch (IOException e) {
            throw new IllegalStateException("target/runtime-classpath.txt missing: run through Maven (test phase)", e);
        }
    }

    /**
     * The classpath this code runs on: the test JVM's, or under {@code mvn exec:java} (whose own JVM classpath is
     * Maven's) the project classpath held by the context class loader.
     */
    public static String classpath() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader instanceof java.net.URLClassLoader urls && urls.getURLs().length > 0) {
            List<String> entries = new ArrayList<>();
            for (java.net.URL url : urls.getURLs()) {
                try {
                    entries.add(Path.of(url.toURI()).toString());
                } catch (java.net.URISyntaxException e) {
                    throw new IllegalStateException(e);
                }
            }
            return String.join(java.io.File.pathSeparator, entries);
        }
        return System.getProperty("java.class.path");
    }

    /** The last {@code lines} lines of what the running (or last) process wrote: for a failing test's message. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, java.nio.charset.StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | RuntimeException e) {
            return "(log not readable: " + e + ")";
        }
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hook, no flush, nothing. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: Camel's graceful shutdown. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            stop();
        }
    }
}

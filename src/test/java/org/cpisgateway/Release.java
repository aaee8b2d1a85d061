package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.awaitility.core.ConditionTimeoutException;

/**
 * The release as an integrator gets it: {@code target/cpis-gateway-<version>.tar.gz} unpacked into a folder outside
 * the checkout, its {@code bin/cpis-gateway} run with nothing but a Java runtime (JAVA_HOME set, an empty PATH: no
 * Maven, no source tree).
 */
final class Release {

    private static Path home;

    private Release() {
    }

    /** The unpacked release (unpacked once per test run). */
    static synchronized Path home() throws Exception {
        if (home == null) {
            home = unpack();
        }
        return home;
    }

    /** The release archive unpacked into a new temporary folder; returns its home. */
    static Path unpack() throws Exception {
        Path tarball = Path.of(System.getProperty("cpis.distribution"));
        assertThat(tarball).exists();
        Path dir = TestFolders.temporary("cpis-release");
        Process tar = new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", dir.toString()).inheritIO()
                .start();
        assertThat(tar.waitFor()).isZero();
        try (var entries = Files.list(dir)) {
            return entries.findFirst().orElseThrow();
        }
    }

    /** {@code bin/cpis-gateway ARGS} with only a Java runtime: JAVA_HOME, and a PATH with nothing on it. */
    static ProcessBuilder command(Map<String, String> env, String... args) throws Exception {
        return command(home(), env, args);
    }

    static ProcessBuilder command(Path home, Map<String, String> env, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("/bin/sh", home.resolve("bin/cpis-gateway").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.getParent().toFile());
        builder.environment().clear();
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("PATH", home.resolve("no-such-folder").toString());
        builder.environment().putAll(env);
        return builder;
    }

    /** A gateway started from the release ({@code run --demo}) on free loopback ports, its output in a file. */
    record Running(Process process, int mllpPort, int brokerPort, int httpPort, Path output) {

        String log() throws IOException {
            return Files.exists(output) ? Files.readString(output) : "";
        }
    }

    /** Starts {@code bin/cpis-gateway run --demo} with these extra environment variables; waits until ready. */
    static Running start(String name, Map<String, String> extraEnv) throws Exception {
        return start(home(), name, extraEnv);
    }

    /** The same, from the release unpacked at {@code home}. */
    static Running start(Path home, String name, Map<String, String> extraEnv) throws Exception {
        int mllp = TestPorts.free();
        int broker = TestPorts.free();
        int http = TestPorts.free();
        Map<String, String> env = new HashMap<>(Map.of("CPIS_MLLP_HOST", "127.0.0.1",
                "CPIS_MLLP_PORT", String.valueOf(mllp),
                "CPIS_BROKER_ACCEPTOR", "tcp://127.0.0.1:" + broker + "?protocols=CORE,AMQP",
                "CPIS_HTTP_PORT", String.valueOf(http)));
        env.putAll(extraEnv);
        Path output = home.resolve(name + ".out");
        Process process = command(home, env, "run", "--demo").redirectErrorStream(true).redirectOutput(output.toFile())
                .start();
        Running running = new Running(process, mllp, broker, http, output);
        try {
            Waiting.upTo(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> {
                assertThat(process.isAlive()).as("the gateway runs; its output: %s", running.log()).isTrue();
                return TestPorts.listening(mllp) && ready(http);
            });
        } catch (ConditionTimeoutException late) {
            throw new AssertionError("MLLP port open and the gateway ready in time; output: " + running.log(), late);
        }
        return running;
    }

    /** The gateway says it is ready (MLLP, store, broker), as a load balancer's health check asks. */
    static boolean ready(int httpPort) {
        try {
            return Http.get(httpPort, "/observe/health/ready").statusCode() == 200;
        } catch (Exception notYet) {
            return false;
        }
    }
}

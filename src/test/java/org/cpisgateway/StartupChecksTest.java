package org.cpisgateway;

import org.cpisgateway.app.GatewayMain;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The gateway started as its own process (the runtime class path, as README starts it) with a broken configuration:
 * it exits 1 and says every problem in one line each, with no stack trace.
 */
class StartupChecksTest {

    @Test
    void everyProblemIsNamedOnceWithoutAStackTrace() throws Exception {
        Path work = TestFolders.temporary("cpis-startup");
        Path mappings = work.resolve("mappings");
        Files.createDirectories(mappings);
        Files.copy(Path.of("mappings/authorities.csv"), mappings.resolve("authorities.csv"));
        Files.writeString(mappings.resolve("care-settings.csv"),
                "sending_facility,location,setting_code,setting_name,setting_type,scheduled\n"
                        + "R9Z01,,R9Z01-ED,Riverside ED,ED,no\n"
                        + "R9Z02,,R9Z02-UTC,Hillside UTC,UTC,sometimes\n", StandardCharsets.UTF_8);
        // nhs-number-locations.csv is missing
        try (ServerSocket taken = new ServerSocket(TestPorts.free(), 50, InetAddress.getByName("127.0.0.1"))) {
            List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", GatewayProcess.runtimeClasspath(),
                    "-Dcpis.data.dir=" + work.resolve("data"),
                    "-Dcpis.mappings.dir=" + mappings,
                    "-Dcpis.mllp.host=127.0.0.1",
                    "-Dcpis.mllp.port=" + taken.getLocalPort(),
                    "-Dcpis.http.port=" + TestPorts.free(),
                    "-Dcpis.broker.acceptor=tcp://127.0.0.1:" + TestPorts.free(),
                    "-Dcpis.mllp.max-connections=lots",
                    "-Dcpis.timezone=Mars/Olympus",
                    "-Dcpis.store.sync-each-commit=perhaps",
                    "org.cpisgateway.app.GatewayMain");
            Process gateway = new ProcessBuilder(command).redirectErrorStream(true).start();
            assertThat(gateway.waitFor(90, TimeUnit.SECONDS)).isTrue();
            String output = new String(gateway.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(gateway.exitValue()).as(output).isEqualTo(1);
            assertThat(output).contains("its configuration has 6 problem(s)")
                    .contains("cpis.mllp.max-connections = 'lots' is not a whole number")
                    .contains("cpis.timezone = 'Mars/Olympus' is not a time zone")
                    .contains("cpis.store.sync-each-commit = 'perhaps' must be true or false")
                    .contains("care-settings.csv line 3: sending_facility is required and scheduled must be yes or no")
                    .contains("nhs-number-locations.csv is missing")
                    .contains("MLLP listener (cpis.mllp.port): port " + taken.getLocalPort() + " on 127.0.0.1 is already in use");
            assertThat(output).doesNotContain("\tat ").doesNotContain("Exception");
        }
    }

    @Test
    void anAuthorityWithoutAQueueOnTheExternalBrokerStopsTheStart() throws Exception {
        Path mappings = TestFolders.temporary("cpis-startup-mappings");
        for (String f : List.of("care-settings.csv", "nhs-number-locations.csv")) {
            Files.copy(Path.of("mappings", f), mappings.resolve(f));
        }
        Files.writeString(mappings.resolve("authorities.csv"), Files.readString(Path.of("mappings/authorities.csv"))
                + "LA903,Eastmoor Borough Council (test),01632 960201,01632 960202\n", StandardCharsets.UTF_8);
        int brokerPort = TestPorts.free();
        var broker = StandaloneBroker.start(TestFolders.temporary("cpis-startup-broker"), brokerPort);
        try {
            Throwable failure = startFailure("cpis.mappings.dir", mappings.toString(), "cpis.broker.embedded", "false",
                    "cpis.broker.url", "tcp://127.0.0.1:" + brokerPort, "cpis.broker.password", StandaloneBroker.GATEWAY_PASSWORD);
            assertThat(GatewayMain.configurationProblems(failure)).as("%s", failure).isNotNull();
            assertThat(GatewayMain.configurationProblems(failure).getMessage())
                    .contains("the broker has no queue cpis.notify.LA903 for authority LA903")
                    .doesNotContain("LA901").doesNotContain("LA902");

            failure = startFailure("cpis.broker.embedded", "false", "cpis.broker.url", "tcp://127.0.0.1:" + brokerPort,
                    "cpis.broker.password", "not-the-password");
            assertThat(GatewayMain.configurationProblems(failure).getMessage())
                    .contains("refused the gateway's user cpis-gateway");
        } finally {
            broker.stop();
        }
    }

    @Test
    void jsonLogsAreOneObjectPerLine() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", GatewayProcess.runtimeClasspath(), "-Dcpis.data.dir=" + TestFolders.temporary("cpis-json"),
                "-Dcpis.timezone=Mars/Olympus", "org.cpisgateway.app.GatewayMain");
        builder.environment().put("CPIS_LOG_FORMAT", "json");
        Process gateway = builder.redirectErrorStream(true).start();
        assertThat(gateway.waitFor(90, TimeUnit.SECONDS)).isTrue();
        List<String> lines = new String(gateway.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(l -> !l.isBlank()).toList();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        assertThat(lines).isNotEmpty();
        for (String line : lines) {
            var entry = json.readTree(line); // throws if a line is not one JSON object
            assertThat(entry.has("level")).as(line).isTrue();
        }
        assertThat(lines).anySatisfy(l -> assertThat(json.readTree(l).path("formattedMessage").asText())
                .contains("cpis.timezone = 'Mars/Olympus' is not a time zone"));
    }

    private static Throwable startFailure(String... properties) {
        try (RunningGateway ignored = RunningGateway.start(properties)) {
            return null;
        } catch (Throwable expected) {
            return expected;
        }
    }
}

package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The container build and the example cluster in {@code src/container} cannot be built or run here (no container
 * engine, no registry). What can be checked offline is: the Dockerfile packs the tested release and runs it as a
 * non-root user with a health check; the compose file is valid YAML of the documented shape whose every mounted
 * file exists; both Artemis broker.xml files validate against Artemis's own schema; haproxy accepts its
 * configuration (when haproxy is installed; .ci/run installs it).
 */
class ContainerFilesTest {

    static final Path DIR = Path.of("src/container");

    @Test
    void theDockerfileRunsTheReleaseAsAnUnprivilegedUserWithAHealthCheck() throws Exception {
        List<String> lines = Files.readAllLines(DIR.resolve("Dockerfile"));
        assertThat(lines).anyMatch(l -> l.matches("FROM eclipse-temurin:17-jre-[a-z]+"));
        // the archive mvn package builds and DistributionIT tests
        assertThat(lines).anyMatch(l -> l.equals("ADD target/cpis-gateway-${VERSION}.tar.gz /opt/"));
        assertThat(Files.readString(Path.of("src/assembly/distribution.xml"))).contains("<format>tar.gz</format>");
        assertThat(lines.stream().filter(l -> l.startsWith("USER ")).toList()).containsExactly("USER cpis");
        assertThat(String.join("\n", lines)).contains("HEALTHCHECK").contains("/observe/health/ready")
                .contains("STOPSIGNAL SIGTERM").contains("ENTRYPOINT [\"/opt/cpis-gateway/bin/cpis-gateway\"]");
        // the health path is the one the operations routes serve without credentials
        assertThat(Files.readString(Path.of("routes/operations.camel.yaml"))).contains("path: /health/ready");
    }

    @Test
    void theComposeFileHasTheScaledShapeAndEveryFileItMounts() throws Exception {
        // SnakeYAML resolves the merge keys (<<: *gateway) the file uses, as Compose does
        Object yaml = new org.yaml.snakeyaml.Yaml().load(Files.readString(DIR.resolve("compose.yaml")));
        JsonNode compose = new ObjectMapper().valueToTree(yaml);
        JsonNode services = compose.path("services");
        for (String service : List.of("gateway-a", "gateway-b", "balancer", "postgres", "artemis-primary",
                "artemis-backup")) {
            assertThat(services.has(service)).as(service).isTrue();
        }
        for (String gateway : List.of("gateway-a", "gateway-b")) {
            JsonNode g = services.path(gateway);
            assertThat(DIR.resolve(g.at("/build/context").asText()).resolve(g.at("/build/dockerfile").asText()))
                    .isRegularFile();
            assertThat(g.at("/environment/CPIS_BROKER_EMBEDDED").asText()).isEqualTo("false");
            assertThat(g.at("/environment/CPIS_STORE_URL").asText()).startsWith("jdbc:postgresql://postgres:");
            assertThat(g.path("environment").toString()).doesNotContain("PASSWORD"); // secrets come as files
            assertThat(g.path("secrets").toString()).contains("cpis.store.password").contains("cpis.broker.password");
        }
        for (JsonNode service : services) {
            for (JsonNode volume : service.path("volumes")) {
                String source = volume.asText().split(":")[0];
                if (source.startsWith(".")) {
                    assertThat(DIR.resolve(source)).as("mounted %s", source).exists();
                }
            }
        }
    }

    @Test
    void bothBrokerConfigurationsValidateAgainstArtemisSchema() throws Exception {
        var factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        // Artemis's schema imports another from its jar: allowed here by name, as the gateway's process refuses any
        // external XML access (GatewayMain.refuseExternalXml) and an earlier test in this JVM may have set that
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "jar,file");
        var schema = factory
                .newSchema(getClass().getResource("/schema/artemis-server.xsd")); // <configuration>, importing <core>'s
        for (String node : List.of("primary", "backup")) {
            Path file = DIR.resolve("artemis/" + node + "/broker.xml");
            schema.newValidator().validate(new StreamSource(file.toFile()));
            String xml = Files.readString(file);
            for (Map.Entry<String, String> queue : Map.of("unrouted", "cpis.unrouted", "LA901", "cpis.notify.LA901",
                    "LA902", "cpis.upload.LA902.response").entrySet()) {
                assertThat(xml).as(queue.getKey()).contains("<queue name=\"" + queue.getValue() + "\"/>");
            }
        }
    }

    @Test
    void haproxyAcceptsTheBalancerConfiguration() throws Exception {
        Path haproxy = Path.of("/usr/sbin/haproxy");
        Assumptions.assumeTrue(Files.isExecutable(haproxy), "no haproxy here (apt-get install haproxy; .ci/run does)");
        Process check = new ProcessBuilder(haproxy.toString(), "-c", "-f", DIR.resolve("haproxy.cfg").toString())
                .redirectErrorStream(true).start();
        String out = new String(check.getInputStream().readAllBytes());
        assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).as(out).isZero();
        assertThat(out).contains("Configuration file is valid");
    }
}

package org.cpisgateway;

import org.cpisgateway.cli.Cli;
import org.cpisgateway.cli.ConfiguredProperties;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code check-config} reads the route files as the gateway would and names the file and line of each problem,
 * changing nothing: a YAML mistake, a route id used twice, a route configuration no file defines, an unknown
 * component, beside the settings and tables it already checks.
 */
class CheckConfigTest {

    static Object[] checkConfig(Path properties) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream was = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int status = new CommandLine(new Cli()).execute("check-config", "--conf", properties.toString());
            return new Object[] {status, out.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(was);
        }
    }

    static Path copyOfRoutes() throws Exception {
        return TestFolders.copyOf(Path.of("routes"));
    }

    static Path settingsWith(Path routes) throws Exception {
        Path properties = TestFolders.temporary("cpis-settings").resolve("application.properties");
        Files.writeString(properties, Files.readString(Path.of("conf/application.properties"))
                + "\ncpis.reload.routes-dir = " + routes + "\n");
        return properties;
    }

    @Test
    void theShippedConfigurationIsClean() throws Exception {
        Object[] result = checkConfig(settingsWith(copyOfRoutes()));
        assertThat(result[0]).as((String) result[1]).isEqualTo(0);
    }

    @Test
    void aPasAlertTemplateWithAMistakeIsNamed() throws Exception {
        Path mappings = TestFolders.copyOf(Path.of("mappings"));
        Files.writeString(mappings.resolve("pas-alerts.csv"),
                "sending_facility,host,port,template\nR9Z01,127.0.0.1,2576,pas-alert-a08.hl7\n");
        Files.writeString(mappings.resolve("pas-alert-a08.hl7"), Files.readString(Path.of("mappings/pas-alert-a08.hl7"))
                .replace("${alertText}", "${alertTxt}"));
        Path properties = settingsWith(copyOfRoutes());
        Files.writeString(properties, Files.readString(properties) + "cpis.mappings.dir = " + mappings + "\n");
        Object[] result = checkConfig(properties);
        assertThat(result[0]).isEqualTo(1);
        assertThat((String) result[1]).contains("pas-alerts.csv line 2: pas-alert-a08.hl7: unknown placeholder "
                + "${alertTxt}");
    }

    @Test
    void eachRouteFileProblemIsNamedWithItsFileAndLine() throws Exception {
        Path routes = copyOfRoutes();
        Files.writeString(routes.resolve("broken-yaml.camel.yaml"), """
                - route:
                    id: broken
                    from:
                      uri: direct:broken
                      steps:
                        - log: "one"
                         - log: "two"
                """);
        Files.writeString(routes.resolve("mistakes.camel.yaml"), """
                # an integrator's new file
                - route:
                    id: adt-inbound
                    from:
                      uri: direct:somewhere-else
                      steps:
                        - log: "same id as the inbound route"
                - route:
                    id: no-such-configuration
                    routeConfigurationId: answer-evry-message
                    from:
                      uri: direct:typo
                      steps:
                        - to: "ftpx:host/folder"
                """);
        String before = Files.readString(routes.resolve("mistakes.camel.yaml"));
        Object[] result = checkConfig(settingsWith(routes));
        String report = (String) result[1];
        assertThat(result[0]).as(report).isEqualTo(1);
        assertThat(report).containsPattern("problem: .*broken-yaml\\.camel\\.yaml: .*line 7");
        assertThat(report).containsPattern("problem: .*mistakes\\.camel\\.yaml line 2: route id 'adt-inbound' is "
                + "already used at .*adt-inbound\\.camel\\.yaml line \\d+");
        assertThat(report).containsPattern("problem: .*mistakes\\.camel\\.yaml line 8: route no-such-configuration "
                + "names routeConfigurationId 'answer-evry-message'");
        assertThat(report).containsPattern("problem: .*mistakes\\.camel\\.yaml line 1[34]: endpoint 'ftpx:host/folder'"
                + ": no component 'ftpx'");
        assertThat(Files.readString(routes.resolve("mistakes.camel.yaml"))).isEqualTo(before);
    }

    @Test
    void theSitesOwnSettingsBesideTheReleasesWin() throws Exception {
        Path conf = TestFolders.temporary("cpis-conf");
        Path properties = conf.resolve("application.properties");
        Files.copy(Path.of("conf/application.properties"), properties);
        var lookup = ConfiguredProperties.lookup(properties);
        assertThat(lookup.apply("cpis.mllp.port")).contains("2575");
        Files.writeString(conf.resolve("site.properties"), "cpis.mllp.port = 3575\ncpis.http.port = lots\n");
        lookup = ConfiguredProperties.lookup(properties);
        assertThat(lookup.apply("cpis.mllp.port")).contains("3575");
        assertThat(lookup.apply("cpis.store.user")).contains("sa"); // the rest from the release's file
        String report = (String) checkConfig(properties)[1];
        assertThat(report).contains("cpis.http.port = 'lots' is not a whole number");
    }
}

package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The operations page in a real headless Chromium: the page's script fetches the gateway's JSON and draws the chart
 * and tables; the test reads the DOM the browser ends up with. .ci/run installs Debian's chromium; on a machine
 * without it the test is skipped, saying so.
 */
class OpsPageBrowserTest {

    static final Path CHROMIUM = Path.of(System.getProperty("cpis.test.chromium", "/usr/bin/chromium"));

    @Test
    void theOperationsPageShowsTrafficNotificationsAndRoutes() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "no " + CHROMIUM + " (apt-get install chromium; .ci/run does)");
        // from the top of an hour on the gateway's clock: the three messages fall into one bar, this hour's
        try (RunningGateway gateway = RunningGateway.start(TestDates.clockFromTheTopOfAnHour(0),
                TestFolders.temporary("cpis-gateway-test"))) {
            try (Pas pas = Pas.connect(gateway.mllpPort)) {
                pas.send(Hl7Messages.a04(Hl7Messages.newControlId(), "9990000018"));
                pas.send(Hl7Messages.a04(Hl7Messages.newControlId(), "9990000069"));
                pas.send("MSH|^~\\&|TEST-PAS|R9Z01|CPIS|CPIS|" + TestDates.hl7TimeSecondsAgo(0) + "||ORU^R01|" + Hl7Messages.newControlId()
                        + "|P|2.4\rPID|1");
            }
            Waiting.upToAStep().alias("the notification reaches the broker").until(() -> gateway.count(
                    "select count(*) from notification_outbox where sent_at is null") == 0);

            // as the demo operator: the browser answers the Basic challenge of /ops and sends the same credentials
            // with the page's own calls to /api/ops/...
            String dom = render("http://" + Http.OPERATOR[0] + ":" + Http.OPERATOR[1] + "@127.0.0.1:" + gateway.httpPort
                    + "/ops");

            assertThat(dom).contains("data-loaded=\"true\"");
            assertThat(dom).contains("<div id=\"error\" class=\"bad\" role=\"alert\"></div>");
            // the chart: one bar pair per hour, this hour's bars carry the counts
            assertThat(dom).containsPattern("<rect class=\"messages\"[^>]*data-count=\"3\"");
            assertThat(dom).containsPattern("<rect class=\"flagged\"[^>]*data-count=\"1\"");
            assertThat(dom).contains("3 messages, 1 flagged");
            // health, notifications per authority, the failure (AR for the ORU), routes
            assertThat(dom).containsPattern("<td>store</td><td class=\"ok\">UP</td>");
            assertThat(dom).containsPattern("<td>LA901</td><td class=\"n\">1</td>");
            assertThat(dom).containsPattern("<td class=\"bad\">AR</td>");
            // delivery per authority and channel (counted every 10 s: the row is there, its counts may lag)
            assertThat(dom).containsPattern("<td>LA901</td><td>queue:</td><td class=\"n\">\\d+</td>");
            assertThat(dom).containsPattern("<td>adt-inbound</td><td class=\"ok\">Started</td>");
            for (String phi : List.of("9990000018", "9990000069", "TESTCHILD", "20150302")) {
                assertThat(dom).doesNotContain(phi);
            }
        }
    }

    /** The DOM after the page's scripts ran, as headless Chromium serialises it. */
    static String render(String url) throws Exception {
        Path profile = TestFolders.temporary("cpis-chromium");
        Path out = TestFolders.temporary("cpis-ops").resolve("page.html");
        Process chromium = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--virtual-time-budget=10000", "--dump-dom", url)
                .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(chromium.waitFor(90, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}

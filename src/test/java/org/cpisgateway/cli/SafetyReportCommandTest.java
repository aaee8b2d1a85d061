package org.cpisgateway.cli;

import org.cpisgateway.safety.HazardLog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

import org.cpisgateway.TestFolders;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code cpis-gateway safety-report} over a hazard log and surefire/failsafe XML reports written here as the plugins
 * write them: each evidencing test's latest result and its report's time, "not run" where there is none.
 */
class SafetyReportCommandTest {

    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    final Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    final Instant twoHoursAgo = now.minus(Duration.ofHours(2));
    final Instant oneHourAgo = now.minus(Duration.ofHours(1));
    final Instant yesterday = now.minus(Duration.ofDays(1));

    Path dir;
    Path surefire;
    Path failsafe;
    Path log;

    static final String LOG = """
            system: cpis-gateway
            hazards:
              - id: HAZ-001
              # a title with markup, to be shown as text
                title: A <script> & "quotes" in `code`
                status: open
                causes: [one cause]
                effect: the child is not seen
                before: {severity: Major, likelihood: High, risk: 4}
                controls:
                  - control: the tests of every outcome
                    status: in-place
                    evidence:
                      - MixedTest#passes
                      - MixedTest#fails
                      - MixedTest#breaks
                      - MixedTest#waits
                      - MixedTest
                      - ParamTest#each
                      - ParamTest#flaky
                      - ReleaseIT
                      - RerunTest
                      - AbsentTest#anything
                      - MixedTest#notInTheReport
                      - TruncatedTest
                  - control: not built yet
                    status: open
                    evidence: []
                    note: no test yet
                after: {severity: Major, likelihood: Low, risk: 3}
                deployment: run `check-feed` first
            """;

    @BeforeEach
    void reports() throws Exception {
        dir = TestFolders.temporary("cpis-safety-report");
        surefire = Files.createDirectories(dir.resolve("surefire-reports"));
        failsafe = Files.createDirectories(dir.resolve("failsafe-reports"));
        log = dir.resolve("hazard-log.yaml");
        Files.writeString(log, LOG, StandardCharsets.UTF_8);
        report(surefire, "org.example.MixedTest", twoHoursAgo, """
                  <testcase name="passes" classname="org.example.MixedTest" time="0.011"/>
                  <testcase name="fails" classname="org.example.MixedTest" time="0.204">
                    <failure message="expected: &lt;1&gt; but was: &lt;2&gt;" type="org.opentest4j.AssertionFailedError"><![CDATA[org.opentest4j.AssertionFailedError: expected: <1> but was: <2>
                	at org.example.MixedTest.fails(MixedTest.java:12)
                ]]></failure>
                    <system-out><![CDATA[some output of the test]]></system-out>
                  </testcase>
                  <testcase name="breaks" classname="org.example.MixedTest" time="0.1">
                    <error message="boom" type="java.lang.IllegalStateException"><![CDATA[java.lang.IllegalStateException: boom
                	at org.example.MixedTest.breaks(MixedTest.java:20)
                ]]></error>
                  </testcase>
                  <testcase name="waits" classname="org.example.MixedTest" time="0">
                    <skipped message="promtool is not installed"/>
                  </testcase>
                """);
        report(surefire, "org.example.ParamTest", twoHoursAgo, """
                  <testcase name="each(String)[1]" classname="org.example.ParamTest" time="0.01"/>
                  <testcase name="each(String)[2]" classname="org.example.ParamTest" time="0.01"/>
                  <testcase name="flaky" classname="org.example.ParamTest" time="0.3">
                    <flakyFailure message="timing" type="org.awaitility.core.ConditionTimeoutException"><![CDATA[timed out]]></flakyFailure>
                  </testcase>
                """);
        // a class reported in both folders: the newer report counts
        report(surefire, "org.example.RerunTest", yesterday, """
                  <testcase name="once" classname="org.example.RerunTest" time="1.0">
                    <failure message="no" type="java.lang.AssertionError"><![CDATA[java.lang.AssertionError: no]]></failure>
                  </testcase>
                """);
        report(failsafe, "org.example.RerunTest", oneHourAgo, """
                  <testcase name="once" classname="org.example.RerunTest" time="1.0"/>
                """);
        report(failsafe, "org.example.ReleaseIT", oneHourAgo, """
                  <testcase name="fromTheRelease" classname="org.example.ReleaseIT" time="12.5"/>
                """);
        // a build killed while writing a report
        Path truncated = surefire.resolve("TEST-org.example.TruncatedTest.xml");
        Files.writeString(truncated, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"org.example."
                + "TruncatedTest\"><testcase name=\"a\" classname=\"org.example.Trunc", StandardCharsets.UTF_8);
    }

    /** A report as surefire 3 and failsafe write it: TEST-&lt;class&gt;.xml, file time that of the run. */
    static void report(Path folder, String className, Instant time, String cases) throws Exception {
        int tests = cases.split("<testcase ", -1).length - 1;
        Path file = folder.resolve("TEST-" + className + ".xml");
        Files.writeString(file, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<testsuite xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                + "xsi:noNamespaceSchemaLocation=\"https://maven.apache.org/surefire/maven-surefire-plugin/xsd/"
                + "surefire-test-report.xsd\" version=\"3.0.2\" name=\"" + className + "\" time=\"1.5\" tests=\""
                + tests + "\" errors=\"0\" skipped=\"0\" failures=\"0\">\n"
                + "  <properties>\n    <property name=\"java.specification.version\" value=\"17\"/>\n"
                + "    <property name=\"file.encoding\" value=\"UTF-8\"/>\n  </properties>\n"
                + cases + "</testsuite>\n", StandardCharsets.UTF_8);
        Files.setLastModifiedTime(file, FileTime.from(time));
    }

    int run(String... args) {
        SafetyReportCommand command = new SafetyReportCommand();
        command.clock = clock;
        return new CommandLine(command).execute(args);
    }

    String row(String evidence, String outcome, Instant time) {
        return "<td><code>" + evidence + "</code></td><td class=\"" + outcome.replace(' ', '-') + "\">" + outcome
                + (time == null ? "" : ", " + TIME.format(time)) + "</td>";
    }

    @Test
    void eachEvidencingTestShowsItsLatestResultAndTheTimeOfItsReport() throws Exception {
        Path out = dir.resolve("out/safety-report.html");
        assertThat(run("--log", log.toString(), "--reports", surefire + "," + failsafe, "--out", out.toString()))
                .isZero();
        String html = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(html)
                .contains(row("MixedTest#passes", "passed", twoHoursAgo))
                .contains(row("MixedTest#fails", "failed", twoHoursAgo))
                .contains(row("MixedTest#breaks", "failed", twoHoursAgo)) // an error is a failure to the reader
                .contains(row("MixedTest#waits", "skipped", twoHoursAgo))
                .contains(row("MixedTest", "failed", twoHoursAgo)) // a class: failed if any of its tests failed
                .contains(row("ParamTest#each", "passed", twoHoursAgo)) // every run of a parameterized test
                .contains(row("ParamTest#flaky", "passed", twoHoursAgo)) // passed when run again
                .contains(row("ReleaseIT", "passed", oneHourAgo)) // from failsafe's folder
                .contains(row("RerunTest", "passed", oneHourAgo)) // the newer of two reports
                .contains(row("AbsentTest#anything", "not run", null))
                .contains(row("MixedTest#notInTheReport", "not run", null))
                .contains(row("TruncatedTest", "not run", null)) // an unreadable report is left out
                .contains("no test evidences this control")
                .contains("12 tests named: 5 passed, 3 failed, 1 skipped, 3 not run")
                .contains("2 controls: 1 in place, of which 0 with every test passed; 1 open")
                .contains("Generated " + TIME.format(now))
                .contains("oldest report " + TIME.format(twoHoursAgo))
                .contains("does not replace, the clinical safety officer&#39;s review")
                .contains("Major / High: 4").contains("Major / Low: 3")
                .contains("A &lt;script&gt; &amp; &quot;quotes&quot; in <code>code</code>")
                .doesNotContain("<script>")
                .contains("run <code>check-feed</code> first");
        assertThat(dir.resolve("out")).isDirectoryNotContaining("glob:**.part");
    }

    @Test
    void aMarkdownFileIsWrittenWhenAsked() throws Exception {
        Path out = dir.resolve("safety-report.md");
        assertThat(run("--log", log.toString(), "--reports", surefire.toString(), "--reports", failsafe.toString(),
                "--out", out.toString())).isZero();
        String md = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(md).startsWith("# cpis-gateway hazard log: safety report\n")
                .contains("| HAZ-001 | A &lt;script> & \"quotes\" in `code` | open | Major / High: 4 | Major / Low: 3 | "
                        + "5 of 12 passed |")
                .contains("  - `MixedTest#fails`: failed, " + TIME.format(twoHoursAgo) + "\n")
                .contains("  - `ReleaseIT`: passed, " + TIME.format(oneHourAgo) + "\n")
                .contains("  - `AbsentTest#anything`: not run\n")
                .contains("| Very high | 3 | 4 | 4 | 5 | 5 |");
    }

    @Test
    void strictFailsUnlessEveryTestPassed() throws Exception {
        Path out = dir.resolve("strict.html");
        assertThat(run("--log", log.toString(), "--reports", surefire + "," + failsafe, "--out", out.toString(),
                "--strict")).isEqualTo(1);
        assertThat(out).exists(); // written all the same: it says what did not pass
    }

    @Test
    void aLogWithAProblemWritesNothing() throws Exception {
        Files.writeString(log, LOG.replace("risk: 4", "risk: 5"), StandardCharsets.UTF_8);
        Path out = dir.resolve("refused.html");
        assertThat(run("--log", log.toString(), "--reports", surefire.toString(), "--out", out.toString()))
                .isEqualTo(1);
        assertThat(out).doesNotExist();
        Files.writeString(log, LOG.replace("effect:", "efect:"), StandardCharsets.UTF_8);
        assertThat(run("--log", log.toString(), "--out", out.toString())).isEqualTo(1);
        assertThat(run("--log", dir.resolve("missing.yaml").toString(), "--out", out.toString())).isEqualTo(1);
        assertThat(out).doesNotExist();
    }

    /** The shipped hazard log over this build's own reports (whatever has run so far): every hazard is shown. */
    @Test
    void theShippedLogIsReported() throws Exception {
        Path out = dir.resolve("shipped.html");
        assertThat(run("--log", "safety/hazard-log.yaml", "--reports", "target/surefire-reports,"
                + "target/failsafe-reports", "--out", out.toString())).isZero();
        String html = Files.readString(out, StandardCharsets.UTF_8);
        for (HazardLog.Hazard h : HazardLog.read(Path.of("safety/hazard-log.yaml")).hazards()) {
            assertThat(html).contains("<h2 id=\"" + h.id() + "\">");
        }
    }
}

package org.cpisgateway.cli;

import org.cpisgateway.safety.HazardLog;
import org.cpisgateway.safety.SafetyReport;
import org.cpisgateway.safety.TestResults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.JacksonException;
import org.cpisgateway.app.BuildInfo;
import org.cpisgateway.safety.TestResults.Outcome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "safety-report", mixinStandardHelpOptions = true, description = "Write the hazard log (safety/hazard-log.yaml) as one readable "
        + "HTML or Markdown file, with beside each test that evidences a control its latest result (passed, "
        + "failed, skipped, or not run) and the time of its report, read from the build's surefire and failsafe "
        + "reports. Exits 1 when the hazard log has a problem, or with --strict when a test did not pass. It "
        + "supports, and does not replace, a clinical safety officer's review (DCB0129, DCB0160).")
public final class SafetyReportCommand implements Callable<Integer> {

    @Option(names = "--log", paramLabel = "<file>",
            description = "the hazard log (default: safety/hazard-log.yaml of the release, or of the checkout)")
    Path log;

    @Option(names = "--reports", paramLabel = "<dir>", split = ",",
            defaultValue = "target/surefire-reports,target/failsafe-reports",
            description = "folders of TEST-*.xml reports, comma-separated or repeated (default: ${DEFAULT-VALUE})")
    List<Path> reports;

    @Option(names = "--out", paramLabel = "<file>", defaultValue = "safety-report.html",
            description = "the file to write: Markdown if it ends in .md, else HTML (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--strict", description = "exit 1 unless every test the log names passed")
    boolean strict;

    /** The report's time. */
    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() throws IOException {
        Path file = log != null ? log
                : Path.of(System.getProperty("cpis.home", "."), "safety", "hazard-log.yaml");
        if (!Files.isReadable(file)) {
            System.err.println(file + ": cannot be read");
            return 1;
        }
        HazardLog hazards;
        try {
            hazards = HazardLog.read(file);
        } catch (JacksonException e) {
            System.err.println("problem: " + file + ": " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
            return 1;
        }
        List<String> problems = hazards.problems();
        if (!problems.isEmpty()) {
            problems.forEach(p -> System.err.println("problem: " + file + ": " + p));
            return 1;
        }
        TestResults results = TestResults.read(reports);
        results.unreadable().forEach(f -> System.err.println(f + ": not a readable report, left out"));
        SafetyReport report = new SafetyReport(hazards, results, clock.instant(), file, reports, BuildInfo.version());
        boolean markdown = out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".md");
        write(out, markdown ? report.markdown() : report.html());
        Map<Outcome, Integer> tally = report.tally();
        System.out.printf("%s: %d hazards; tests named: %d passed, %d failed, %d skipped, %d not run%n", out,
                hazards.hazards().size(), tally.get(Outcome.PASSED), tally.get(Outcome.FAILED),
                tally.get(Outcome.SKIPPED), tally.get(Outcome.NOT_RUN));
        return strict && tally.get(Outcome.PASSED) < tally.values().stream().mapToInt(Integer::intValue).sum() ? 1 : 0;
    }

    /** Written beside, then moved over the file: a reader never sees half a report. */
    private static void write(Path target, String text) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path partial = Files.createTempFile(dir, ".safety-report", ".part");
        try {
            Files.writeString(partial, text, StandardCharsets.UTF_8);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
    }
}

package org.cpisgateway.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import org.cpisgateway.TestFolders;
import org.cpisgateway.safety.HazardLog.Evidence;
import org.cpisgateway.safety.HazardLog.Likelihood;
import org.cpisgateway.safety.HazardLog.Severity;
import org.junit.jupiter.api.Test;
import org.junit.platform.commons.annotation.Testable;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The hazard log (safety/hazard-log.yaml) stays sound: every hazard has its fields, every rating follows from
 * DCB0129's matrix, and every test named as a control's evidence exists in src/test/java, as a test class or a test
 * method (its own or inherited). A test renamed or removed fails the build here, not at the safety officer's desk.
 */
class HazardLogTest {

    static final Path LOG = Path.of("safety/hazard-log.yaml");
    static final Path TESTS = Path.of("src/test/java");

    @Test
    void theShippedLogHasEveryFieldAndEveryRatingFollowsFromTheMatrix() throws Exception {
        HazardLog log = HazardLog.read(LOG);
        assertThat(log.problems()).isEmpty();
        assertThat(log.hazards()).hasSizeGreaterThanOrEqualTo(10);
    }

    @Test
    void everyTestNamedAsEvidenceExists() throws Exception {
        HazardLog log = HazardLog.read(LOG);
        assertThat(log.evidence()).hasSizeGreaterThan(50);
        assertThat(unresolved(log)).isEmpty();
    }

    /** The silent-feed alarm is not built yet: its control is open, with a note, and its hazard open with it. */
    @Test
    void aHazardWhoseResidualRiskIsStillUndesirableStaysOpenForTheSafetyOfficer() throws Exception {
        // a residual risk of 3 or more is not for the manufacturer to accept: the trust's safety officer decides
        assertThat(HazardLog.read(LOG).hazards()).allSatisfy(h -> {
            if (h.after().risk() >= 3) {
                assertThat(h.status()).as("%s: residual risk %d", h.id(), h.after().risk()).isEqualTo("open");
            }
        });
    }

    @Test
    void theMatrixIsDcb0129sAndTheLogShowsTheSame() throws Exception {
        assertThat(HazardLog.rating(Severity.MINOR, Likelihood.VERY_LOW)).isEqualTo(1);
        assertThat(HazardLog.rating(Severity.MAJOR, Likelihood.LOW)).isEqualTo(3);
        assertThat(HazardLog.rating(Severity.CONSIDERABLE, Likelihood.VERY_HIGH)).isEqualTo(4);
        assertThat(HazardLog.rating(Severity.CATASTROPHIC, Likelihood.VERY_LOW)).isEqualTo(3);
        assertThat(HazardLog.rating(Severity.CATASTROPHIC, Likelihood.VERY_HIGH)).isEqualTo(5);
        for (Severity s : Severity.values()) {
            for (Likelihood l : Likelihood.values()) {
                if (s.ordinal() > 0) {
                    assertThat(HazardLog.rating(s, l)).as("worse severity, no lower risk")
                            .isGreaterThanOrEqualTo(HazardLog.rating(Severity.values()[s.ordinal() - 1], l));
                }
                if (l.ordinal() > 0) {
                    assertThat(HazardLog.rating(s, l)).as("likelier, no lower risk")
                            .isGreaterThanOrEqualTo(HazardLog.rating(s, Likelihood.values()[l.ordinal() - 1]));
                }
            }
        }
        // the matrix drawn in the log's own header is the one checked
        Map<String, List<Integer>> drawn = new TreeMap<>();
        Matcher row = java.util.regex.Pattern.compile("(?m)^#\\s+(Very high|High|Medium|Low|Very low)((?:\\s+\\d){5})\\s*$")
                .matcher(Files.readString(LOG, StandardCharsets.UTF_8));
        while (row.find()) {
            drawn.put(row.group(1), Stream.of(row.group(2).trim().split("\\s+")).map(Integer::valueOf).toList());
        }
        assertThat(drawn).hasSize(5);
        for (Likelihood l : Likelihood.values()) {
            assertThat(drawn.get(l.term)).as(l.term).isEqualTo(Stream.of(Severity.values())
                    .map(s -> HazardLog.rating(s, l)).toList());
        }
    }

    @Test
    void aBrokenLogIsNamedProblemByProblem() throws Exception {
        Path dir = TestFolders.temporary("cpis-hazard-log");
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, """
                system: cpis-gateway
                hazards:
                  - id: HAZ-001
                    title: Missing its effect, rated against the matrix
                    status: closed
                    causes: [a cause]
                    before: {severity: Major, likelihood: Medium, risk: 4}
                    controls:
                      - control: in place without a test
                        status: in-place
                        evidence: []
                      - control: open under a closed hazard, and without a note
                        status: open
                        evidence: []
                      - control: a malformed evidence name
                        status: in-place
                        evidence: [flagRulesTest.something]
                    after: {severity: Dreadful, likelihood: Sometimes, risk: 2}
                  - id: HAZ-001
                    title: The same id again, no causes, no controls, no risks
                    status: pending
                    effect: an effect
                """, StandardCharsets.UTF_8);
        assertThat(HazardLog.read(broken).problems()).containsExactly(
                "HAZ-001: effect missing",
                "HAZ-001: before risk 4 does not follow from Major and medium likelihood, which give 3",
                "HAZ-001: after severity must be one of Minor, Significant, Considerable, Major, Catastrophic, "
                        + "not Dreadful",
                "HAZ-001: after likelihood must be one of Very low, Low, Medium, High, Very high, not Sometimes",
                "HAZ-001 control 1: in place but no test evidences it (mark it open, with a note, until one does)",
                "HAZ-001 control 2: note (why it is open) missing",
                "HAZ-001 control 2: is open, so its hazard must be open, not closed",
                "HAZ-001 control 3: evidence 'flagRulesTest.something' is not TestClass or TestClass#method",
                "HAZ-001: id used twice",
                "HAZ-001: status must be one of open, closed, transferred, not pending",
                "HAZ-001: causes missing or empty",
                "HAZ-001: before missing (severity, likelihood, risk)",
                "HAZ-001: after missing (severity, likelihood, risk)",
                "HAZ-001: controls missing");

        Path misspelt = dir.resolve("misspelt.yaml");
        Files.writeString(misspelt, """
                system: cpis-gateway
                hazards:
                  - id: HAZ-001
                    titel: a field the log does not have
                """, StandardCharsets.UTF_8);
        assertThatThrownBy(() -> HazardLog.read(misspelt)).isInstanceOf(UnrecognizedPropertyException.class)
                .hasMessageContaining("titel");
    }

    @Test
    void aTestThatDoesNotExistIsNamed() throws Exception {
        Path log = TestFolders.temporary("cpis-hazard-log").resolve("hazard-log.yaml");
        Files.writeString(log, """
                system: cpis-gateway
                hazards:
                  - id: HAZ-001
                    title: evidence of every kind
                    status: closed
                    causes: [a cause]
                    effect: an effect
                    before: {severity: Major, likelihood: Medium, risk: 3}
                    controls:
                      - control: tests that are there, tests that are not
                        status: in-place
                        evidence:
                          - FlagRulesTest#anOpenPlanFlagsAndNotifiesItsAuthority
                          - MessageStoreTest#aPlanThatEndedWithinTwelveMonthsFlagsAndIsNotifiedWithItsEndDate
                          - GracefulStopIT
                          - NoSuchTest
                          - FlagRulesTest#noSuchMethod
                          - LogPrivacy
                          - LogPrivacy#assertNoneOf
                          - FlagRulesTest#nhsNumber
                    after: {severity: Major, likelihood: Low, risk: 3}
                """, StandardCharsets.UTF_8);
        HazardLog read = HazardLog.read(log);
        assertThat(read.problems()).isEmpty();
        assertThat(unresolved(read)).containsExactly(
                "NoSuchTest: no such class in src/test/java",
                "FlagRulesTest#noSuchMethod: no such test method in org.cpisgateway.core.FlagRulesTest",
                "LogPrivacy: org.cpisgateway.LogPrivacy has no test",
                "LogPrivacy#assertNoneOf: no such test method in org.cpisgateway.LogPrivacy",
                "FlagRulesTest#nhsNumber: no such test method in org.cpisgateway.core.FlagRulesTest");
    }

    /** Each evidence that names no test class of src/test/java, or no test method of it, with why. */
    static List<String> unresolved(HazardLog log) throws IOException {
        Map<String, List<Path>> sources;
        try (Stream<Path> files = Files.walk(TESTS)) {
            sources = files.filter(f -> f.getFileName().toString().endsWith(".java"))
                    .collect(Collectors.groupingBy(f -> f.getFileName().toString().replaceFirst("\\.java$", "")));
        }
        List<String> problems = new ArrayList<>();
        for (Evidence e : log.evidence().stream().distinct().toList()) {
            List<Path> found = sources.getOrDefault(e.testClass(), List.of());
            if (found.size() != 1) {
                problems.add(e + (found.isEmpty() ? ": no such class in src/test/java"
                        : ": more than one class of that name in src/test/java: " + found));
                continue;
            }
            String name = TESTS.relativize(found.get(0)).toString().replace(found.get(0).getFileSystem()
                    .getSeparator(), ".").replaceFirst("\\.java$", "");
            Class<?> type;
            try {
                type = Class.forName(name, false, HazardLogTest.class.getClassLoader());
            } catch (ClassNotFoundException ex) {
                problems.add(e + ": " + name + " is not compiled");
                continue;
            }
            List<Method> tests = testMethods(type);
            if (e.method() == null && tests.isEmpty()) {
                problems.add(e + ": " + name + " has no test");
            } else if (e.method() != null && tests.stream().noneMatch(m -> m.getName().equals(e.method()))) {
                problems.add(e + ": no such test method in " + name);
            }
        }
        return problems;
    }

    /** The methods of a class and its superclasses that JUnit runs: @Test, @ParameterizedTest and their kin. */
    static List<Method> testMethods(Class<?> type) {
        List<Method> tests = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (AnnotationSupport.isAnnotated(m, Testable.class)) {
                    tests.add(m);
                }
            }
        }
        return tests;
    }
}

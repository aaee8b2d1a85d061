package org.cpisgateway.safety;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The hazard log (safety/hazard-log.yaml, docs/safety.md): each clinical hazard with its causes, its effect on the
 * child, its risk before and after its controls on DCB0129's 5x5 matrix, and for each control the tests that show it
 * works. Read with Jackson's YAML; a field it does not know fails the read, and {@link #problems()} names every
 * missing field, unknown term and rating that does not follow from the matrix.
 */
public record HazardLog(String system, List<Hazard> hazards) {

    /** DCB0129's severity terms, least to worst. */
    public enum Severity {
        MINOR("Minor"), SIGNIFICANT("Significant"), CONSIDERABLE("Considerable"), MAJOR("Major"),
        CATASTROPHIC("Catastrophic");

        public final String term;

        Severity(String term) {
            this.term = term;
        }
    }

    /** DCB0129's likelihood terms, least to most. */
    public enum Likelihood {
        VERY_LOW("Very low"), LOW("Low"), MEDIUM("Medium"), HIGH("High"), VERY_HIGH("Very high");

        public final String term;

        Likelihood(String term) {
            this.term = term;
        }
    }

    /** The risk rating, {@code MATRIX[likelihood][severity]} in the order of the two enums. */
    private static final int[][] MATRIX = {
        {1, 1, 2, 2, 3}, // Very low
        {1, 2, 2, 3, 4}, // Low
        {2, 2, 3, 3, 4}, // Medium
        {2, 3, 3, 4, 5}, // High
        {3, 4, 4, 5, 5}, // Very high
    };

    private static final List<String> MEANINGS = List.of(
            "Acceptable, no further action required",
            "Acceptable where the cost of further reduction outweighs the benefit",
            "Undesirable: acceptable only where further reduction is impractical",
            "Mandatory elimination or control to an acceptable level",
            "Unacceptable");

    public static final Set<String> HAZARD_STATUSES = Set.of("open", "closed", "transferred");
    public static final Set<String> CONTROL_STATUSES = Set.of("in-place", "open");

    private static final Pattern EVIDENCE = Pattern.compile("([A-Z][A-Za-z0-9_]*)(?:#([a-z][A-Za-z0-9_]*))?");

    /** One clinical hazard. */
    public record Hazard(String id, String title, String status, List<String> causes, String effect, Risk before,
            List<Control> controls, Risk after, String deployment) {
    }

    /** Severity and likelihood in DCB0129's terms, and the rating they give. */
    public record Risk(String severity, String likelihood, Integer risk) {

        /** "Major / Low: 3". */
        public String describe() {
            return severity + " / " + likelihood + ": " + risk;
        }
    }

    /** A control of a hazard, and the tests that evidence it. */
    public record Control(String control, String status, List<String> evidence, String note) {

        public boolean inPlace() {
            return !"open".equals(status);
        }
    }

    /** A test named as evidence: a test class, or one of its test methods ({@code method} null for the class). */
    public record Evidence(String testClass, String method) {

        /** The evidence as written, {@code null} if it is not {@code TestClass} or {@code TestClass#method}. */
        public static Evidence parse(String text) {
            var m = text == null ? null : EVIDENCE.matcher(text.strip());
            return m != null && m.matches() ? new Evidence(m.group(1), m.group(2)) : null;
        }

        @Override
        public String toString() {
            return method == null ? testClass : testClass + "#" + method;
        }
    }

    public static HazardLog read(Path file) throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        HazardLog log = yaml.readValue(file.toFile(), HazardLog.class);
        return log == null ? new HazardLog(null, null) : log;
    }

    /** The rating DCB0129's matrix gives. */
    public static int rating(Severity severity, Likelihood likelihood) {
        return MATRIX[likelihood.ordinal()][severity.ordinal()];
    }

    /** What a rating of 1 to 5 means. */
    public static String meaning(int rating) {
        return rating >= 1 && rating <= 5 ? MEANINGS.get(rating - 1) : "not a rating";
    }

    public static Optional<Severity> severity(String term) {
        for (Severity s : Severity.values()) {
            if (s.term.equalsIgnoreCase(term == null ? "" : term.strip())) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    public static Optional<Likelihood> likelihood(String term) {
        for (Likelihood l : Likelihood.values()) {
            if (l.term.equalsIgnoreCase(term == null ? "" : term.strip())) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }

    /** Every test named as evidence anywhere in the log, as written (malformed names left out: see problems). */
    public List<Evidence> evidence() {
        List<Evidence> all = new ArrayList<>();
        for (Hazard h : list(hazards)) {
            for (Control c : list(h.controls())) {
                for (String e : list(c.evidence())) {
                    Evidence parsed = Evidence.parse(e);
                    if (parsed != null) {
                        all.add(parsed);
                    }
                }
            }
        }
        return all;
    }

    /**
     * Every problem of the log, one line each beginning with the hazard's id (or its position when it has none): a
     * missing field, a term not in DCB0129's matrix, a rating the matrix does not give, a control in place without
     * evidence, an open control without a note or under a closed hazard. Empty when the log is sound. Whether the
     * named tests exist is for the test suite to say ({@code HazardLogTest}): a release holds no tests.
     */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (blank(system)) {
            problems.add("system: missing");
        }
        if (hazards == null || hazards.isEmpty()) {
            problems.add("hazards: none");
            return problems;
        }
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < hazards.size(); i++) {
            Hazard h = hazards.get(i);
            if (h == null) {
                problems.add("hazard " + (i + 1) + ": empty");
                continue;
            }
            String where = blank(h.id()) ? "hazard " + (i + 1) : h.id();
            if (blank(h.id())) {
                problems.add(where + ": id missing");
            } else if (!ids.add(h.id())) {
                problems.add(where + ": id used twice");
            }
            require(problems, where, "title", h.title());
            require(problems, where, "effect", h.effect());
            if (!HAZARD_STATUSES.contains(String.valueOf(h.status()))) {
                problems.add(where + ": status must be one of open, closed, transferred, not " + h.status());
            }
            if (list(h.causes()).isEmpty() || h.causes().stream().anyMatch(HazardLog::blank)) {
                problems.add(where + ": causes missing or empty");
            }
            checkRisk(problems, where, "before", h.before());
            checkRisk(problems, where, "after", h.after());
            if (h.before() != null && h.after() != null && h.before().risk() != null && h.after().risk() != null
                    && h.after().risk() > h.before().risk()) {
                problems.add(where + ": the risk after the controls is higher than before them");
            }
            if (list(h.controls()).isEmpty()) {
                problems.add(where + ": controls missing");
            }
            for (int c = 0; c < list(h.controls()).size(); c++) {
                checkControl(problems, where + " control " + (c + 1), h, h.controls().get(c));
            }
        }
        return problems;
    }

    private static void checkControl(List<String> problems, String where, Hazard h, Control c) {
        if (c == null) {
            problems.add(where + ": empty");
            return;
        }
        require(problems, where, "control", c.control());
        if (!CONTROL_STATUSES.contains(String.valueOf(c.status()))) {
            problems.add(where + ": status must be in-place or open, not " + c.status());
            return;
        }
        for (String e : list(c.evidence())) {
            if (Evidence.parse(e) == null) {
                problems.add(where + ": evidence '" + e + "' is not TestClass or TestClass#method");
            }
        }
        if (c.inPlace() && list(c.evidence()).isEmpty()) {
            problems.add(where + ": in place but no test evidences it (mark it open, with a note, until one does)");
        }
        if (!c.inPlace()) {
            require(problems, where, "note (why it is open)", c.note());
            if (!"open".equals(h.status())) {
                problems.add(where + ": is open, so its hazard must be open, not " + h.status());
            }
        }
    }

    private static void checkRisk(List<String> problems, String where, String which, Risk r) {
        if (r == null) {
            problems.add(where + ": " + which + " missing (severity, likelihood, risk)");
            return;
        }
        Optional<Severity> s = severity(r.severity());
        Optional<Likelihood> l = likelihood(r.likelihood());
        if (s.isEmpty()) {
            problems.add(where + ": " + which + " severity must be one of Minor, Significant, Considerable, Major, "
                    + "Catastrophic, not " + r.severity());
        }
        if (l.isEmpty()) {
            problems.add(where + ": " + which + " likelihood must be one of Very low, Low, Medium, High, Very high, "
                    + "not " + r.likelihood());
        }
        if (r.risk() == null) {
            problems.add(where + ": " + which + " risk missing");
        } else if (s.isPresent() && l.isPresent() && rating(s.get(), l.get()) != r.risk()) {
            problems.add(String.format(Locale.ROOT, "%s: %s risk %d does not follow from %s and %s likelihood, "
                    + "which give %d", where, which, r.risk(), s.get().term, l.get().term.toLowerCase(Locale.ROOT),
                    rating(s.get(), l.get())));
        }
    }

    private static void require(List<String> problems, String where, String field, String value) {
        if (blank(value)) {
            problems.add(where + ": " + field + " missing");
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : l;
    }
}

package org.cpisgateway.safety;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.cpisgateway.safety.HazardLog.Control;
import org.cpisgateway.safety.HazardLog.Evidence;
import org.cpisgateway.safety.HazardLog.Hazard;
import org.cpisgateway.safety.HazardLog.Likelihood;
import org.cpisgateway.safety.HazardLog.Risk;
import org.cpisgateway.safety.HazardLog.Severity;
import org.cpisgateway.safety.TestResults.Outcome;
import org.cpisgateway.safety.TestResults.Result;

/**
 * The hazard log as one readable page, HTML or Markdown: each hazard, its risk before and after its controls, and
 * beside each test that evidences a control its latest result and the time of its report, or "not run".
 */
public final class SafetyReport {

    public static final String NOT_A_REVIEW = "This report supports, and does not replace, the clinical safety officer's "
            + "review of the hazard log under DCB0129 (manufacturer) and DCB0160 (deploying organisation). A passed "
            + "test shows that a control behaves as its test says, on the build that ran it; it does not show that "
            + "the hazard log is complete, nor that the ratings are right for a particular deployment.";

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final HazardLog log;
    private final TestResults results;
    private final Instant generated;
    private final Path logFile;
    private final List<Path> reportDirs;
    private final String version;

    public SafetyReport(HazardLog log, TestResults results, Instant generated, Path logFile, List<Path> reportDirs,
            String version) {
        this.log = log;
        this.results = results;
        this.generated = generated;
        this.logFile = logFile;
        this.reportDirs = reportDirs;
        this.version = version;
    }

    /** How many of the distinct tests the log names have each outcome. */
    public Map<Outcome, Integer> tally() {
        Map<Outcome, Integer> tally = new EnumMap<>(Outcome.class);
        for (Outcome o : Outcome.values()) {
            tally.put(o, 0);
        }
        log.evidence().stream().distinct().forEach(e -> tally.merge(results.of(e).outcome(), 1, Integer::sum));
        return tally;
    }

    /** The oldest report among the evidence's results, if any was run. */
    public Optional<Instant> oldestEvidence() {
        return log.evidence().stream().map(results::of).map(Result::reported).filter(t -> t != null)
                .min(Instant::compareTo);
    }

    private List<Evidence> evidence(Control c) {
        List<Evidence> list = new ArrayList<>();
        for (String text : HazardLog.list(c.evidence())) {
            Evidence e = Evidence.parse(text);
            if (e != null) {
                list.add(e);
            }
        }
        return list;
    }

    /** Whether every test of an in-place control passed. */
    private boolean evidenced(Control c) {
        List<Evidence> list = evidence(c);
        return c.inPlace() && !list.isEmpty()
                && list.stream().allMatch(e -> results.of(e).outcome() == Outcome.PASSED);
    }

    private String resultWords(Result r) {
        return r.reported() == null ? r.outcome().words : r.outcome().words + ", " + TIME.format(r.reported());
    }

    private String summaryLine() {
        Map<Outcome, Integer> t = tally();
        return String.format("%d tests named: %d passed, %d failed, %d skipped, %d not run", t.values().stream()
                .mapToInt(Integer::intValue).sum(), t.get(Outcome.PASSED), t.get(Outcome.FAILED),
                t.get(Outcome.SKIPPED), t.get(Outcome.NOT_RUN));
    }

    private String controlsLine() {
        List<Control> all = HazardLog.list(log.hazards()).stream().flatMap(h -> HazardLog.list(h.controls()).stream())
                .toList();
        long inPlace = all.stream().filter(Control::inPlace).count();
        long evidenced = all.stream().filter(this::evidenced).count();
        return String.format("%d controls: %d in place, of which %d with every test passed; %d open", all.size(),
                inPlace, evidenced, all.size() - inPlace);
    }

    private String hazardsLine() {
        Map<String, Long> byStatus = HazardLog.list(log.hazards()).stream()
                .collect(Collectors.groupingBy(h -> String.valueOf(h.status()), LinkedHashMap::new,
                        Collectors.counting()));
        return HazardLog.list(log.hazards()).size() + " hazards: " + byStatus.entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "));
    }

    private String provenance() {
        return "Generated " + TIME.format(generated) + " by cpis-gateway " + version + " from " + logFile
                + "; test results from " + reportDirs.stream().map(Path::toString).collect(Collectors.joining(", "))
                + oldestEvidence().map(t -> " (oldest report " + TIME.format(t) + ")").orElse(" (no report found)")
                + ".";
    }

    private static String risk(Risk r) {
        return r == null ? "" : r.severity() + " / " + r.likelihood() + ": " + r.risk();
    }

    private String evidenceCount(Hazard h) {
        List<Evidence> all = HazardLog.list(h.controls()).stream().flatMap(c -> evidence(c).stream()).toList();
        long passed = all.stream().filter(e -> results.of(e).outcome() == Outcome.PASSED).count();
        return passed + " of " + all.size() + " passed";
    }

    // ---------------------------------------------------------------------------------------------------- HTML

    public String html() {
        StringBuilder b = new StringBuilder(64 * 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>").append(esc(log.system())).append(" hazard log: safety report</title>\n")
                .append("<style>\n")
                .append("body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;")
                .append("line-height:1.4;color:#111}\n")
                .append("table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{border:1px solid #999;")
                .append("padding:.25rem .5rem;vertical-align:top;text-align:left}\n")
                .append(".note{background:#fff4ce;border-left:4px solid #c90;padding:.5rem 1rem}\n")
                .append(".passed{color:#060}.failed{color:#b00;font-weight:bold}.skipped{color:#850}")
                .append(".not-run{color:#b00}.passed,.failed,.skipped,.not-run{white-space:nowrap}\n")
                .append(".r1,.r2{background:#cfe8cf}.r3{background:#fff0b3}.r4,.r5{background:#f4c2c2}\n")
                .append("code{font-size:.9em}\n</style>\n</head>\n<body>\n");
        b.append("<h1>").append(esc(log.system())).append(" hazard log: safety report</h1>\n");
        b.append("<p class=\"note\"><strong>").append(esc(NOT_A_REVIEW)).append("</strong></p>\n");
        b.append("<p>").append(esc(provenance())).append("</p>\n");
        b.append("<ul>\n<li>").append(esc(hazardsLine())).append("</li>\n<li>").append(esc(controlsLine()))
                .append("</li>\n<li>").append(esc(summaryLine())).append("</li>\n</ul>\n");

        b.append("<h2>Hazards</h2>\n<table>\n<tr><th>id</th><th>hazard</th><th>status</th>")
                .append("<th>risk before controls</th><th>risk after controls</th><th>evidence</th></tr>\n");
        for (Hazard h : HazardLog.list(log.hazards())) {
            b.append("<tr><td><a href=\"#").append(esc(h.id())).append("\">").append(esc(h.id()))
                    .append("</a></td><td>").append(prose(h.title())).append("</td><td>").append(esc(h.status()))
                    .append("</td>").append(riskCell(h.before())).append(riskCell(h.after())).append("<td>")
                    .append(esc(evidenceCount(h))).append("</td></tr>\n");
        }
        b.append("</table>\n");

        for (Hazard h : HazardLog.list(log.hazards())) {
            b.append("<h2 id=\"").append(esc(h.id())).append("\">").append(esc(h.id())).append(": ")
                    .append(prose(h.title())).append("</h2>\n");
            b.append("<p>Status: <strong>").append(esc(h.status())).append("</strong></p>\n");
            b.append("<h3>Causes</h3>\n<ul>\n");
            for (String c : HazardLog.list(h.causes())) {
                b.append("<li>").append(prose(c)).append("</li>\n");
            }
            b.append("</ul>\n<h3>Effect on the child</h3>\n<p>").append(prose(h.effect())).append("</p>\n");
            b.append("<table>\n<tr><th></th><th>severity</th><th>likelihood</th><th>risk</th><th>meaning</th></tr>\n")
                    .append(riskRow("before controls", h.before())).append(riskRow("after controls", h.after()))
                    .append("</table>\n");
            b.append("<h3>Controls</h3>\n<table>\n<tr><th>control</th><th>status</th><th>evidence</th>")
                    .append("<th>latest result</th></tr>\n");
            for (Control c : HazardLog.list(h.controls())) {
                List<Evidence> list = evidence(c);
                int rows = Math.max(1, list.size());
                b.append("<tr><td rowspan=\"").append(rows).append("\">").append(prose(c.control()));
                if (c.note() != null && !c.note().isBlank()) {
                    b.append("<br><em>").append(prose(c.note())).append("</em>");
                }
                b.append("</td><td rowspan=\"").append(rows).append("\">").append(esc(c.status())).append("</td>");
                if (list.isEmpty()) {
                    b.append("<td>none</td><td class=\"not-run\">no test evidences this control</td></tr>\n");
                }
                for (int i = 0; i < list.size(); i++) {
                    Result r = results.of(list.get(i));
                    b.append(i == 0 ? "" : "<tr>").append("<td><code>").append(esc(list.get(i).toString()))
                            .append("</code></td><td class=\"").append(r.outcome().words.replace(' ', '-'))
                            .append("\">").append(esc(resultWords(r))).append("</td></tr>\n");
                }
            }
            b.append("</table>\n");
            if (h.deployment() != null && !h.deployment().isBlank()) {
                b.append("<h3>For the deploying organisation (DCB0160)</h3>\n<p>").append(prose(h.deployment()))
                        .append("</p>\n");
            }
        }

        b.append("<h2>Risk matrix (DCB0129)</h2>\n<table>\n<tr><th>likelihood \\ severity</th>");
        for (Severity s : Severity.values()) {
            b.append("<th>").append(s.term).append("</th>");
        }
        b.append("</tr>\n");
        for (int l = Likelihood.values().length - 1; l >= 0; l--) {
            Likelihood likelihood = Likelihood.values()[l];
            b.append("<tr><th>").append(likelihood.term).append("</th>");
            for (Severity s : Severity.values()) {
                int r = HazardLog.rating(s, likelihood);
                b.append("<td class=\"r").append(r).append("\">").append(r).append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</table>\n<table>\n<tr><th>risk</th><th>meaning</th></tr>\n");
        for (int r = 1; r <= 5; r++) {
            b.append("<tr><td class=\"r").append(r).append("\">").append(r).append("</td><td>")
                    .append(esc(HazardLog.meaning(r))).append("</td></tr>\n");
        }
        b.append("</table>\n</body>\n</html>\n");
        return b.toString();
    }

    private static String riskCell(Risk r) {
        return r == null ? "<td></td>" : "<td class=\"r" + r.risk() + "\">" + esc(risk(r)) + "</td>";
    }

    private static String riskRow(String which, Risk r) {
        if (r == null) {
            return "<tr><th>" + which + "</th><td colspan=\"4\">missing</td></tr>\n";
        }
        return "<tr><th>" + which + "</th><td>" + esc(r.severity()) + "</td><td>" + esc(r.likelihood())
                + "</td><td class=\"r" + r.risk() + "\">" + r.risk() + "</td><td>"
                + esc(r.risk() == null ? "" : HazardLog.meaning(r.risk())) + "</td></tr>\n";
    }

    /** Text for HTML, with `code` as code. */
    static String prose(String s) {
        return esc(s).replaceAll("`([^`]+)`", "<code>$1</code>");
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    // ------------------------------------------------------------------------------------------------ Markdown

    public String markdown() {
        StringBuilder b = new StringBuilder(64 * 1024);
        b.append("# ").append(md(log.system())).append(" hazard log: safety report\n\n");
        b.append("> **").append(md(NOT_A_REVIEW)).append("**\n\n");
        b.append(md(provenance())).append("\n\n");
        b.append("- ").append(md(hazardsLine())).append("\n- ").append(md(controlsLine())).append("\n- ")
                .append(md(summaryLine())).append("\n\n");
        b.append("| id | hazard | status | risk before controls | risk after controls | evidence |\n")
                .append("|---|---|---|---|---|---|\n");
        for (Hazard h : HazardLog.list(log.hazards())) {
            b.append("| ").append(cell(h.id())).append(" | ").append(cell(h.title())).append(" | ")
                    .append(cell(h.status())).append(" | ").append(cell(risk(h.before()))).append(" | ")
                    .append(cell(risk(h.after()))).append(" | ").append(cell(evidenceCount(h))).append(" |\n");
        }
        for (Hazard h : HazardLog.list(log.hazards())) {
            b.append("\n## ").append(md(h.id())).append(": ").append(md(h.title())).append("\n\n");
            b.append("Status: **").append(md(h.status())).append("**\n\n### Causes\n\n");
            for (String c : HazardLog.list(h.causes())) {
                b.append("- ").append(md(c)).append('\n');
            }
            b.append("\n### Effect on the child\n\n").append(md(h.effect())).append("\n\n");
            b.append("| | severity | likelihood | risk | meaning |\n|---|---|---|---|---|\n");
            b.append(mdRiskRow("before controls", h.before())).append(mdRiskRow("after controls", h.after()));
            b.append("\n### Controls\n\n");
            for (Control c : HazardLog.list(h.controls())) {
                b.append("- ").append(md(c.control())).append(" (").append(md(c.status())).append(")\n");
                if (c.note() != null && !c.note().isBlank()) {
                    b.append("  *").append(md(c.note())).append("*\n");
                }
                List<Evidence> list = evidence(c);
                if (list.isEmpty()) {
                    b.append("  - no test evidences this control\n");
                }
                for (Evidence e : list) {
                    b.append("  - `").append(e).append("`: ").append(resultWords(results.of(e))).append('\n');
                }
            }
            if (h.deployment() != null && !h.deployment().isBlank()) {
                b.append("\n### For the deploying organisation (DCB0160)\n\n").append(md(h.deployment()))
                        .append('\n');
            }
        }
        b.append("\n## Risk matrix (DCB0129)\n\n| likelihood \\ severity |");
        for (Severity s : Severity.values()) {
            b.append(' ').append(s.term).append(" |");
        }
        b.append("\n|---|---|---|---|---|---|\n");
        for (int l = Likelihood.values().length - 1; l >= 0; l--) {
            Likelihood likelihood = Likelihood.values()[l];
            b.append("| ").append(likelihood.term).append(" |");
            for (Severity s : Severity.values()) {
                b.append(' ').append(HazardLog.rating(s, likelihood)).append(" |");
            }
            b.append('\n');
        }
        b.append("\n| risk | meaning |\n|---|---|\n");
        for (int r = 1; r <= 5; r++) {
            b.append("| ").append(r).append(" | ").append(cell(HazardLog.meaning(r))).append(" |\n");
        }
        return b.toString();
    }

    private static String mdRiskRow(String which, Risk r) {
        if (r == null) {
            return "| " + which + " | missing | | | |\n";
        }
        return "| " + which + " | " + cell(r.severity()) + " | " + cell(r.likelihood()) + " | "
                + (r.risk() == null ? "" : r.risk() + " | " + cell(HazardLog.meaning(r.risk()))) + " |\n";
    }

    /**
     * Text for Markdown: emphasis characters and HTML taken literally, except inside `code`, which stays code; one
     * line.
     */
    private static String md(String s) {
        if (s == null) {
            return "";
        }
        String[] parts = s.replace("\n", " ").split("`", -1);
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < parts.length; i++) {
            boolean code = i % 2 == 1 && i < parts.length - 1; // between two backticks; the last: one unpaired
            if (i % 2 == 1) {
                b.append(code ? "`" : "\\`");
            }
            b.append(code ? parts[i] : parts[i].replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_")
                    .replace("<", "&lt;"));
            if (code) {
                b.append('`');
            }
        }
        return b.toString();
    }

    private static String cell(String s) {
        return md(s).replace("|", "\\|");
    }
}

package org.cpisgateway.safety;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * The latest result of each test, read from the build's XML reports: {@code TEST-*.xml} as surefire and failsafe
 * write them ({@code target/surefire-reports}, {@code target/failsafe-reports}). A report holds one test class; its
 * time is the file's (the reports carry none of their own). Where two folders hold the same class, the newer report
 * counts.
 */
public final class TestResults {

    public enum Outcome {
        PASSED("passed"), FAILED("failed"), SKIPPED("skipped"), NOT_RUN("not run");

        final String words;

        Outcome(String words) {
            this.words = words;
        }
    }

    /** A test's (or a class's) result: {@code reported} and {@code report} are null when it was not run. */
    public record Result(Outcome outcome, Instant reported, Path report) {

        static final Result NOT_RUN = new Result(Outcome.NOT_RUN, null, null);
    }

    /** One test class's report: each test method's outcome (a repeated or parameterized method: all its runs). */
    private record ClassReport(Path file, Instant time, Map<String, Outcome> methods) {
    }

    private final Map<String, ClassReport> bySimpleName;
    private final List<Path> unreadable;

    private TestResults(Map<String, ClassReport> bySimpleName, List<Path> unreadable) {
        this.bySimpleName = bySimpleName;
        this.unreadable = unreadable;
    }

    /** The reports in {@code dirs}; a folder that does not exist holds none. */
    public static TestResults read(List<Path> dirs) throws IOException {
        Map<String, ClassReport> classes = new HashMap<>();
        List<Path> unreadable = new ArrayList<>();
        DocumentBuilder parser = parser();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            List<Path> files;
            try (Stream<Path> s = Files.list(dir)) {
                files = s.filter(f -> f.getFileName().toString().startsWith("TEST-")
                        && f.getFileName().toString().endsWith(".xml")).sorted().toList();
            }
            for (Path f : files) {
                Instant time = Files.getLastModifiedTime(f).toInstant();
                Map<String, Map<String, Outcome>> inFile;
                try (InputStream in = Files.newInputStream(f)) {
                    inFile = testCases(parser.parse(in).getDocumentElement());
                } catch (SAXException e) {
                    unreadable.add(f);
                    continue;
                }
                inFile.forEach((className, methods) -> {
                    String simple = className.substring(className.lastIndexOf('.') + 1);
                    ClassReport earlier = classes.get(simple);
                    if (earlier == null || earlier.time().isBefore(time)) {
                        classes.put(simple, new ClassReport(f, time, methods));
                    }
                });
            }
        }
        return new TestResults(classes, unreadable);
    }

    /** Report files that were not XML a parser could read (a build killed while writing one). */
    public List<Path> unreadable() {
        return unreadable;
    }

    /** The result of a test method, or of every test of a class when {@code method} is null. */
    public Result of(HazardLog.Evidence evidence) {
        ClassReport report = bySimpleName.get(evidence.testClass());
        if (report == null) {
            return Result.NOT_RUN;
        }
        Outcome outcome;
        if (evidence.method() == null) {
            outcome = combine(report.methods().values().stream().toList());
        } else {
            Outcome o = report.methods().get(evidence.method());
            outcome = o == null ? Outcome.NOT_RUN : o;
        }
        return outcome == Outcome.NOT_RUN ? Result.NOT_RUN : new Result(outcome, report.time(), report.file());
    }

    /** Test class name to method name to outcome, for the testcases of one report. */
    private static Map<String, Map<String, Outcome>> testCases(Element suite) {
        Map<String, Map<String, Outcome>> classes = new LinkedHashMap<>();
        NodeList cases = suite.getElementsByTagName("testcase");
        for (int i = 0; i < cases.getLength(); i++) {
            Element c = (Element) cases.item(i);
            String className = c.getAttribute("classname").isEmpty() ? suite.getAttribute("name")
                    : c.getAttribute("classname");
            String name = c.getAttribute("name");
            int paren = name.indexOf('(');
            String method = paren < 0 ? name : name.substring(0, paren); // method(String)[1]: a parameterized run
            Outcome o = child(c, "failure") || child(c, "error") ? Outcome.FAILED
                    : child(c, "skipped") ? Outcome.SKIPPED : Outcome.PASSED;
            classes.computeIfAbsent(className, k -> new LinkedHashMap<>())
                    .merge(method, o, (a, b) -> combine(List.of(a, b)));
        }
        return classes;
    }

    /** Failed if any failed, skipped if all were skipped, else passed; not run if there were none. */
    private static Outcome combine(List<Outcome> outcomes) {
        if (outcomes.isEmpty()) {
            return Outcome.NOT_RUN;
        }
        if (outcomes.contains(Outcome.FAILED)) {
            return Outcome.FAILED;
        }
        return outcomes.stream().allMatch(o -> o == Outcome.SKIPPED) ? Outcome.SKIPPED : Outcome.PASSED;
    }

    private static boolean child(Element e, String tag) {
        for (var n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element child && child.getTagName().equals(tag)) {
                return true;
            }
        }
        return false;
    }

    /** A DOM parser that reads no DTD and fetches nothing: a report is data, not instructions. */
    private static DocumentBuilder parser() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            f.setNamespaceAware(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(new DefaultHandler()); // throws on a fatal error, prints nothing
            return b;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser cannot be locked down", e);
        }
    }
}

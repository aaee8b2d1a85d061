package org.cpisgateway.config;

import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads settings by key, each as its type, and collects every problem (missing key, not a number, not true/false,
 * not a time zone...) instead of stopping at the first: the gateway reports them all at once, one line each.
 */
public final class SettingsReader {

    private static final String WHERE = " (conf/application.properties)";

    private final Function<String, Optional<String>> lookup;
    private final List<String> problems = new ArrayList<>();

    /** @param lookup the value of a key after overrides (JVM system property, environment variable), if any */
    public SettingsReader(Function<String, Optional<String>> lookup) {
        this.lookup = lookup;
    }

    public String text(String key) {
        Optional<String> value = lookup.apply(key);
        if (value.isEmpty()) {
            problems.add("Missing configuration property " + key + WHERE);
            return "";
        }
        return value.get().trim();
    }

    /** A key of an earlier release whose setting now lives elsewhere: setting it is a problem that says where. */
    public void moved(String key, String nowIn) {
        if (lookup.apply(key).isPresent()) {
            problems.add(key + " is no longer read: set it in " + nowIn);
        }
    }

    public int integer(String key) {
        if (lookup.apply(key).isEmpty()) {
            text(key); // reports it missing
            return 0;
        }
        String value = text(key);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            problems.add(key + " = '" + value + "' is not a whole number" + WHERE);
            return 0;
        }
    }

    public boolean bool(String key) {
        if (lookup.apply(key).isEmpty()) {
            text(key); // reports it missing
            return false;
        }
        String value = text(key);
        if (!value.matches("(?i)true|false")) {
            problems.add(key + " = '" + value + "' must be true or false" + WHERE);
            return false;
        }
        return Boolean.parseBoolean(value);
    }

    public ZoneId zone(String key) {
        String value = text(key);
        try {
            return ZoneId.of(value);
        } catch (RuntimeException e) {
            problems.add(key + " = '" + value + "' is not a time zone such as Europe/London");
            return ZoneId.of("UTC");
        }
    }

    public Charset charset(String key) {
        String value = text(key);
        try {
            return Charset.forName(value);
        } catch (RuntimeException e) {
            problems.add(key + " = '" + value + "' is not a character set this Java knows (e.g. UTF-8, ISO-8859-1)");
            return Charset.defaultCharset();
        }
    }

    public Path path(String key) {
        return Path.of(text(key));
    }

    /** A comma-separated list, upper case (trigger events). */
    public Set<String> upperCaseList(String key) {
        return Set.copyOf(List.of(text(key).toUpperCase(Locale.ROOT).split("\\s*,\\s*")));
    }

    public void problem(String problem) {
        problems.add(problem);
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** Throws {@link ConfigurationProblems} with every problem found so far. */
    public void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new ConfigurationProblems(problems);
        }
    }
}

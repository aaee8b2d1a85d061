package org.cpisgateway;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The gateway's Prometheus metrics as a monitoring system scrapes them ({@code /observe/metrics}, no credentials). */
public final class Metrics {

    private Metrics() {
    }

    /** The metrics page now. */
    public static String scrape(int httpPort) throws Exception {
        return Http.get(httpPort, "/observe/metrics").body();
    }

    /**
     * The metrics page once {@code series} (its name and every label, as the page writes it) has reached
     * {@code atLeast}, waiting up to {@link Waiting#STEP}.
     */
    public static String once(int httpPort, String series, double atLeast) throws Exception {
        return once(httpPort, series, atLeast, Waiting.STEP);
    }

    /** The metrics page once {@code series} has reached {@code atLeast}, waiting up to {@code atMost}. */
    public static String once(int httpPort, String series, double atLeast, Duration atMost) throws Exception {
        Waiting.upTo(atMost).alias(series + " >= " + atLeast)
                .until(() -> value(scrape(httpPort), series), value -> value >= atLeast);
        return scrape(httpPort);
    }

    /** The value of one series in Prometheus text format (-1 when absent). */
    public static double value(String metrics, String series) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return -1;
    }

    /** The shipped Prometheus alert rules. */
    public static final Path ALERT_RULES = Path.of("conf/prometheus/cpis-gateway-alerts.yml");

    /** The gateway's metric names the alert rules use (not the recording rules' own, which have a colon). */
    public static Set<String> watchedByAlertRules() throws Exception {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("\\b(cpis_[a-z_]+)").matcher(Files.readString(ALERT_RULES, StandardCharsets.UTF_8));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}

package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The shipped Prometheus alert rules (conf/prometheus/cpis-gateway-alerts.yml) pass their own unit tests under
 * promtool, the tool Prometheus ships for that; CI installs it (Debian's prometheus package). That every metric the
 * rules watch is one a running gateway exposes is checked in {@link DeliveryChannelsTest} and {@link TlsTest}.
 */
class AlertRulesTest {

    static final Path RULES = Path.of("conf/prometheus/cpis-gateway-alerts.yml");

    /** The gateway's metric names the rules use (not the recording rules' own, which have a colon). */
    static Set<String> metricsWatched() throws Exception {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("\\b(cpis_[a-z_]+)").matcher(Files.readString(RULES, StandardCharsets.UTF_8));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    @Test
    void theRulesPassTheirUnitTestsUnderPromtool() throws Exception {
        boolean installed = new ProcessBuilder("sh", "-c", "command -v promtool").start().waitFor() == 0;
        assumeTrue(installed, "promtool is not installed (apt-get install prometheus)");
        Process p = new ProcessBuilder("promtool", "test", "rules", "conf/prometheus/cpis-gateway-alerts.test.yml")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("SUCCESS");
    }

    @Test
    void theRulesWatchTheMetricsTheyAreMeantTo() throws Exception {
        assertThat(metricsWatched()).containsExactlyInAnyOrder("cpis_acks_total", "cpis_delivery_oldest_undelivered_seconds",
                "cpis_delivery_parked", "cpis_up", "cpis_tls_certificate_expiry_seconds", "cpis_worker_deaths_total",
                "cpis_worker_up", "cpis_mllp_closed_total", "cpis_feed_last_message_age_seconds", "cpis_feed_silent",
                "cpis_feed_live");
    }
}

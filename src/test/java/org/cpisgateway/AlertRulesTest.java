package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The shipped Prometheus alert rules (conf/prometheus/cpis-gateway-alerts.yml) pass their own unit tests under
 * promtool, the tool Prometheus ships for that; CI installs it (Debian's prometheus package). That every metric the
 * rules watch is one a running gateway exposes is checked in {@link DeliveryChannelsTest} and {@link TlsTest}.
 */
class AlertRulesTest {

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
        assertThat(Metrics.watchedByAlertRules()).containsExactlyInAnyOrder("cpis_acks_total", "cpis_delivery_oldest_undelivered_seconds",
                "cpis_delivery_parked", "cpis_up", "cpis_tls_certificate_expiry_seconds", "cpis_worker_deaths_total",
                "cpis_worker_up", "cpis_mllp_closed_total", "cpis_feed_last_message_age_seconds", "cpis_feed_silent",
                "cpis_feed_live");
    }
}

package org.cpisgateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/** The settings as shipped read into their types; bad values are each named, all at once. */
class GatewaySettingsTest {

    static Map<String, String> shipped() throws Exception {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("conf/application.properties"), StandardCharsets.UTF_8)) {
            p.load(in);
        }
        Map<String, String> values = new HashMap<>();
        p.forEach((k, v) -> values.put((String) k, ((String) v).replace("{{cpis.data.dir}}", "./data")));
        return values;
    }

    @Test
    void theShippedConfigurationReads() throws Exception {
        Map<String, String> values = shipped();
        GatewaySettings s = GatewaySettings.read(key -> Optional.ofNullable(values.get(key)));
        assertThat(s.check().events()).containsExactlyInAnyOrder("A04", "A01", "A08", "A31", "A40");
        assertThat(s.check().zone()).isEqualTo(ZoneId.of("Europe/London"));
        assertThat(s.mllp().port()).isEqualTo(2575);
        assertThat(s.mllp().tls().enabled()).isFalse();
        assertThat(s.store().embedded()).isTrue();
        assertThat(s.broker().embedded()).isTrue();
        assertThat(s.notifications().unroutedQueue()).isEqualTo("cpis.unrouted");
        assertThat(s.demo().enabled()).isTrue();
        assertThat(s.upload().maxBytes()).isEqualTo(50 * 1024 * 1024);
        assertThat(s.upload().maxRows()).isEqualTo(200_000);
    }

    @Test
    void uploadLimitsMustLetSomethingThrough() throws Exception {
        Map<String, String> values = shipped();
        values.put("cpis.uploads.max-bytes", "0");
        values.put("cpis.uploads.max-rows", "-1");
        assertThatThrownBy(() -> GatewaySettings.read(key -> Optional.ofNullable(values.get(key))))
                .isInstanceOf(ConfigurationProblems.class)
                .satisfies(e -> assertThat(((ConfigurationProblems) e).problems()).containsExactlyInAnyOrder(
                        "cpis.uploads.max-bytes must be at least 1", "cpis.uploads.max-rows must be at least 1"));
    }

    @Test
    void theHttpEndpointsAddressIsItsHostAndPortUnlessAPublicOneIsGiven() throws Exception {
        Map<String, String> values = shipped();
        HttpSettings derived = GatewaySettings.read(key -> Optional.ofNullable(values.get(key))).http();
        assertThat(derived.publicBaseUrl()).isEqualTo("http://127.0.0.1:8080");
        assertThat(derived.pageSize()).isEqualTo(50);
        assertThat(derived.maxPageSize()).isEqualTo(200);
        assertThat(derived.loginCache()).isEqualTo(java.time.Duration.ofSeconds(60));
        values.put("cpis.http.public-base-url", "https://cpis.example.nhs.uk/gateway/");
        assertThat(GatewaySettings.read(key -> Optional.ofNullable(values.get(key))).http().publicBaseUrl())
                .isEqualTo("https://cpis.example.nhs.uk/gateway");
        values.put("cpis.http.public-base-url", "cpis.example.nhs.uk");
        values.put("cpis.http.page-size", "500");
        values.put("cpis.http.login.max-failures-per-user", "0");
        assertThatThrownBy(() -> GatewaySettings.read(key -> Optional.ofNullable(values.get(key))))
                .isInstanceOf(ConfigurationProblems.class)
                .satisfies(e -> assertThat(((ConfigurationProblems) e).problems()).containsExactlyInAnyOrder(
                        "cpis.http.public-base-url = 'cpis.example.nhs.uk' is not an http:// or https:// address "
                                + "such as https://cpis.example.nhs.uk (conf/application.properties)",
                        "cpis.http.page-size (500) must not be above cpis.http.max-page-size (200)",
                        "cpis.http.login.max-failures-per-user = 0 must be at least 1 (conf/application.properties)"));
    }

    @Test
    void aPatternSettingOfAnEarlierReleaseSaysWhereItLivesNow() throws Exception {
        Map<String, String> values = shipped();
        values.put("cpis.patterns.settings", "3");
        assertThatThrownBy(() -> GatewaySettings.read(key -> Optional.ofNullable(values.get(key))))
                .isInstanceOf(ConfigurationProblems.class)
                .satisfies(e -> assertThat(((ConfigurationProblems) e).problems()).containsExactly(
                        "cpis.patterns.settings is no longer read: set it in mappings/pattern-rules.csv (live-editable)"));
    }

    @Test
    void everyBadValueIsNamedOnce() throws Exception {
        Map<String, String> values = shipped();
        values.put("cpis.mllp.port", "twenty");
        values.put("cpis.reload.enabled", "sometimes");
        values.put("cpis.mllp.default-charset", "EBCDIC-42");
        values.remove("cpis.notify.retry-interval-ms");
        values.put("cpis.broker.embedded", "false"); // an external broker needs a password
        assertThatThrownBy(() -> GatewaySettings.read(key -> Optional.ofNullable(values.get(key))))
                .isInstanceOf(ConfigurationProblems.class)
                .satisfies(e -> assertThat(((ConfigurationProblems) e).problems()).containsExactlyInAnyOrder(
                        "cpis.mllp.port = 'twenty' is not a whole number (conf/application.properties)",
                        "cpis.reload.enabled = 'sometimes' must be true or false (conf/application.properties)",
                        "cpis.mllp.default-charset = 'EBCDIC-42' is not a character set this Java knows (e.g. UTF-8, "
                                + "ISO-8859-1)",
                        "Missing configuration property cpis.notify.retry-interval-ms (conf/application.properties)",
                        "cpis.broker.password is required for an external broker (cpis.broker.embedded = false)"));
    }

    @Test
    void theWriteAheadLogIsBesideTheStoreUnlessAFolderIsGiven() throws Exception {
        Map<String, String> values = shipped();
        StoreSettings beside = GatewaySettings.read(key -> Optional.ofNullable(values.get(key))).store();
        assertThat(beside.walDirectory()).isEqualTo(Path.of("./data/store/cpis.wal"))
                .isEqualTo(beside.walDirectoryBesideFile());

        values.put("cpis.store.wal-dir", "/mnt/wal-device/cpis");
        StoreSettings elsewhere = GatewaySettings.read(key -> Optional.ofNullable(values.get(key))).store();
        assertThat(elsewhere.walDirectory()).isEqualTo(Path.of("/mnt/wal-device/cpis"));
        assertThat(elsewhere.walDirectoryBesideFile()).isEqualTo(Path.of("./data/store/cpis.wal"));
    }

    @Test
    void aLogFolderForAStoreWithoutALogIsAProblem() throws Exception {
        Map<String, String> values = shipped();
        values.put("cpis.store.url", "jdbc:postgresql://db.example/cpis");
        values.put("cpis.store.wal-dir", "/mnt/wal-device/cpis");
        assertThatThrownBy(() -> GatewaySettings.read(key -> Optional.ofNullable(values.get(key))))
                .isInstanceOf(ConfigurationProblems.class)
                .satisfies(e -> assertThat(((ConfigurationProblems) e).problems()).containsExactly(
                        "cpis.store.wal-dir is set, but only the embedded store on disk has a write-ahead log "
                                + "(PostgreSQL makes its own commits durable; an in-memory store keeps nothing): "
                                + "leave it empty"));
    }
}

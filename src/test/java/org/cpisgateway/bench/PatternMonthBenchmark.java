package org.cpisgateway.bench;

import org.cpisgateway.MovableClock;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import ca.uhn.hl7v2.util.Terser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.TextMessage;
import org.HdrHistogram.Histogram;
import org.cpisgateway.Pas;
import org.cpisgateway.RunningGateway;
import org.cpisgateway.TestFolders;

/**
 * A synthetic month of attendances for 10,000 flagged children across 200 unscheduled care settings, sent over MLLP
 * to the gateway (defaults, embedded store and broker) in time order while its one clock moves through the month.
 * Children follow one of four courses: one attendance; a course that stays under both pattern thresholds (two
 * settings, or three attendances at one); three or four different settings; four or five attendances at one
 * setting, a day or more apart. Counts the ACKs that report a pattern (ZCS-8) and the pattern alerts on the
 * authority's queue, against what each course should raise: alerts for children under the thresholds must be none,
 * and each pattern child gets one alert per step the pattern grows.
 * <pre>
 * mvn -q -Pbench test-compile exec:java -Dexec.mainClass=org.cpisgateway.bench.PatternMonthBenchmark
 * </pre>
 */
public final class PatternMonthBenchmark {

    static final int CHILDREN = 10_000;
    static final int SETTINGS = 200;
    static final DateTimeFormatter DTM = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
    static final ZoneId ZONE = ZoneId.of("Europe/London");

    private PatternMonthBenchmark() {
    }

    enum Course { ONCE, UNDER, SETTINGS, REPEATS }

    record Visit(String nhs, int child, int setting, Instant at) {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("logback.configurationFile", "conf/logback.xml");
        Random r = new Random(2026);
        Instant monthStart = ZonedDateTime.now(ZONE).minusDays(31).toInstant();
        List<String> children = new ArrayList<>();
        for (long n = 999_500_000L; children.size() < CHILDREN; n++) {
            String number = org.cpisgateway.TestNhsNumbers.withCheckDigit(n);
            if (number != null) {
                children.add(number);
            }
        }
        Course[] course = new Course[CHILDREN];
        int expectedAlerts = 0;
        List<Visit> visits = new ArrayList<>();
        for (int c = 0; c < CHILDREN; c++) {
            double p = r.nextDouble();
            course[c] = p < 0.60 ? Course.ONCE : p < 0.80 ? Course.UNDER : p < 0.92 ? Course.SETTINGS : Course.REPEATS;
            Instant first = monthStart.plusSeconds(r.nextInt(3 * 24 * 3600)); // everything within 30 days of it
            int home = r.nextInt(SETTINGS);
            switch (course[c]) {
                case ONCE -> visits.add(new Visit(children.get(c), c, home, first));
                case UNDER -> { // two at home a day or more apart, one elsewhere: 2 settings, 2 at one
                    int other = (home + 1 + r.nextInt(SETTINGS - 1)) % SETTINGS;
                    visits.add(new Visit(children.get(c), c, home, first));
                    visits.add(new Visit(children.get(c), c, home, first.plus(Duration.ofHours(30 + r.nextInt(200)))));
                    visits.add(new Visit(children.get(c), c, other, first.plus(Duration.ofHours(250 + r.nextInt(200)))));
                }
                case SETTINGS -> { // 3 or 4 different settings within 27 days
                    int k = 3 + r.nextInt(2);
                    Set<Integer> used = new HashSet<>();
                    Instant at = first;
                    for (int i = 0; i < k; i++) {
                        int s;
                        do {
                            s = r.nextInt(SETTINGS);
                        } while (!used.add(s));
                        visits.add(new Visit(children.get(c), c, s, at));
                        at = at.plus(Duration.ofHours(24 + r.nextInt(150)));
                    }
                    expectedAlerts += k - 2; // at the 3rd setting, and again when it grows to 4
                }
                case REPEATS -> { // 4 or 5 at one setting, 25 h or more apart, within 27 days
                    int k = 4 + r.nextInt(2);
                    Instant at = first;
                    for (int i = 0; i < k; i++) {
                        visits.add(new Visit(children.get(c), c, home, at));
                        at = at.plus(Duration.ofHours(25 + r.nextInt(100)));
                    }
                    expectedAlerts += k - 3;
                }
            }
        }
        visits.sort(Comparator.comparing(Visit::at));

        Path work = TestFolders.temporary("cpis-pattern-month");
        Path mappings = org.cpisgateway.TestFolders.copyOf(Path.of("mappings"));
        StringBuilder settings = new StringBuilder("sending_facility,location,setting_code,setting_name,setting_type,"
                + "scheduled\n");
        for (int s = 0; s < SETTINGS; s++) {
            settings.append(String.format(Locale.ROOT, "F%03d,,F%03d-ED,Synthetic Emergency Department %d,ED,no%n",
                    s, s, s));
        }
        Files.writeString(mappings.resolve("care-settings.csv"), settings.toString(), StandardCharsets.UTF_8);

        AtomicReference<Instant> now = new AtomicReference<>(monthStart.minus(Duration.ofHours(1)));
        Histogram latency = new Histogram(3);
        Map<Integer, Integer> zcs8ByChild = new HashMap<>();
        long started;
        long took;
        try (RunningGateway gateway = RunningGateway.start(new MovableClock(now, ZONE), work.resolve("data"),
                "cpis.mappings.dir", mappings.toString(), "cpis.reload.enabled", "false")) {
            for (String nhs : children) { // as an upload writes them (the gateway's index of numbers with plans too)
                gateway.addPlan(nhs, "CPP", java.time.LocalDate.ofInstant(monthStart, ZONE).minusYears(1), null,
                        "LA902");
            }
            started = System.nanoTime();
            try (Pas pas = Pas.connect(gateway.mllpPort)) {
                int id = 0;
                for (Visit v : visits) {
                    now.set(v.at());
                    String time = DTM.format(v.at().atZone(ZONE));
                    String controlId = "PM" + (++id);
                    String message = "MSH|^~\\&|BENCH-PAS|" + String.format(Locale.ROOT, "F%03d", v.setting())
                            + "|CPIS|CPIS|" + time + "||ADT^A04^ADT_A01|" + controlId + "|P|2.4|||AL|NE|GBR\r"
                            + "EVN|A04|" + time + "\r"
                            + "PID|1||" + v.nhs() + "^^^NHS^NH||SYNTHETIC^CHILD||20150302|2\r"
                            + "PV1|1|E|ED||||||||||||||||V" + controlId + "|||||||||||||||||||||||||" + time + "\r";
                    long s = System.nanoTime();
                    String ack = pas.sendForText(message);
                    latency.recordValue(Math.max(1, (System.nanoTime() - s) / 1000));
                    String zcs8 = new Terser(Pas.HAPI.getPipeParser().parse(ack)).get("/ZCS-8-1");
                    if (zcs8 != null) {
                        zcs8ByChild.merge(v.child(), 1, Integer::sum);
                    }
                }
            }
            took = System.nanoTime() - started;
            now.set(visits.get(visits.size() - 1).at().plusSeconds(60));
            Map<String, Integer> alertsByNhs = new HashMap<>();
            int attendanceNotifications = 0;
            ObjectMapper json = new ObjectMapper();
            try (JMSContext jms = gateway.connectAsAuthority("LA902");
                 JMSConsumer queue = jms.createConsumer(jms.createQueue("cpis.notify.LA902"))) {
                for (jakarta.jms.Message m; (m = queue.receive(10_000)) != null; ) {
                    JsonNode n = json.readTree(((TextMessage) m).getText());
                    if ("pattern".equals(n.path("type").asText())) {
                        alertsByNhs.merge(n.at("/child/nhsNumber").asText(), 1, Integer::sum);
                    } else {
                        attendanceNotifications++;
                    }
                }
            }
            int alerts = alertsByNhs.values().stream().mapToInt(Integer::intValue).sum();
            int falseAlerts = 0;
            int falseZcs8 = 0;
            int missed = 0;
            for (int c = 0; c < CHILDREN; c++) {
                int got = alertsByNhs.getOrDefault(children.get(c), 0);
                boolean under = course[c] == Course.ONCE || course[c] == Course.UNDER;
                if (under) {
                    falseAlerts += got;
                    falseZcs8 += zcs8ByChild.getOrDefault(c, 0);
                } else if (got == 0) {
                    missed++;
                }
            }
            Map<Course, Long> byCourse = new java.util.EnumMap<>(Course.class);
            for (Course k : course) {
                byCourse.merge(k, 1L, Long::sum);
            }
            String header = "children,settings,attendances,seconds,attendances_per_s,ack_p50_ms,ack_p99_ms,"
                    + "children_once,children_under,children_settings,children_repeats,expected_alerts,alerts,"
                    + "alerts_for_children_under_threshold,acks_with_pattern_for_children_under_threshold,"
                    + "pattern_children_without_alert,attendance_notifications";
            String line = String.format(Locale.ROOT, "%d,%d,%d,%.1f,%.0f,%.2f,%.2f,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d",
                    CHILDREN, SETTINGS, visits.size(), took / 1e9, visits.size() / (took / 1e9),
                    latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0,
                    byCourse.getOrDefault(Course.ONCE, 0L), byCourse.getOrDefault(Course.UNDER, 0L),
                    byCourse.getOrDefault(Course.SETTINGS, 0L), byCourse.getOrDefault(Course.REPEATS, 0L),
                    expectedAlerts, alerts, falseAlerts, falseZcs8, missed, attendanceNotifications);
            Files.createDirectories(Path.of("target/bench"));
            Files.write(Path.of("target/bench/pattern-month.csv"), List.of(header, line));
            System.out.println(header);
            System.out.println(line);
        }
        System.exit(0);
    }
}

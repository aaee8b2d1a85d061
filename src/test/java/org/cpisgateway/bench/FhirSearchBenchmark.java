package org.cpisgateway.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;
import org.cpisgateway.Http;
import org.cpisgateway.RunningGateway;

/**
 * FHIR Flag search latency with many concurrent clients: the gateway with its defaults and demo data (embedded store
 * and broker) in this process, N client threads each in a closed loop (send, wait for the Bundle, send again) as a
 * care setting's system. Half the searches are for 10,000 children with plans (each one recorded as an access and
 * notified to its authority, like an attendance), half for numbers with none. Warm-up, then a measured run; every
 * round trip goes into an HdrHistogram.
 * <pre>
 * mvn -q -Pbench test-compile exec:java -Dexec.mainClass=org.cpisgateway.bench.FhirSearchBenchmark \
 *     -Dexec.args="--clients=50 --seconds=30 --warmup=10"
 * </pre>
 */
public final class FhirSearchBenchmark {

    /** Children with a plan, loaded before the run (the demo's own are few, and each search adds an access). */
    static final int PLANS = 10_000;

    private FhirSearchBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("logback.configurationFile", "conf/logback.xml");
        int clients = intArg(args, "--clients", 50);
        int seconds = intArg(args, "--seconds", 30);
        int warmup = intArg(args, "--warmup", 10);
        List<String> unflagged = new ArrayList<>();
        for (long n = 999_700_000L; unflagged.size() < 1000; n++) {
            String number = org.cpisgateway.TestNhsNumbers.withCheckDigit(n);
            if (number != null) {
                unflagged.add(number);
            }
        }
        List<String> properties = new ArrayList<>();
        for (String a : args) {
            if (a.startsWith("--set=")) { // a gateway setting for the run, e.g. --set=cpis.store.sync-each-commit=false
                String kv = a.substring(6);
                properties.add(kv.substring(0, kv.indexOf('=')));
                properties.add(kv.substring(kv.indexOf('=') + 1));
            }
        }
        try (RunningGateway gateway = RunningGateway.start(properties.toArray(String[]::new))) {
            List<String> flaggedChildren = new ArrayList<>();
            for (long n = 999_600_000L; flaggedChildren.size() < PLANS; n++) {
                String number = org.cpisgateway.TestNhsNumbers.withCheckDigit(n);
                if (number == null) {
                    continue;
                }
                flaggedChildren.add(number);
                gateway.addPlan(number, "CPP", org.cpisgateway.TestDates.day("today-1y"), null,
                        flaggedChildren.size() % 2 == 0 ? "LA901" : "LA902");
            }
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String auth = Http.basic("riverside-ed-fhir", "setting-demo-password");
            Recorder recorder = new Recorder(3);
            AtomicLong errors = new AtomicLong();
            AtomicLong flaggedSearches = new AtomicLong();
            long end = System.nanoTime() + (warmup + seconds) * 1_000_000_000L;
            long measureFrom = System.nanoTime() + warmup * 1_000_000_000L;
            CountDownLatch done = new CountDownLatch(clients);
            for (int c = 0; c < clients; c++) {
                Random r = new Random(c);
                Thread t = new Thread(() -> {
                    try {
                        while (System.nanoTime() < end) {
                            boolean flagged = r.nextBoolean();
                            String nhs = flagged ? flaggedChildren.get(r.nextInt(flaggedChildren.size()))
                                    : unflagged.get(r.nextInt(unflagged.size()));
                            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                            + gateway.httpPort + "/fhir/Flag?patient.identifier=" + URLEncoder.encode(
                                            "https://fhir.nhs.uk/Id/nhs-number|" + nhs, StandardCharsets.UTF_8)))
                                    .header("Authorization", auth).timeout(Duration.ofSeconds(30)).GET().build();
                            long s = System.nanoTime();
                            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                            long took = System.nanoTime() - s;
                            if (s >= measureFrom) {
                                if (response.statusCode() != 200) {
                                    errors.incrementAndGet();
                                }
                                recorder.recordValue(Math.max(1, took / 1000));
                                if (flagged) {
                                    flaggedSearches.incrementAndGet();
                                }
                            }
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    } finally {
                        done.countDown();
                    }
                }, "fhir-client-" + c);
                t.start();
            }
            Thread.sleep(warmup * 1000L); // a benchmark's warm-up is a length of time, not a condition
            recorder.getIntervalHistogram(); // drop what the warm-up recorded
            done.await();
            Histogram h = recorder.getIntervalHistogram();
            String header = "clients,seconds,searches,searches_per_s,flagged_searches,errors,p50_ms,p90_ms,p99_ms,"
                    + "p99_9_ms,max_ms";
            String line = String.format(Locale.ROOT, "%d,%d,%d,%.0f,%d,%d,%.2f,%.2f,%.2f,%.2f,%.2f", clients, seconds,
                    h.getTotalCount(), h.getTotalCount() / (double) seconds, flaggedSearches.get(), errors.get(),
                    h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0,
                    h.getValueAtPercentile(99) / 1000.0, h.getValueAtPercentile(99.9) / 1000.0,
                    h.getMaxValue() / 1000.0);
            Files.createDirectories(Path.of("target/bench"));
            Files.write(Path.of("target/bench/fhir-search.csv"), List.of(header, line));
            System.out.println(header);
            System.out.println(line);
        }
        System.exit(0);
    }

    static int intArg(String[] args, String name, int otherwise) {
        for (String a : args) {
            if (a.startsWith(name + "=")) {
                return Integer.parseInt(a.substring(name.length() + 1));
            }
        }
        return otherwise;
    }
}

package org.cpisgateway.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cpisgateway.Hl7Messages;
import org.cpisgateway.Mllp;
import org.cpisgateway.RunningGateway;

/**
 * Measures a national-size upload (150,000 plan rows, synthetic 999 NHS numbers) through an authority's inbox folder,
 * and the MLLP round trip of ADT^A04s sent one after another on one connection before and during the upload. Not a
 * test: run it by hand.
 * <pre>
 * mvn -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=org.cpisgateway.bench.LargeUploadBenchmark
 * </pre>
 * Optional argument: the number of rows (default 150000).
 */
public final class LargeUploadBenchmark {

    private LargeUploadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("logback.configurationFile", "conf/logback.xml");
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 150_000;
        StringBuilder csv = new StringBuilder("nhs_number,plan_type,start_date,end_date\n");
        String[] types = {"CPP", "LAC", "UCP"};
        int made = 0;
        for (long base = 999_100_000L; made < rows; base++) {
            String n = org.cpisgateway.TestNhsNumbers.withCheckDigit(base);
            if (n != null) {
                csv.append(n).append(',').append(types[made % 3]).append(",").append(org.cpisgateway.TestDates.iso("today-10m")).append(",\n");
                made++;
            }
        }
        try (RunningGateway gateway = RunningGateway.start("cpis.uploads.min-age-ms", "1000")) {
            long[] before = mllpRoundTrips(gateway, 500, null);
            Path inbox = gateway.dataDir.resolve("uploads/LA901/inbox");
            Files.createDirectories(inbox);
            Path part = inbox.resolve("national.csv.part");
            Files.writeString(part, csv, StandardCharsets.UTF_8);
            AtomicBoolean uploading = new AtomicBoolean(true);
            long start = System.nanoTime();
            Files.move(part, inbox.resolve("national.csv")); // complete file appears at once
            List<Long> during = new ArrayList<>();
            Thread traffic = new Thread(() -> {
                try {
                    long[] d = mllpRoundTrips(gateway, Integer.MAX_VALUE, uploading);
                    for (long x : d) {
                        during.add(x);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            traffic.start();
            Path response = org.cpisgateway.Uploads.response(gateway.dataDir.resolve("uploads/LA901/done"));
            double seconds = (System.nanoTime() - start) / 1e9;
            uploading.set(false);
            traffic.join();
            JsonNode report = new ObjectMapper().readTree(response.toFile());
            long plans = gateway.count("select count(*) from plan");
            System.out.printf("%nupload: %d rows, %d accepted, %d rejected in %.1f s (%.0f rows/s, including the %d ms "
                            + "stable-file wait); plans in store afterwards: %d%n", report.path("rows").asInt(),
                    report.path("accepted").asInt(), report.path("rejected").asInt(), seconds, rows / seconds, 1000,
                    plans);
            print("MLLP A04 round trip before the upload", before);
            print("MLLP A04 round trip during the upload", during.stream().mapToLong(Long::longValue).toArray());
        }
        System.exit(0);
    }

    static long[] mllpRoundTrips(RunningGateway gateway, int max, AtomicBoolean whileTrue) throws Exception {
        List<Long> micros = new ArrayList<>();
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", gateway.mllpPort)) {
            socket.setSoTimeout(30_000);
            for (int i = 0; i < max && (whileTrue == null || whileTrue.get()); i++) {
                byte[] frame = Mllp.frame(Hl7Messages.a04(Hl7Messages.newControlId(), "9990000018")
                        .getBytes(StandardCharsets.UTF_8));
                long t = System.nanoTime();
                socket.getOutputStream().write(frame);
                Mllp.readFrames(socket.getInputStream(), 1, StandardCharsets.UTF_8);
                micros.add((System.nanoTime() - t) / 1000);
            }
        }
        return micros.stream().mapToLong(Long::longValue).toArray();
    }

    static void print(String what, long[] micros) {
        if (micros.length == 0) {
            System.out.println(what + ": no samples");
            return;
        }
        long[] s = micros.clone();
        Arrays.sort(s);
        System.out.printf("%s: n=%d p50=%.1f ms p99=%.1f ms max=%.1f ms%n", what, s.length, s[s.length / 2] / 1000.0,
                s[(int) Math.min(s.length - 1, Math.floor(s.length * 0.99))] / 1000.0, s[s.length - 1] / 1000.0);
    }
}

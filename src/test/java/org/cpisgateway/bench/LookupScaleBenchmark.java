package org.cpisgateway.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import com.zaxxer.hikari.HikariDataSource;
import org.HdrHistogram.Histogram;
import org.cpisgateway.TestFolders;
import org.cpisgateway.store.Database;
import org.cpisgateway.store.AccessLog;
import org.cpisgateway.store.PlanTable;

/**
 * Cost of the flag-store lookup the gateway does per attendance (plans for the NHS number, then its recent access
 * history for flagged ones) as the store grows: 15,000, 150,000 and 1,500,000 plans with 1,000,000 access records,
 * then 1,500,000 plans with 10,000,000 access records. 20,000 lookups of random NHS numbers per size (half with a
 * plan), on the embedded H2 the gateway uses.
 * <pre>
 * mvn -q -Pbench test-compile exec:java -Dexec.mainClass=org.cpisgateway.bench.LookupScaleBenchmark
 * </pre>
 */
public final class LookupScaleBenchmark {

    private LookupScaleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("logback.configurationFile", "conf/logback.xml");
        List<String> lines = new ArrayList<>();
        lines.add("plans,accesses,lookups,p50_us,p90_us,p99_us,max_us");
        String[][] sizes = {{"15000", "1000000"}, {"150000", "1000000"}, {"1500000", "1000000"},
                {"1500000", "10000000"}};
        Path data = null;
        List<String> numbers = new ArrayList<>();
        long loadedAccesses = 0;
        int loadedPlans = 0;
        for (String[] size : sizes) {
            int plans = Integer.parseInt(size[0]);
            long accesses = Long.parseLong(size[1]);
            if (plans != loadedPlans) {
                data = TestFolders.temporary("cpis-scale");
                numbers.clear();
                loadedAccesses = 0;
            }
            String url = "jdbc:h2:file:" + data.resolve("cpis").toAbsolutePath()
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
            try (HikariDataSource ds = Database.open(url, "sa", "", 2)) {
                long t = System.nanoTime();
                if (plans != loadedPlans) {
                    loadPlans(ds, plans, numbers);
                    loadedPlans = plans;
                }
                loadAccesses(ds, numbers, accesses - loadedAccesses);
                loadedAccesses = accesses;
                System.out.printf("loaded %d plans, %d accesses (%.0f s)%n", plans, accesses,
                        (System.nanoTime() - t) / 1e9);
                PlanTable store = new PlanTable(ds, java.time.Clock.systemUTC());
                AccessLog accessLog = new AccessLog(ds);
                Random r = new Random(3);
                for (int i = 0; i < 5_000; i++) { // warm-up
                    lookup(store, accessLog, numbers, r);
                }
                Histogram h = new Histogram(3);
                for (int i = 0; i < 20_000; i++) {
                    long s = System.nanoTime();
                    lookup(store, accessLog, numbers, r);
                    h.recordValue(Math.max(1, (System.nanoTime() - s) / 1000));
                }
                String line = String.format(Locale.ROOT, "%d,%d,%d,%d,%d,%d,%d", plans, accesses, h.getTotalCount(),
                        h.getValueAtPercentile(50), h.getValueAtPercentile(90), h.getValueAtPercentile(99),
                        h.getMaxValue());
                System.out.println(line);
                lines.add(line);
            }
        }
        Files.createDirectories(Path.of("target/bench"));
        Files.write(Path.of("target/bench/lookup-scale.csv"), lines);
        System.out.println(String.join("\n", lines));
        System.exit(0);
    }

    static void lookup(PlanTable store, AccessLog accesses, List<String> numbers, Random r) throws Exception {
        if (r.nextBoolean()) {
            String n = numbers.get(r.nextInt(numbers.size()));
            store.plansFor(n);
            accesses.recentAccesses(n, 1000);
        } else {
            String n = org.cpisgateway.TestNhsNumbers.withCheckDigit(999_800_000L + r.nextInt(100_000));
            if (n != null) {
                store.plansFor(n);
            }
        }
    }

    static void loadPlans(HikariDataSource ds, int plans, List<String> numbers) throws Exception {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "insert into plan (nhs_number, plan_type, start_date, authority_code, updated_at) values (?, ?, ?, ?, ?)")) {
            c.setAutoCommit(false);
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            for (long base = 990_000_000L; numbers.size() < plans; base++) {
                String n = org.cpisgateway.TestNhsNumbers.withCheckDigit(base);
                if (n == null) {
                    continue;
                }
                numbers.add(n);
                ps.setString(1, n);
                ps.setString(2, "CPP");
                ps.setDate(3, Date.valueOf(org.cpisgateway.TestDates.day("today-2y")));
                ps.setString(4, "LA901");
                ps.setObject(5, now);
                ps.addBatch();
                if (numbers.size() % 10_000 == 0) {
                    ps.executeBatch();
                    c.commit();
                }
            }
            ps.executeBatch();
            c.commit();
        }
    }

    static void loadAccesses(HikariDataSource ds, List<String> numbers, long count) throws Exception {
        // each record goes to a number drawn at random; they are inserted number by number (the numbers ascend), so
        // the index on nhs_number grows at its end rather than at random places: ten million load in minutes
        Random r = new Random(count);
        int[] perNumber = new int[numbers.size()];
        for (long i = 0; i < count; i++) {
            perNumber[r.nextInt(numbers.size())]++;
        }
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "insert into access_record (nhs_number, accessed_at, setting_code, setting_name, setting_type, "
                        + "scheduled) values (?, ?, 'R9Z02-UTC', 'Hillside UTC', 'UTC', false)")) {
            c.setAutoCommit(false);
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            long batch = 0;
            for (int n = 0; n < perNumber.length; n++) {
                for (int k = 0; k < perNumber[n]; k++) {
                    ps.setString(1, numbers.get(n));
                    ps.setObject(2, now.minusMinutes(r.nextInt(60 * 24 * 365)));
                    ps.addBatch();
                    if (++batch % 10_000 == 0) {
                        ps.executeBatch();
                        c.commit();
                    }
                }
            }
            ps.executeBatch();
            c.commit();
        }
    }
}

package org.cpisgateway.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * An embedded benchmark store loaded once and kept in a folder: a store of 800,000 plans and 10 million access
 * records takes many minutes to load, far longer than a run. Each run copies the kept store into its own data folder
 * (the gateway adds messages and accesses to it), so every run starts from the same store. The folder holds the
 * store and {@code workload.properties}, which says how many plans and access records it was loaded with; a folder
 * loaded with other counts is loaded again.
 */
final class KeptStore {

    private KeptStore() {
    }

    static GatewayBenchmark.Workload copyInto(Path kept, Path runStore, int plans, int accesses, double[] shares)
            throws Exception {
        Path marker = kept.resolve("workload.properties");
        Properties loaded = new Properties();
        if (Files.exists(marker)) {
            try (var in = Files.newInputStream(marker)) {
                loaded.load(in);
            }
        }
        String wanted = plans + "/" + accesses;
        if (!wanted.equals(loaded.getProperty("plans-accesses"))) {
            deleteTree(kept);
            Files.createDirectories(kept);
            String url = "jdbc:h2:file:" + kept.resolve("store/cpis").toAbsolutePath()
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;AUTO_COMPACT_FILL_RATE=0";
            GatewayBenchmark.Workload.prepare(url, "sa", plans, accesses, shares[0], shares[1], shares[2], shares[3]);
            loaded.setProperty("plans-accesses", wanted);
            try (var out = Files.newOutputStream(marker)) {
                loaded.store(out, "the counts this benchmark store was loaded with");
            }
        } else {
            System.out.printf("kept store %s: %d plans, %d access records%n", kept, plans, accesses);
        }
        long t = System.nanoTime();
        Files.createDirectories(runStore);
        try (var files = Files.list(kept.resolve("store"))) {
            for (Path f : files.toList()) {
                Files.copy(f, runStore.resolve(f.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        System.out.printf("store copied in %.1f s%n", (System.nanoTime() - t) / 1e9);
        return GatewayBenchmark.Workload.describe(plans, accesses, shares[0], shares[1], shares[2], shares[3]);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

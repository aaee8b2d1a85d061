package org.cpisgateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ThrowingRunnable;

/**
 * How the tests wait: Awaitility, looking every 50 ms for what the test means (a row, a file, a metric, an open port)
 * rather than sleeping for a guess. Limits are generous, for a loaded machine: a passing test never waits them out.
 * A test that proves something did <em>not</em> happen uses {@link #holdsFor}, naming how long it watches and why
 * that is enough.
 */
public final class Waiting {

    /** The usual limit for one step of a gateway (a notification on the broker, a row in the store). */
    public static final Duration STEP = Duration.ofSeconds(30);

    private static final Duration POLL = Duration.ofMillis(50);

    private Waiting() {
    }

    /** Awaitility, looking at once and then every 50 ms, for up to {@code atMost}. */
    public static ConditionFactory upTo(Duration atMost) {
        return Awaitility.await().atMost(atMost).pollDelay(Duration.ZERO).pollInterval(POLL);
    }

    /** The same for up to {@link #STEP}. */
    public static ConditionFactory upToAStep() {
        return upTo(STEP);
    }

    /**
     * Watches {@code holds} for {@code during}, looking every 50 ms: it must hold at every look, or the test fails at
     * once. For a test proving that something did not happen: {@code why} says why watching that long is enough.
     */
    public static void holdsFor(Duration during, String why, Callable<Boolean> holds) {
        Awaitility.await(why).during(during).atMost(during.plusSeconds(10)).pollDelay(Duration.ZERO)
                .pollInterval(POLL).failFast(why, () -> !holds.call()).until(holds);
    }

    /**
     * The same with assertions: {@code assertion} must pass at every look for {@code during}; the first failure fails
     * the test with its own message.
     */
    public static void assertedFor(Duration during, String why, ThrowingRunnable assertion) {
        Awaitility.await(why).during(during).atMost(during.plusSeconds(10)).pollDelay(Duration.ZERO)
                .pollInterval(POLL).failFast(why, assertion).untilAsserted(assertion);
    }

    /**
     * Up to {@link #STEP} until {@code check} holds; fails naming {@code what}.
     */
    public static void until(Callable<Boolean> check, String what) {
        upToAStep().alias(what).until(check);
    }

    /**
     * A pause that is part of what a test plays, not a wait for something: the pace of a PAS between attendances, a
     * client pausing before it connects again. Awaitility's fixed delay, on the calling thread.
     */
    public static void pace(Duration pause) {
        Awaitility.await().pollInSameThread().pollDelay(pause).atMost(pause.plusSeconds(10)).until(() -> true);
    }

    /** The first file of {@code folder} whose name ends with {@code suffix}, waiting up to {@code atMost}. */
    public static Path fileIn(Path folder, String suffix, Duration atMost) {
        return upTo(atMost).alias("a file *" + suffix + " in " + folder)
                .until(() -> firstFile(folder, suffix), Optional::isPresent).orElseThrow();
    }

    private static Optional<Path> firstFile(Path folder, String suffix) {
        if (!Files.isDirectory(folder)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix)).findFirst();
        } catch (IOException changingUnderfoot) {
            return Optional.empty(); // a file moved away while listed: look again
        }
    }
}

package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

/** The waiting the tests rely on: a watch fails as soon as what it watches stops holding, not at its limit. */
class WaitingTest {

    @Test
    void aWatchPassesWhenWhatItWatchesHoldsThroughout() {
        long start = System.nanoTime();
        Waiting.holdsFor(Duration.ofMillis(300), "always true", () -> true);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(300);
    }

    @Test
    void aWatchFailsAtTheFirstLookThatDoesNotHold() {
        AtomicBoolean holds = new AtomicBoolean(true);
        CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS).execute(() -> holds.set(false));
        long start = System.nanoTime();
        assertThatThrownBy(() -> Waiting.holdsFor(Duration.ofSeconds(5), "stays true", holds::get))
                .hasMessageContaining("stays true");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("failed before the watch ended")
                .isLessThan(4_000);
    }

    @Test
    void anAssertedWatchFailsWithTheAssertionsOwnMessage() {
        AtomicBoolean holds = new AtomicBoolean(true);
        CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS).execute(() -> holds.set(false));
        long start = System.nanoTime();
        assertThatThrownBy(() -> Waiting.assertedFor(Duration.ofSeconds(5), "stays true",
                () -> assertThat(holds.get()).as("the flag").isTrue()))
                .satisfiesAnyOf(e -> assertThat(e).hasMessageContaining("the flag"),
                        e -> assertThat(e).hasRootCauseMessage("[the flag] \nExpecting value to be true but was false"));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(4_000);
    }

    @Test
    void aFileIsFoundOnceItAppears() throws Exception {
        Path folder = TestFolders.temporary("cpis-waiting");
        CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS).execute(() -> {
            try {
                Files.writeString(folder.resolve("x.response.json"), "{}");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertThat(Waiting.fileIn(folder, ".response.json", Duration.ofSeconds(10)))
                .isEqualTo(folder.resolve("x.response.json"));
    }
}

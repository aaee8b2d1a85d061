package org.cpisgateway.supervision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.cpisgateway.ops.RouteErrorSupervision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Camel 4.17 does when a route's step throws an Error (a StackOverflowError here; an OutOfMemoryError the same
 * way) on the consumers the gateway's long-lived work runs on: a timer (relay rounds, retention), a seda queue (the
 * relay's wake-ups) and a file poller (folder uploads). Stock Camel lets the Error end the timer's thread: the route
 * never runs again and nothing is logged. With {@link RouteErrorSupervision} each consumer goes on and the death is
 * counted.
 */
class CamelConsumersSurviveErrorsTest {

    @TempDir
    Path inbox;

    final AtomicInteger timerCalls = new AtomicInteger();
    final AtomicInteger sedaCalls = new AtomicInteger();
    final AtomicInteger fileCalls = new AtomicInteger();

    private DefaultCamelContext context(Workers supervised) throws Exception {
        DefaultCamelContext context = new DefaultCamelContext();
        if (supervised != null) {
            context.getCamelContextExtension().addInterceptStrategy(new RouteErrorSupervision(supervised));
        }
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("timer:t?period=100").routeId("timer").process(e -> {
                    if (timerCalls.incrementAndGet() == 1) {
                        throw new StackOverflowError("injected");
                    }
                });
                from("seda:s").routeId("seda").process(e -> {
                    if (sedaCalls.incrementAndGet() == 1) {
                        throw new StackOverflowError("injected");
                    }
                });
                from("file:" + inbox + "?delay=100&delete=true&moveFailed=failed").routeId("file").process(e -> {
                    if (fileCalls.incrementAndGet() == 1) {
                        throw new StackOverflowError("injected");
                    }
                });
            }
        });
        context.getShutdownStrategy().setTimeout(2);
        context.start();
        return context;
    }

    @Test
    void stockCamelLetsAnErrorEndTheTimersThread() throws Exception {
        DefaultCamelContext context = context(null);
        // the Error is uncaught on the timer's thread (Awaitility would report it here; this test expects it)
        await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(5)).until(() -> timerCalls.get() >= 1);
        // the timer route ran once, then never again: held for ten of its periods
        await().dontCatchUncaughtExceptions().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> timerCalls.get() == 1);
        assertThat(context.getRouteController().getRouteStatus("timer").isStarted())
                .as("while its route still says Started").isTrue();
        context.close();
    }

    @Test
    void supervisedEachConsumerGoesOnAndTheDeathIsCounted() throws Exception {
        Workers workers = new Workers();
        try (DefaultCamelContext context = context(workers)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> timerCalls.get() >= 3);
            context.createProducerTemplate().sendBody("seda:s", "one");
            context.createProducerTemplate().sendBody("seda:s", "two");
            await().atMost(Duration.ofSeconds(10)).until(() -> sedaCalls.get() >= 2);
            Files.writeString(inbox.resolve("a.csv"), "a");
            await().atMost(Duration.ofSeconds(10)).until(() -> fileCalls.get() >= 1);
            Files.writeString(inbox.resolve("b.csv"), "b");
            await().atMost(Duration.ofSeconds(10)).until(() -> fileCalls.get() >= 2);
            for (String route : new String[] {"timer", "seda", "file"}) {
                assertThat(workers.find("route:" + route).deaths()).as(route).isEqualTo(1);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> !workers.anyDown());
        }
    }
}

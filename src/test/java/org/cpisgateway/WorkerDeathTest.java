package org.cpisgateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.cpisgateway.store.AttendanceJournal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The journal writer dies of an Error (as an OutOfMemoryError or a StackOverflowError would kill it), and what each
 * side sees: the PAS gets AE at once for the message it held (not after the 60 s wait), the operator sees readiness
 * DOWN and the death counted while the writer restarts, and the next attendance is acknowledged and notified as
 * usual.
 */
class WorkerDeathTest {

    static RunningGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = RunningGateway.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    private static AckText send(String controlId) throws Exception {
        List<String> acks = Mllp.exchange(gateway.mllpPort, Mllp.frame(Hl7Messages.a04(controlId, "9990000018")
                .getBytes(StandardCharsets.UTF_8)), 1, StandardCharsets.UTF_8, 70_000);
        assertThat(acks).hasSize(1);
        return AckText.of(acks.get(0));
    }

    private static double metric(String line) throws Exception {
        for (String l : Http.get(gateway.httpPort, "/observe/metrics").body().split("\n")) {
            if (l.startsWith(line + " ")) {
                return Double.parseDouble(l.substring(line.length() + 1));
            }
        }
        return Double.NaN;
    }

    @Test
    void theJournalWriterDiesAndThePasIsAnsweredAtOnceThenServedAgain() throws Exception {
        assertThat(send(Hl7Messages.newControlId()).field("MSA", 1)).isEqualTo("AA");
        AttendanceJournal.failNextBatchWith(new StackOverflowError("injected"));
        long start = System.nanoTime();
        AckText ack = send(Hl7Messages.newControlId());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(ack.field("MSA", 1)).isEqualTo("AE");
        assertThat(ack.field("ZCS", 1)).isEqualTo("NOT_CHECKED");
        assertThat(millis).as("answered at once, not after the journal's 60 s wait").isLessThan(10_000);
        // down while it restarts (2 s), then up again
        var ready = Http.get(gateway.httpPort, "/observe/health/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("journal-writer");
        assertThat(metric("cpis_worker_deaths_total{worker=\"journal-writer\"}")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Http.get(gateway.httpPort, "/observe/health/ready").statusCode() == 200);
        assertThat(metric("cpis_worker_up{worker=\"journal-writer\"}")).isEqualTo(1);
        AckText after = send(Hl7Messages.newControlId());
        assertThat(after.field("MSA", 1)).isEqualTo("AA");
        assertThat(after.field("ZCS", 1)).isEqualTo("FLAGGED");
        try (var la901 = gateway.connectAsAuthority("LA901");
             var queue = la901.createConsumer(la901.createQueue("cpis.notify.LA901"))) {
            int received = 0;
            while (queue.receive(received < 2 ? 10_000 : 1_000) != null) {
                received++;
            }
            assertThat(received).as("the two acknowledged attendances notified, the AE one not").isEqualTo(2);
        }
    }

    @Test
    void aRouteStepThatThrowsAnErrorFailsOnlyThatExchangeAndTheRouteGoesOn() throws Exception {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        // a timer route of the gateway's kind (the relay's rounds, retention), its first run killed by an Error
        gateway.context().addRoutes(new org.apache.camel.builder.RouteBuilder() {
            @Override
            public void configure() {
                from("timer:injected-fault?period=200").routeId("injected-fault").process(e -> {
                    if (calls.incrementAndGet() == 1) {
                        throw new OutOfMemoryError("injected");
                    }
                });
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() >= 3);
        assertThat(metric("cpis_worker_deaths_total{worker=\"route:injected-fault\"}")).isEqualTo(1);
        assertThat(metric("cpis_worker_up{worker=\"route:injected-fault\"}")).isEqualTo(1);
        gateway.context().getRouteController().stopRoute("injected-fault");
        gateway.context().removeRoute("injected-fault");
    }
}

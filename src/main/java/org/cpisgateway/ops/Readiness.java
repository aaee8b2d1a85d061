package org.cpisgateway.ops;

import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.cpisgateway.supervision.Workers;

import jakarta.jms.ConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.component.mllp.FramePreservingMllpConsumer;

/**
 * Liveness and readiness for load balancers and orchestrators. Ready means: every MLLP listener that should run is
 * accepting connections, the store answers a query, and the broker accepts a connection. Each check has a time limit,
 * so a hung store or broker makes the gateway "not ready" rather than hanging the probe.
 */
public class Readiness {

    private final CamelContext context;
    private final DataSource store;
    private final ConnectionFactory broker;
    private final long timeoutMillis;
    private final Workers workers;

    public Readiness(CamelContext context, DataSource store, ConnectionFactory broker, long timeoutMillis,
                     Workers workers) {
        this.context = context;
        this.store = store;
        this.broker = broker;
        this.timeoutMillis = timeoutMillis;
        this.workers = workers;
    }

    /** Liveness: the process answers HTTP and Camel is running. */
    public Map<String, Object> live(Exchange exchange) {
        boolean up = context.isStarted();
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, up ? 200 : 503);
        return Map.of("status", up ? "UP" : "DOWN");
    }

    /** Readiness: 200 with each check UP, or 503 naming what is down (no patient data, no stack traces). */
    public Map<String, Object> ready(Exchange exchange) {
        Map<String, String> checks = new LinkedHashMap<>();
        checks.put("mllp", timed(this::mllpListening));
        checks.put("store", timed(this::storeAnswers));
        checks.put("broker", timed(this::brokerConnects));
        checks.put("workers", workersRunning());
        boolean up = checks.values().stream().allMatch("UP"::equals);
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, up ? 200 : 503);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        body.put("checks", checks);
        return body;
    }

    /**
     * 1 when the part answers its readiness check now, else 0, for the metric {@code cpis_up{component}} that alert
     * rules watch: {@code mllp} (every listener accepting), {@code store}, {@code broker}.
     */
    public double up(String component) {
        String state = switch (component) {
            case "mllp" -> timed(this::mllpListening);
            case "store" -> timed(this::storeAnswers);
            case "broker" -> timed(this::brokerConnects);
            case "workers" -> workersRunning();
            default -> "DOWN: unknown";
        };
        return "UP".equals(state) ? 1 : 0;
    }

    /** Every long-lived worker running (one that died is down until its restart). */
    private String workersRunning() {
        List<String> down = workers.down();
        return down.isEmpty() ? "UP" : "DOWN: " + String.join(", ", down) + " restarting after a failure";
    }

    /** How many MLLP connections are open, over all listeners. */
    public int mllpConnections() {
        return context.getRoutes().stream().map(Route::getConsumer)
                .filter(FramePreservingMllpConsumer.class::isInstance)
                .mapToInt(c -> ((FramePreservingMllpConsumer) c).openConnections()).sum();
    }

    private String mllpListening() {
        // listeners that are meant to run (the TLS one is not started unless enabled)
        List<FramePreservingMllpConsumer> listeners = context.getRoutes().stream()
                .filter(r -> context.getRouteController().getRouteStatus(r.getRouteId()).isStarted())
                .map(Route::getConsumer).filter(FramePreservingMllpConsumer.class::isInstance)
                .map(FramePreservingMllpConsumer.class::cast).toList();
        long listening = listeners.stream().filter(FramePreservingMllpConsumer::isListening).count();
        boolean allListening = listening == listeners.size();
        return !listeners.isEmpty() && allListening ? "UP" : "DOWN: MLLP listener not accepting connections";
    }

    private String storeAnswers() throws Exception {
        try (Connection c = store.getConnection(); var s = c.createStatement()) {
            s.setQueryTimeout((int) Math.max(1, timeoutMillis / 1000));
            s.execute("select 1");
            return "UP";
        }
    }

    private String brokerConnects() throws Exception {
        try (jakarta.jms.Connection c = broker.createConnection()) {
            c.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE).close();
            return "UP";
        }
    }

    private interface Check {
        String run() throws Exception;
    }

    private String timed(Check check) {
        CompletableFuture<String> result = CompletableFuture.supplyAsync(() -> {
            try {
                return check.run();
            } catch (Exception e) {
                return "DOWN: " + e.getClass().getSimpleName();
            }
        });
        try {
            return result.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            result.cancel(true);
            return "DOWN: no answer within " + timeoutMillis + " ms";
        } catch (Exception e) {
            return "DOWN: " + e.getClass().getSimpleName();
        }
    }
}

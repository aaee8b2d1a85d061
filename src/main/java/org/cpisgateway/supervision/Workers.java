package org.cpisgateway.supervision;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The gateway's long-lived workers (the journal writer, the notification relay and its delivery lanes, the
 * reloaders, the upload pollers, retention) and whether each is running now. A worker that dies says so here: the
 * readiness check is DOWN while any worker is down, {@code cpis_worker_up{worker}} reads 0 and
 * {@code cpis_worker_deaths_total{worker}} counts it, and an alert rule fires; its owner restarts it.
 */
public final class Workers {

    private final Map<String, Worker> byName = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger downCount = new java.util.concurrent.atomic.AtomicInteger();
    private final List<Consumer<Worker>> listeners = new CopyOnWriteArrayList<>();

    /** The worker of that name, registered on first use. */
    public Worker worker(String name) {
        return byName.computeIfAbsent(name, n -> {
            Worker w = new Worker(n);
            w.downCount = downCount;
            listeners.forEach(l -> l.accept(w));
            return w;
        });
    }

    /** The worker of that name, or null when none has been registered. */
    public Worker find(String name) {
        return byName.get(name);
    }

    /** Adds a worker made on its own (e.g. by a class that also runs without a registry). */
    public Worker add(Worker worker) {
        Worker known = byName.putIfAbsent(worker.name(), worker);
        if (known == null) {
            synchronized (worker) {
                worker.downCount = downCount;
                if (!worker.up()) {
                    downCount.incrementAndGet();
                }
            }
            listeners.forEach(l -> l.accept(worker));
            return worker;
        }
        return known;
    }

    /** Called for every worker there is now and every one registered later (metrics). */
    public void onEach(Consumer<Worker> listener) {
        listeners.add(listener);
        byName.values().forEach(listener);
    }

    public Collection<Worker> all() {
        return List.copyOf(byName.values());
    }

    /** True while any worker is down (cheap: for a check made at every step of every exchange). */
    public boolean anyDown() {
        return downCount.get() > 0;
    }

    /** The names of the workers down now; empty when all run. */
    public List<String> down() {
        return byName.values().stream().filter(w -> !w.up()).map(Worker::name).sorted().toList();
    }

    /** One worker's state: up or down, how often it died and of what. */
    public static final class Worker {
        private final String name;
        private volatile boolean up = true;
        private volatile String lastFailure = "";
        private final LongAdder deaths = new LongAdder();
        private java.util.concurrent.atomic.AtomicInteger downCount;

        public Worker(String name) {
            this.name = name;
        }

        public String name() {
            return name;
        }

        public boolean up() {
            return up;
        }

        public long deaths() {
            return deaths.sum();
        }

        /** The class of what it last died of ("" if it never died). */
        public String lastFailure() {
            return lastFailure;
        }

        /** It stopped on {@code failure}: down until {@link #running()}. */
        public synchronized void died(Throwable failure) {
            lastFailure = failure.getClass().getName();
            deaths.increment();
            if (up && downCount != null) {
                downCount.incrementAndGet();
            }
            up = false;
        }

        /** It runs (again). */
        public void running() {
            if (up) {
                return;
            }
            synchronized (this) {
                if (!up && downCount != null) {
                    downCount.decrementAndGet();
                }
                up = true;
            }
        }
    }
}

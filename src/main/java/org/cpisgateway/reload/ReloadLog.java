package org.cpisgateway.reload;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cpisgateway.core.IsoTime;

/** The last outcomes of live edits (route files and mapping tables), newest first, for the operations page. */
public class ReloadLog {

    private static final int KEEP = 50;
    private final Deque<Map<String, Object>> entries = new ArrayDeque<>();
    private final java.time.Clock clock;

    public ReloadLog(java.time.Clock clock) {
        this.clock = clock;
    }

    public void applied(String file, String detail) {
        add(file, "APPLIED", detail);
    }

    public void refused(String file, String reason) {
        add(file, "REFUSED", reason);
    }

    private synchronized void add(String file, String outcome, String detail) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("at", IsoTime.of(OffsetDateTime.now(clock.withZone(ZoneOffset.UTC))));
        e.put("file", file);
        e.put("outcome", outcome);
        e.put("detail", detail);
        entries.addFirst(e);
        while (entries.size() > KEEP) {
            entries.removeLast();
        }
    }

    public synchronized List<Map<String, Object>> recent() {
        return new ArrayList<>(entries);
    }
}

package org.cpisgateway.mapping;

/**
 * Where an attendance happens. {@code scheduled} settings get a silent read (no notification to the authority);
 * unscheduled ones (ED, UTC, walk-in, ...) notify.
 */
public record CareSetting(String code, String name, String type, boolean scheduled, boolean mapped) {
}

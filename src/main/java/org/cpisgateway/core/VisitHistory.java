package org.cpisgateway.core;

/**
 * Port: which NHS number a visit was last looked up with, so that one visit is checked and notified once however
 * many messages (registration, admission, updates, merges) it brings.
 */
@FunctionalInterface
public interface VisitHistory {

    /** The NHS number {@code visit} was last looked up with, or null when it never was. */
    String lastCheckedNhsNumber(String visit);

    /** No visit is remembered: every message is checked on its own. */
    VisitHistory NONE = visit -> null;
}

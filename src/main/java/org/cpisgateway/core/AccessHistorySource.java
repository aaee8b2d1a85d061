package org.cpisgateway.core;

import java.util.List;

/** Where the rules read a person's recorded accesses from (the access log). */
public interface AccessHistorySource {

    /** The person's most recent accesses, newest first, at most {@code limit}. */
    List<AccessRecord> recentAccesses(String nhsNumber, int limit);
}

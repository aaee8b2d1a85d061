package org.cpisgateway.core;

import java.time.OffsetDateTime;

/** One access to a flagged record: when, from which care setting. */
public record AccessRecord(OffsetDateTime accessedAt, String settingCode, String settingName, String settingType,
                           boolean scheduled) {
}

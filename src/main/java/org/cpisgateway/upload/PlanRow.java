package org.cpisgateway.upload;

/** One row of an upload as it arrived, cells unparsed; {@code row} counts data rows from 1. */
public record PlanRow(int row, String nhsNumber, String planType, String startDate, String endDate, String action,
                      String authorityCode) {
}

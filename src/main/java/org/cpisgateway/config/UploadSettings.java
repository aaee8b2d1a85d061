package org.cpisgateway.config;

import java.nio.file.Path;

/**
 * Authority uploads by queue and by folder ({@code cpis.upload.*}, {@code cpis.uploads.*}). An upload larger than
 * {@code maxBytes} is refused without being read, one with more than {@code maxRows} rows is refused whole.
 */
public record UploadSettings(String queuePrefix, Path dir, int minAgeMs, int snapshotMaxEndPercent, int maxBytes,
                             int maxRows) {

    static UploadSettings read(SettingsReader r) {
        UploadSettings s = new UploadSettings(r.text("cpis.upload.queue-prefix"), r.path("cpis.uploads.dir"),
                r.integer("cpis.uploads.min-age-ms"), r.integer("cpis.uploads.snapshot-max-end-percent"),
                r.integer("cpis.uploads.max-bytes"), r.integer("cpis.uploads.max-rows"));
        if (s.maxBytes() < 1) {
            r.problem("cpis.uploads.max-bytes must be at least 1");
        }
        if (s.maxRows() < 1) {
            r.problem("cpis.uploads.max-rows must be at least 1");
        }
        return s;
    }
}

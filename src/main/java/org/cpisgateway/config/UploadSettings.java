package org.cpisgateway.config;

import java.nio.file.Path;

/** Authority uploads by queue and by folder ({@code cpis.upload.*}, {@code cpis.uploads.*}). */
public record UploadSettings(String queuePrefix, Path dir, int minAgeMs, int snapshotMaxEndPercent) {

    static UploadSettings read(SettingsReader r) {
        return new UploadSettings(r.text("cpis.upload.queue-prefix"), r.path("cpis.uploads.dir"),
                r.integer("cpis.uploads.min-age-ms"), r.integer("cpis.uploads.snapshot-max-end-percent"));
    }
}

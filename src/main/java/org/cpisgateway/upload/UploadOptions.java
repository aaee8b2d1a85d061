package org.cpisgateway.upload;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How an upload asks to be applied, written in the upload itself so that a queue message, a dropped file and a file
 * fetched over SFTP all carry it alike:
 * <ul>
 *   <li>CSV: a comment line before the header, {@code # cpis: sequence=42 mode=snapshot dry-run force};</li>
 *   <li>JSON: {@code {"sequence": 42, "mode": "snapshot", "dryRun": true, "force": true, "plans": [...]}}.</li>
 * </ul>
 * {@code sequence}: the authority's own increasing batch number (optional); {@code mode=snapshot}: the upload is the
 * authority's complete current list, so its open plans that are missing from it are ended; {@code dry-run}: report
 * what would change and change nothing; {@code force}: apply a snapshot even if it ends more than the allowed share.
 */
public record UploadOptions(Long sequence, boolean snapshot, boolean dryRun, boolean force) {

    public static final UploadOptions DELTA = new UploadOptions(null, false, false, false);

    private static final Pattern DIRECTIVE = Pattern.compile("(?im)^\\s*cpis\\s*:(.*)$");

    /** The options of a JSON upload, from the values beside its plans (each null when absent). */
    static UploadOptions ofJson(JsonNode sequence, JsonNode mode, JsonNode dryRun, JsonNode force)
            throws UnreadableUpload {
        if (sequence != null && !sequence.isNull() && !sequence.canConvertToLong()) {
            throw new UnreadableUpload("sequence must be a whole number");
        }
        return new UploadOptions(sequence == null || sequence.isNull() ? null : sequence.asLong(),
                mode != null && "snapshot".equalsIgnoreCase(mode.asText("")),
                dryRun != null && dryRun.asBoolean(false), force != null && force.asBoolean(false));
    }

    /** The options of a CSV upload, gathered from its comment lines as the CSV parser meets them. */
    static final class Directives {
        private Long sequence;
        private boolean snapshot;
        private boolean dryRun;
        private boolean force;

        /** @param comment the text of one or more comment lines (without their {@code #}), or null */
        void read(String comment) throws UnreadableUpload {
            if (comment == null) {
                return;
            }
            Matcher m = DIRECTIVE.matcher(comment);
            while (m.find()) {
                for (String word : m.group(1).trim().split("\\s+")) {
                    word(word);
                }
            }
        }

        private void word(String word) throws UnreadableUpload {
            String w = word.toLowerCase(Locale.ROOT);
            if (w.startsWith("sequence=")) {
                try {
                    sequence = Long.parseLong(w.substring("sequence=".length()));
                } catch (NumberFormatException e) {
                    throw new UnreadableUpload("sequence must be a whole number: " + word);
                }
            } else if (w.equals("mode=snapshot")) {
                snapshot = true;
            } else if (w.equals("mode=delta")) {
                snapshot = false;
            } else if (w.equals("dry-run")) {
                dryRun = true;
            } else if (w.equals("force")) {
                force = true;
            } else if (!w.isEmpty()) {
                throw new UnreadableUpload("unknown upload option '" + word
                        + "': use sequence=N, mode=snapshot, dry-run, force");
            }
        }

        UploadOptions options() {
            return new UploadOptions(sequence, snapshot, dryRun, force);
        }
    }
}

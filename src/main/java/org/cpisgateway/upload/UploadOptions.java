package org.cpisgateway.upload;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

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

    private static final Pattern DIRECTIVE = Pattern.compile("(?im)^\\s*#\\s*cpis\\s*:(.*)$");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The options an upload's text carries (none: a delta, applied at once). */
    public static UploadOptions of(String text) throws PlanRowReader.UnreadableUpload {
        if (PlanRowReader.looksLikeJson(text)) {
            JsonNode root;
            try {
                root = JSON.readTree(text);
            } catch (com.fasterxml.jackson.core.JsonProcessingException unreadable) {
                return DELTA; // the row reader reports it
            }
            if (!root.isObject()) {
                return DELTA;
            }
            JsonNode seq = root.get("sequence");
            if (seq != null && !seq.isNull() && !seq.canConvertToLong()) {
                throw new PlanRowReader.UnreadableUpload("sequence must be a whole number");
            }
            return new UploadOptions(seq == null || seq.isNull() ? null : seq.asLong(),
                    "snapshot".equalsIgnoreCase(root.path("mode").asText("")), root.path("dryRun").asBoolean(false),
                    root.path("force").asBoolean(false));
        }
        Long sequence = null;
        boolean snapshot = false;
        boolean dryRun = false;
        boolean force = false;
        Matcher m = DIRECTIVE.matcher(text);
        while (m.find()) {
            for (String word : m.group(1).trim().split("\\s+")) {
                String w = word.toLowerCase(Locale.ROOT);
                if (w.startsWith("sequence=")) {
                    try {
                        sequence = Long.parseLong(w.substring("sequence=".length()));
                    } catch (NumberFormatException e) {
                        throw new PlanRowReader.UnreadableUpload("sequence must be a whole number: " + word);
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
                    throw new PlanRowReader.UnreadableUpload("unknown upload option '" + word
                            + "': use sequence=N, mode=snapshot, dry-run, force");
                }
            }
        }
        return new UploadOptions(sequence, snapshot, dryRun, force);
    }
}

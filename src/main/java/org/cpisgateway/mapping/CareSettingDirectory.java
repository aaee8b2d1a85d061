package org.cpisgateway.mapping;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.cpisgateway.core.CareSetting;
import org.cpisgateway.core.CareSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code mappings/care-settings.csv}: the sending facility (MSH-4), optionally refined by the point of care in PV1-3,
 * mapped to a setting code, name, type and scheduled flag. A row with an empty location is the facility's default.
 * An unmapped setting is treated as unscheduled (a missed notification is the worse error) and warned about once.
 * Optional column {@code nhs_number_status}: {@code required} when the sender always sends PID-32, so that a number
 * without it is not looked up (empty or {@code optional}: looked up). Optional column {@code phone}: the number an
 * authority calls at the setting (in version 2 notifications). Optional column {@code silent_after_minutes}: how
 * long the setting may send nothing before its feed counts as silent (see {@code core.FeedSilence}; empty: its usual
 * traffic decides alone).
 */
public class CareSettingDirectory implements CareSettings {

    private static final Logger LOG = LoggerFactory.getLogger(CareSettingDirectory.class);

    /** The rows, the facilities that have any and each row's feed, swapped together by a live edit. */
    private record Table(Map<String, CareSetting> byKey, Set<String> facilities, List<Feed> feeds) {
    }

    /**
     * One row as a feed to watch for silence: the setting's code, where its messages come from (sending facility,
     * point of care or null for the facility's default) and how long it may send nothing (null: not set).
     */
    public record Feed(String code, String facility, String location, Duration silentAfter) {
    }

    private volatile Table table;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    private CareSettingDirectory(Map<String, CareSetting> byKey, List<Feed> feeds) {
        this.table = new Table(Map.copyOf(byKey),
                byKey.keySet().stream().map(k -> k.substring(0, k.indexOf('|'))).collect(Collectors.toUnmodifiableSet()),
                List.copyOf(feeds));
    }

    public static CareSettingDirectory load(Path file) {
        Map<String, CareSetting> byKey = new HashMap<>();
        List<Feed> feeds = new ArrayList<>();
        for (var row : CsvTable.read(file, "sending_facility", "location", "setting_code", "setting_name", "setting_type",
                "scheduled")) {
            String facility = CsvTable.cell(row, "sending_facility");
            String scheduled = CsvTable.cell(row, "scheduled");
            if (facility == null || scheduled == null || !scheduled.matches("(?i)yes|no|true|false|y|n")) {
                throw new IllegalStateException(file + " line " + row.line()
                        + ": sending_facility is required and scheduled must be yes or no");
            }
            boolean isScheduled = scheduled.toLowerCase(Locale.ROOT).startsWith("y") || scheduled.equalsIgnoreCase("true");
            String status = CsvTable.cell(row, "nhs_number_status");
            if (status != null && !status.matches("(?i)required|optional")) {
                throw new IllegalStateException(file + " line " + row.line()
                        + ": nhs_number_status must be required or optional (empty: optional)");
            }
            String silentAfter = CsvTable.cell(row, "silent_after_minutes");
            if (silentAfter != null && !silentAfter.matches("[1-9][0-9]{0,5}")) {
                throw new IllegalStateException(file + " line " + row.line()
                        + ": silent_after_minutes must be a whole number of minutes above 0 (empty: not set)");
            }
            String location = CsvTable.cell(row, "location");
            String code = CsvTable.cell(row, "setting_code");
            byKey.put(key(facility, location),
                    new CareSetting(code, CsvTable.cell(row, "setting_name"),
                            CsvTable.cell(row, "setting_type"), isScheduled, true,
                            "required".equalsIgnoreCase(status), CsvTable.cell(row, "phone")));
            if (code != null) {
                feeds.add(new Feed(code, facility.toUpperCase(Locale.ROOT),
                        location == null ? null : location.toUpperCase(Locale.ROOT),
                        silentAfter == null ? null : Duration.ofMinutes(Long.parseLong(silentAfter))));
            }
        }
        return new CareSettingDirectory(byKey, feeds);
    }

    private static String key(String facility, String location) {
        return facility.toUpperCase(Locale.ROOT) + "|" + (location == null ? "" : location.toUpperCase(Locale.ROOT));
    }

    /** Takes the other table's rows (a live edit of the file); lookups in progress see the old or the new table. */
    public void replaceWith(CareSettingDirectory other) {
        this.table = other.table;
        warned.clear();
    }

    /** Every row as a feed to watch, in the file's order (the table of now: a live edit changes it). */
    public List<Feed> feeds() {
        return table.feeds();
    }

    /** True when the facility has at least one row (a sender of ours, e.g. for metric labels). */
    public boolean knowsFacility(String facility) {
        return table.facilities().contains(facility.toUpperCase(Locale.ROOT));
    }

    /** Where a setting's messages come from: its sending facility and point of care (empty: the facility's default). */
    public record Place(String facility, String location, CareSetting setting) {
    }

    /** The row whose setting code is {@code settingCode} (its first, when several rows share it). */
    public java.util.Optional<Place> placeOf(String settingCode) {
        return table.byKey().entrySet().stream()
                .filter(e -> e.getValue().code() != null && e.getValue().code().equalsIgnoreCase(settingCode))
                .map(e -> {
                    String key = e.getKey();
                    int bar = key.indexOf('|');
                    String location = key.substring(bar + 1);
                    return new Place(key.substring(0, bar), location.isEmpty() ? null : location, e.getValue());
                })
                .sorted(java.util.Comparator.comparing(p -> p.location() == null ? "" : p.location()))
                .findFirst();
    }

    @Override
    public CareSetting find(String sendingFacility, String location) {
        String facility = sendingFacility == null ? "" : sendingFacility;
        Map<String, CareSetting> byKey = table.byKey();
        CareSetting setting = location == null ? null : byKey.get(key(facility, location));
        if (setting == null) {
            setting = byKey.get(key(facility, null));
        }
        if (setting != null) {
            return setting;
        }
        if (warned.add(key(facility, location))) {
            LOG.warn("Care setting not mapped: sending facility '{}' location '{}'; treated as unscheduled. "
                    + "Add it to mappings/care-settings.csv", facility, location == null ? "" : location);
        }
        return CareSetting.unmapped(facility);
    }
}

package org.cpisgateway.mapping;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.cpisgateway.core.Authorities;
import org.cpisgateway.core.Authority;
import org.cpisgateway.core.DeliveryChannel;

/**
 * {@code mappings/authorities.csv}: authority code, name, office-hours phone, emergency-duty phone, and optional
 * columns: notification version, notification format, delivery channels.
 */
public class AuthorityDirectory implements Authorities {

    /** Authority codes become queue names, so they are kept to letters, digits, '-' and '_'. */
    static final Pattern CODE = Pattern.compile("[A-Za-z0-9_-]{1,16}");

    /** Every column of the table, swapped as one: a reader sees the old table or the new one, never half of each. */
    private record Table(Map<String, Authority> byCode, Map<String, Integer> notificationVersions,
                         Map<String, String> notificationFormats, Map<String, List<DeliveryChannel>> channels) {
    }

    private volatile Table table;

    public AuthorityDirectory(Map<String, Authority> byCode) {
        this(byCode, Map.of(), Map.of(), Map.of());
    }

    private AuthorityDirectory(Map<String, Authority> byCode, Map<String, Integer> versions,
                               Map<String, String> formats, Map<String, List<DeliveryChannel>> channels) {
        this.table = new Table(Collections.unmodifiableMap(new LinkedHashMap<>(byCode)), Map.copyOf(versions),
                Map.copyOf(formats), Map.copyOf(channels));
    }

    /**
     * The notification version the authority takes: 1 unless its row says {@code notification_version} 2
     * (optional column). Version 2 only adds fields; version 1's schema admits none it does not list.
     */
    public int notificationVersion(String code) {
        return table.notificationVersions().getOrDefault(code, 1);
    }

    /**
     * The form the authority's notifications take: {@code json} (the gateway's JSON, by version) unless its row says
     * {@code notification_format} {@code fhir-r4} (a FHIR R4 message Bundle).
     */
    public String notificationFormat(String code) {
        return table.notificationFormats().getOrDefault(code, "json");
    }

    public static AuthorityDirectory load(Path file) {
        Map<String, Authority> byCode = new LinkedHashMap<>();
        Map<String, Integer> versions = new java.util.HashMap<>();
        Map<String, String> formats = new java.util.HashMap<>();
        Map<String, List<DeliveryChannel>> channels = new java.util.HashMap<>();
        for (var row : CsvTable.read(file, "code", "name", "office_hours_phone", "emergency_duty_phone")) {
            String code = CsvTable.cell(row, "code");
            if (code == null || !CODE.matcher(code).matches()) {
                throw new IllegalStateException(file + " line " + row.line()
                        + ": authority code must be 1-16 letters, digits, '-' or '_'");
            }
            byCode.put(code, new Authority(code, CsvTable.cell(row, "name"),
                    nullToEmpty(CsvTable.cell(row, "office_hours_phone")),
                    nullToEmpty(CsvTable.cell(row, "emergency_duty_phone"))));
            String version = CsvTable.cell(row, "notification_version");
            if (version != null && !version.matches("[12]")) {
                throw new IllegalStateException(file + " line " + row.line()
                        + ": notification_version must be 1 or 2 (empty: 1)");
            }
            if (version != null) {
                versions.put(code, Integer.parseInt(version));
            }
            String format = CsvTable.cell(row, "notification_format");
            if (format != null && !format.matches("json|fhir-r4")) {
                throw new IllegalStateException(file + " line " + row.line()
                        + ": notification_format must be json or fhir-r4 (empty: json)");
            }
            if (format != null) {
                formats.put(code, format);
            }
            try {
                channels.put(code, DeliveryChannel.parseAll(CsvTable.cell(row, "delivery")));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(file + " line " + row.line() + ": " + e.getMessage(), e);
            }
        }
        return new AuthorityDirectory(byCode, versions, formats, channels);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    /**
     * Takes the other table's rows (a live edit of the file) in one write: each lookup sees the old or the new table
     * whole (a caller that makes several lookups may see the old one, then the new one).
     */
    public void replaceWith(AuthorityDirectory other) {
        this.table = other.table;
    }

    @Override
    public Authority find(String code) {
        Authority authority = table.byCode().get(code);
        return authority != null ? authority : Authority.unknown(code);
    }

    @Override
    public boolean knows(String code) {
        return table.byCode().containsKey(code);
    }

    /**
     * The channels the authority's notifications go through ({@code delivery} column, URIs separated by spaces;
     * empty: its queue). An authority not in the table has its queue (where an unknown code is parked as unrouted).
     */
    @Override
    public List<DeliveryChannel> channels(String code) {
        return table.channels().getOrDefault(code, List.of(DeliveryChannel.QUEUE));
    }

    @Override
    public Collection<String> codes() {
        return table.byCode().keySet();
    }

    public Collection<Authority> all() {
        return table.byCode().values();
    }
}

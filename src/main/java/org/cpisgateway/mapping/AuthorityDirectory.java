package org.cpisgateway.mapping;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import org.cpisgateway.core.Authorities;
import org.cpisgateway.core.Authority;

/** {@code mappings/authorities.csv}: authority code, name, office-hours phone, emergency-duty phone. */
public class AuthorityDirectory implements Authorities {

    /** Authority codes become queue names, so they are kept to letters, digits, '-' and '_'. */
    static final Pattern CODE = Pattern.compile("[A-Za-z0-9_-]{1,16}");

    private volatile Map<String, Authority> byCode;

    public AuthorityDirectory(Map<String, Authority> byCode) {
        this.byCode = Collections.unmodifiableMap(new LinkedHashMap<>(byCode));
    }

    public static AuthorityDirectory load(Path file) {
        Map<String, Authority> byCode = new LinkedHashMap<>();
        for (var row : CsvTable.read(file, "code", "name", "office_hours_phone", "emergency_duty_phone")) {
            String code = CsvTable.cell(row, "code");
            if (code == null || !CODE.matcher(code).matches()) {
                throw new IllegalStateException(file + " line " + row.line()
                        + ": authority code must be 1-16 letters, digits, '-' or '_'");
            }
            byCode.put(code, new Authority(code, CsvTable.cell(row, "name"),
                    nullToEmpty(CsvTable.cell(row, "office_hours_phone")),
                    nullToEmpty(CsvTable.cell(row, "emergency_duty_phone"))));
        }
        return new AuthorityDirectory(byCode);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    /** Takes the other table's rows (a live edit of the file); lookups in progress see the old or the new table. */
    public void replaceWith(AuthorityDirectory other) {
        this.byCode = other.byCode;
    }

    @Override
    public Authority find(String code) {
        Authority authority = byCode.get(code);
        return authority != null ? authority : Authority.unknown(code);
    }

    @Override
    public boolean knows(String code) {
        return byCode.containsKey(code);
    }

    public Collection<Authority> all() {
        return byCode.values();
    }
}

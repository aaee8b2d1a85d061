package org.cpisgateway;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** An ACK as it came off the wire, split into segments and fields (default delimiters) for assertions. */
public record AckText(String text, List<String[]> segments) {

    /** Splits on the ACK's own field separator (MSH-1), which echoes the inbound message's. */
    public static AckText of(String text) {
        List<String[]> segments = new ArrayList<>();
        String fs = text.length() > 3 && text.startsWith("MSH") ? String.valueOf(text.charAt(3)) : "|";
        for (String s : text.split("\r")) {
            if (!s.isBlank()) {
                segments.add(s.split(java.util.regex.Pattern.quote(fs), -1));
            }
        }
        return new AckText(text, segments);
    }

    /** Whether {@code ack} is an AA for control ID {@code id} saying FLAGGED (ZCS-1). */
    public static boolean acceptedFlagged(String ack, String id) {
        AckText a = of(ack);
        return "AA".equals(a.field("MSA", 1)) && id.equals(a.field("MSA", 2)) && "FLAGGED".equals(a.field("ZCS", 1));
    }

    public List<String[]> all(String name) {
        return segments.stream().filter(s -> s[0].equals(name)).toList();
    }

    /** Field n of the first segment called name (MSH counts MSH-1 as the separator, as HL7 does). */
    public String field(String name, int n) {
        return field(name, 0, n);
    }

    public String field(String name, int rep, int n) {
        List<String[]> list = all(name);
        if (rep >= list.size()) {
            return null;
        }
        String[] s = list.get(rep);
        int index = name.equals("MSH") ? n - 1 : n;
        return index < s.length ? s[index] : "";
    }

    @Override
    public String toString() {
        return String.join("\n", segments.stream().map(s -> String.join("|", s)).toList());
    }

    public String names() {
        return Arrays.toString(segments.stream().map(s -> s[0]).toArray());
    }
}

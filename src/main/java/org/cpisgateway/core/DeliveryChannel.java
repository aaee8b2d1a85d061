package org.cpisgateway.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One way an authority receives its notifications, written as a URI in the {@code delivery} column of
 * mappings/authorities.csv. The URI as written is the channel's identity: the outbox records each notification's
 * delivery per channel under it.
 *
 * <ul>
 *   <li>{@code queue:} the authority's queue on the gateway's broker ({@code cpis.notify.<code>});</li>
 *   <li>{@code https://host/path} a webhook ({@code http://} only to this machine's loopback, for tests and a local
 *       relay);</li>
 *   <li>{@code file:/dir} one file per notification in a folder the case system imports;</li>
 *   <li>{@code sftp://user@host[:port]/dir} the same on a remote host over SFTP;</li>
 *   <li>{@code mailto:duty-team@example.org} a short e-mail to a duty team.</li>
 * </ul>
 */
public record DeliveryChannel(Kind kind, String uri, String address) {

    public enum Kind {
        QUEUE, WEBHOOK, FILE, SFTP, MAIL;

        /** The kind's name in metrics and the operations view: queue, webhook, file, sftp, mail. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What an authority with an empty {@code delivery} cell gets: its queue. */
    public static final DeliveryChannel QUEUE = new DeliveryChannel(Kind.QUEUE, "queue:", "");

    /**
     * The channels of one {@code delivery} cell: URIs separated by spaces; empty means the queue.
     *
     * @throws IllegalArgumentException saying what is wrong with which URI
     */
    public static List<DeliveryChannel> parseAll(String cell) {
        List<DeliveryChannel> channels = new ArrayList<>();
        if (cell == null || cell.isBlank()) {
            return List.of(QUEUE);
        }
        for (String uri : cell.trim().split("\\s+")) {
            DeliveryChannel channel = parse(uri);
            if (channels.stream().anyMatch(c -> c.uri.equals(channel.uri))) {
                throw new IllegalArgumentException("delivery channel " + channel.uri + " is listed twice");
            }
            channels.add(channel);
        }
        return List.copyOf(channels);
    }

    /** One channel URI. */
    public static DeliveryChannel parse(String uri) {
        String lower = uri.toLowerCase(Locale.ROOT);
        if (lower.equals("queue:")) {
            return QUEUE;
        }
        if (lower.startsWith("https://")) {
            requireHost(uri, uri.substring("https://".length()));
            return new DeliveryChannel(Kind.WEBHOOK, uri, uri);
        }
        if (lower.startsWith("http://")) {
            String host = requireHost(uri, uri.substring("http://".length()));
            if (!isLoopback(host)) {
                throw new IllegalArgumentException("webhook " + uri
                        + ": http:// is allowed only to this machine (127.0.0.1, localhost, [::1]); use https://");
            }
            return new DeliveryChannel(Kind.WEBHOOK, uri, uri);
        }
        if (lower.startsWith("file:")) {
            String dir = uri.substring("file:".length());
            if (dir.startsWith("//")) {
                dir = dir.substring(2); // file:///srv/x
            }
            if (dir.isEmpty() || !(dir.startsWith("/") || dir.matches("[A-Za-z]:[\\\\/].*"))) {
                throw new IllegalArgumentException("delivery " + uri + ": file: needs an absolute folder, "
                        + "e.g. file:/srv/cpis/outgoing");
            }
            return new DeliveryChannel(Kind.FILE, uri, dir);
        }
        if (lower.startsWith("sftp://")) {
            String rest = uri.substring("sftp://".length());
            int at = rest.indexOf('@');
            int slash = rest.indexOf('/');
            if (at <= 0 || slash < at || rest.substring(at + 1, slash).isEmpty()) {
                throw new IllegalArgumentException("delivery " + uri
                        + ": sftp needs a user, a host and a folder, e.g. sftp://cpis@files.example.org/incoming");
            }
            return new DeliveryChannel(Kind.SFTP, uri, rest);
        }
        if (lower.startsWith("mailto:")) {
            String address = uri.substring("mailto:".length());
            if (!address.matches("[^@\\s,;?]+@[^@\\s,;?]+\\.[^@\\s,;?]+")) {
                throw new IllegalArgumentException("delivery " + uri + ": mailto: needs one e-mail address");
            }
            return new DeliveryChannel(Kind.MAIL, uri, address);
        }
        throw new IllegalArgumentException("delivery " + uri
                + ": not a channel (queue:, https://, file:, sftp://, mailto:)");
    }

    /**
     * The channel as shown in the operations view and logs: a webhook's query string and an SFTP user are left
     * out (they may carry a token).
     */
    public String shown() {
        return switch (kind) {
            case WEBHOOK -> uri.contains("?") ? uri.substring(0, uri.indexOf('?')) + "?…" : uri;
            case SFTP -> "sftp://…@" + address.substring(address.indexOf('@') + 1);
            default -> uri;
        };
    }

    private static String requireHost(String uri, String afterScheme) {
        String authority = afterScheme.split("[/?#]", 2)[0];
        if (authority.contains("@")) {
            throw new IllegalArgumentException("webhook " + uri + ": no user or password in the URL; "
                    + "the shared secret signs each request instead");
        }
        String host = authority.startsWith("[") ? authority.substring(0, authority.indexOf(']') + 1)
                : authority.split(":", 2)[0];
        if (host.isEmpty()) {
            throw new IllegalArgumentException("webhook " + uri + ": no host");
        }
        return host;
    }

    private static boolean isLoopback(String host) {
        return host.equalsIgnoreCase("localhost") || host.equals("[::1]") || host.matches("127(\\.\\d{1,3}){3}");
    }
}

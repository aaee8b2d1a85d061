package org.cpisgateway.delivery;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.Exchange;
import org.cpisgateway.core.DeliveryChannel;
import org.cpisgateway.notify.Notification;

/**
 * Prepares a notification for an authority's SFTP server ({@code sftp://user@host[:port]/folder} channels), which
 * camel-ftp's sftp producer then writes (route {@code deliver-sftp}): the same file as a {@code file:} channel,
 * {@code <notification id>.json}, uploaded under a temporary name beginning with a dot and renamed when complete.
 *
 * <ul>
 *   <li>The host's key must be in {@code cpis.delivery.sftp.known-hosts-file}: an unknown or changed key is refused
 *       (strict host key checking), so notifications never go to an impostor.</li>
 *   <li>The password is {@code <CODE>.sftp-password} in the secrets file, never in mappings/.</li>
 *   <li>The remote folder is not created; the connection is closed after each file (notifications are few).</li>
 * </ul>
 */
public class SftpDelivery {

    /** The exchange property holding the sftp endpoint URI the route writes to. */
    public static final String ENDPOINT = "cpisSftpEndpoint";

    private final DeliverySecrets secrets;
    private final Path knownHosts;

    public SftpDelivery(DeliverySecrets secrets, Path knownHosts) {
        this.secrets = secrets;
        this.knownHosts = knownHosts;
    }

    /** Sets the file's name and content and the endpoint, or {@link NotificationRelay#NOT_DELIVERED} saying why not. */
    public void prepare(Exchange exchange) {
        Notification n = exchange.getMessage().getBody(Notification.class);
        DeliveryChannel channel = exchange.getMessage().getHeader(NotificationRelay.CHANNEL, DeliveryChannel.class);
        String password = secrets.sftpPassword(n.authorityCode());
        String problem = null;
        if (password == null) {
            problem = "no SFTP password for " + n.authorityCode() + " in " + secrets.file() + " ("
                    + n.authorityCode() + ".sftp-password)";
        } else if (knownHosts == null || !Files.isRegularFile(knownHosts)) {
            problem = "no known hosts file (cpis.delivery.sftp.known-hosts-file " + knownHosts + ")";
        }
        if (problem != null) {
            exchange.getMessage().setHeader(NotificationRelay.NOT_DELIVERED, problem);
            return;
        }
        String address = channel.address(); // user@host[:port]/folder
        String user = address.substring(0, address.indexOf('@'));
        String hostAndFolder = address.substring(address.indexOf('@') + 1);
        String secret = password.contains(")") ? "RAW{" + password + "}" : "RAW(" + password + ")";
        exchange.setProperty(ENDPOINT, "sftp://" + hostAndFolder + "?username="
                + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password=" + secret
                + "&knownHostsFile=" + URLEncoder.encode(knownHosts.toAbsolutePath().toString(), StandardCharsets.UTF_8)
                + "&strictHostKeyChecking=yes&useUserKnownHostsFile=false&autoCreate=false&disconnect=true"
                + "&tempPrefix=.&fileExist=Override&connectTimeout=10000&soTimeout=30000&timeout=30000"
                + "&jschLoggingLevel=OFF&binary=true");
        exchange.getMessage().removeHeader(NotificationRelay.CHANNEL);
        exchange.getMessage().setHeader(Exchange.FILE_NAME, FolderDelivery.fileName(n));
        exchange.getMessage().setBody(n.json().getBytes(StandardCharsets.UTF_8));
    }
}

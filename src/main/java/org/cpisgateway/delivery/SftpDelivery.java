package org.cpisgateway.delivery;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.file.remote.SftpEndpoint;
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

    /** The exchange property holding the sftp endpoint the route writes to. */
    public static final String ENDPOINT = "cpisSftpEndpoint";

    private final DeliverySecrets secrets;
    private final Path knownHosts;

    public SftpDelivery(DeliverySecrets secrets, Path knownHosts) {
        this.secrets = secrets;
        this.knownHosts = knownHosts;
    }

    /**
     * The sftp endpoint of a channel: one per channel, kept in the Camel context. Its address and the fixed options
     * are its URI (the user too: two users of one server are two endpoints, as Camel pools producers by URI); the
     * password is set on its configuration, never written into the URI, so it is taken as it is whatever characters
     * it holds, and a rotated password is used from the next file on.
     */
    synchronized SftpEndpoint endpoint(CamelContext context, String address, String password) throws Exception {
        String user = address.substring(0, address.indexOf('@')); // user@host[:port]/folder
        String hostAndFolder = address.substring(address.indexOf('@') + 1);
        String uri = "sftp://" + hostAndFolder + "?username=" + URLEncoder.encode(user, StandardCharsets.UTF_8)
                + "&strictHostKeyChecking=yes&useUserKnownHostsFile=false&autoCreate=false&disconnect=true"
                + "&tempPrefix=.&fileExist=Override&connectTimeout=10000&soTimeout=30000&timeout=30000"
                + "&jschLoggingLevel=OFF&binary=true";
        SftpEndpoint endpoint = (SftpEndpoint) context.hasEndpoint(uri);
        if (endpoint == null) {
            endpoint = (SftpEndpoint) context.getComponent("sftp").createEndpoint(uri);
            configure(endpoint, password);
            context.addEndpoint(uri, endpoint);
        } else if (!password.equals(endpoint.getConfiguration().getPassword())
                || !knownHosts.toAbsolutePath().toString().equals(endpoint.getConfiguration().getKnownHostsFile())) {
            configure(endpoint, password);
        }
        return endpoint;
    }

    private void configure(SftpEndpoint endpoint, String password) {
        endpoint.getConfiguration().setPassword(password);
        endpoint.getConfiguration().setKnownHostsFile(knownHosts.toAbsolutePath().toString());
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
        try {
            exchange.setProperty(ENDPOINT, endpoint(exchange.getContext(), channel.address(), password));
        } catch (Exception unusable) {
            exchange.getMessage().setHeader(NotificationRelay.NOT_DELIVERED, "cannot make the SFTP endpoint for "
                    + channel.shown() + ": " + unusable.getClass().getSimpleName());
            return;
        }
        exchange.getMessage().removeHeader(NotificationRelay.CHANNEL);
        exchange.getMessage().setHeader(Exchange.FILE_NAME, FolderDelivery.fileName(n));
        exchange.getMessage().setBody(n.json().getBytes(StandardCharsets.UTF_8));
    }
}

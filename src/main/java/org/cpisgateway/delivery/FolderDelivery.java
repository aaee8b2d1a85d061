package org.cpisgateway.delivery;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

import org.apache.camel.Exchange;
import org.cpisgateway.core.DeliveryChannel;
import org.cpisgateway.notify.Notification;

/**
 * Delivers a notification as one file in a folder a case system imports ({@code file:} channels): named by the
 * notification id ({@code <id>.json}), written under a hidden temporary name in the same folder, synced to disk, then
 * renamed in one step, so an importer never sees half a file. A notification sent twice (its mark lost in a crash)
 * replaces its own file. A missing folder (a share not mounted) is not created: the delivery waits, with that
 * reason, until it is there; a full disk or a refused write waits the same way.
 */
public class FolderDelivery {

    /** Writes the body (a {@link Notification}) into the folder of the channel in {@link NotificationRelay#CHANNEL}. */
    public void write(Exchange exchange) {
        Notification n = exchange.getMessage().getBody(Notification.class);
        DeliveryChannel channel = exchange.getMessage().getHeader(NotificationRelay.CHANNEL, DeliveryChannel.class);
        Path dir = Path.of(channel.address());
        String problem = write(dir, fileName(n), n.json().getBytes(StandardCharsets.UTF_8));
        if (problem != null) {
            exchange.getMessage().setHeader(NotificationRelay.NOT_DELIVERED, problem);
        }
    }

    /** {@code <notification id>.json}, the id kept to characters every file system takes. */
    public static String fileName(Notification n) {
        return n.notificationId().replaceAll("[^A-Za-z0-9._-]", "_") + ".json";
    }

    /** @return null when written, else why not */
    static String write(Path dir, String name, byte[] content) {
        if (!Files.isDirectory(dir)) {
            return "the folder " + dir + " does not exist (not mounted?)";
        }
        Path temporary = dir.resolve("." + name + ".tmp");
        try {
            try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(true);
            }
            Files.move(temporary, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            syncFolder(dir);
            return null;
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // the next try writes it again
            }
            return "cannot write to " + dir + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
        }
    }

    /** Makes the rename itself durable (Linux and macOS; other systems do not open folders, and need not). */
    private static void syncFolder(Path dir) {
        try (FileChannel folder = FileChannel.open(dir, StandardOpenOption.READ)) {
            folder.force(true);
        } catch (IOException | UnsupportedOperationException notPossibleHere) {
            // e.g. Windows: the rename is already durable through NTFS's own journal
        }
    }
}

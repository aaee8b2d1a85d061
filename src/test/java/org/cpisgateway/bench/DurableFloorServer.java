package org.cpisgateway.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.Main;

/**
 * The durable floor: the least work any ACK that promises the message is on disk can do. A camel-mllp route (the
 * gateway's MLLP component) hands each message's raw bytes to one writer thread and waits; the writer takes
 * everything that has arrived, appends it to a log file in one write, syncs it ({@code FileChannel.force}), and only
 * then releases the waiting ACKs (group commit: one sync for all the connections waiting together). No parsing, no
 * lookup, no index: the ACK is fixed, as the bare baseline's.
 * <p>
 * The log is one file of {@value #LOG_BYTES} bytes written full of zeros first, then appended to and, at its end,
 * used again from the start (as a journal reuses its files once their records are forwarded): a sync then flushes
 * the data and not the file's growing length as well, the cheapest sync the file system offers. Each record is its
 * length (4 bytes) and the message. Arguments: the port, the folder for the log.
 */
public final class DurableFloorServer {

    static final int LOG_BYTES = 64 * 1024 * 1024;

    private DurableFloorServer() {
    }

    /** One message waiting for the sync that makes it durable. */
    private record Pending(byte[] message, CompletableFuture<Void> synced) {
    }

    /** The group-committing writer: one thread, one write and one sync per batch of whatever arrived. */
    static final class GroupCommitLog implements Runnable {
        private final LinkedBlockingQueue<Pending> arrived = new LinkedBlockingQueue<>();
        private final FileChannel channel;
        private ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
        private long position;
        long batches;
        long messages;

        GroupCommitLog(Path file) throws IOException {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
            for (long p = 0; p < LOG_BYTES; p += zeros.capacity()) {
                zeros.clear();
                channel.write(zeros, p);
            }
            channel.force(true);
        }

        /** Blocks until the message is on disk. */
        void append(byte[] message) throws Exception {
            Pending p = new Pending(message, new CompletableFuture<>());
            arrived.add(p);
            p.synced().get();
        }

        @Override
        public void run() {
            List<Pending> batch = new ArrayList<>();
            while (true) {
                try {
                    batch.add(arrived.take());
                    arrived.drainTo(batch);
                    buffer.clear();
                    for (Pending p : batch) {
                        int need = 4 + p.message().length;
                        if (buffer.remaining() < need) {
                            ByteBuffer bigger = ByteBuffer.allocateDirect(Math.max(buffer.capacity() * 2,
                                    buffer.position() + need));
                            buffer.flip();
                            bigger.put(buffer);
                            buffer = bigger;
                        }
                        buffer.putInt(p.message().length).put(p.message());
                    }
                    buffer.flip();
                    if (position + buffer.remaining() > LOG_BYTES) {
                        position = 0; // the log's end: used again from its start
                    }
                    while (buffer.hasRemaining()) {
                        position += channel.write(buffer, position);
                    }
                    channel.force(false);
                    batches++;
                    messages += batch.size();
                    batch.forEach(p -> p.synced().complete(null));
                } catch (Exception e) {
                    batch.forEach(p -> p.synced().completeExceptionally(e)); // no ACK for what is not on disk
                } finally {
                    batch.clear();
                }
            }
        }
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path dir = Files.createDirectories(Path.of(args[1]));
        GroupCommitLog durable = new GroupCommitLog(dir.resolve("floor.log"));
        Thread writer = new Thread(durable, "group-commit-writer");
        writer.setDaemon(true);
        writer.start();
        Main main = new Main();
        main.configure().addRoutesBuilder(new RouteBuilder() {
            @Override
            public void configure() {
                BareMllpServer.useGatewayMllp(getContext());
                from(BareMllpServer.listener(port)).routeId("durable-floor")
                        .process(e -> durable.append(e.getMessage().getBody(byte[].class)))
                        .setProperty("CamelMllpAcknowledgement", constant(BareMllpServer.ACK));
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.printf(
                "durable floor: %d messages in %d syncs%n", durable.messages, durable.batches)));
        main.run();
    }
}

package org.cpisgateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Loopback ports for the servers a test starts (gateways, brokers, fake PAS and mail servers) when it must name the
 * port before the server binds it. A server that can bind port 0 itself and tell its port (the JDK's HttpServer,
 * Vert.x, Apache SSHD) does that instead.
 */
public final class TestPorts {

    /** Ports handed out by this test run: none is handed out twice. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
    private static final Random RANDOM = new Random();

    private TestPorts() {
    }

    /**
     * A port free now, below Linux's ephemeral range (32768 and up), so that the many client connections a test opens
     * cannot take it between this call and the server's bind, and never one handed out before in this run.
     */
    public static int free() {
        try {
            for (int attempt = 0; attempt < 200; attempt++) {
                int port = 20000 + RANDOM.nextInt(12000);
                if (!HANDED_OUT.add(port)) {
                    continue;
                }
                try (ServerSocket s = new ServerSocket(port)) {
                    return port;
                } catch (IOException taken) {
                    // in use: try another
                }
            }
            try (ServerSocket s = new ServerSocket(0)) {
                HANDED_OUT.add(s.getLocalPort());
                return s.getLocalPort();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether something accepts connections on this loopback port. */
    public static boolean listening(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }
}

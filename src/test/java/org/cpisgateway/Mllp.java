package org.cpisgateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;

/** Raw MLLP over a socket, for what HAPI's client cannot send: several frames in one write, broken frames. */
public final class Mllp {

    private Mllp() {
    }

    public static byte[] frame(byte[] payload) {
        byte[] framed = new byte[payload.length + 3];
        framed[0] = 0x0b;
        System.arraycopy(payload, 0, framed, 1, payload.length);
        framed[framed.length - 2] = 0x1c;
        framed[framed.length - 1] = 0x0d;
        return framed;
    }

    /** Writes {@code bytes} in one write, then reads {@code expected} ACK frames (or until the timeout). */
    public static List<String> exchange(int port, byte[] bytes, int expected, Charset charset) throws IOException {
        return exchange(port, bytes, expected, charset, 10_000);
    }

    public static List<String> exchange(int port, byte[] bytes, int expected, Charset charset, int timeoutMillis)
            throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(timeoutMillis);
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            return readFrames(socket.getInputStream(), expected, charset);
        }
    }

    public static List<String> readFrames(InputStream in, int expected, Charset charset) throws IOException {
        List<String> frames = new ArrayList<>();
        ByteArrayOutputStream current = null;
        while (frames.size() < expected) {
            int b;
            try {
                b = in.read();
            } catch (java.net.SocketTimeoutException timeout) {
                break;
            }
            if (b == -1) {
                break;
            }
            if (b == 0x0b) {
                current = new ByteArrayOutputStream();
            } else if (b == 0x1c && current != null) {
                frames.add(current.toString(charset));
                current = null;
            } else if (current != null) {
                current.write(b);
            }
        }
        return frames;
    }
}

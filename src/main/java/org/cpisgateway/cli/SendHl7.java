package org.cpisgateway.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * An MLLP sender for trying a gateway by hand: sends messages exactly as given (bytes unparsed, so a broken test
 * message reaches the gateway broken; HAPI's client would parse and re-encode it first) on one connection, one
 * after the other, each waiting for its ACK.
 */
public final class SendHl7 implements AutoCloseable {

    private final Socket socket;

    public SendHl7(String host, int port, int timeoutMs) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), timeoutMs);
        socket.setSoTimeout(timeoutMs);
    }

    /** Sends one message (segments ending in CR) in an MLLP frame; returns the ACK's bytes, framing removed. */
    public byte[] send(byte[] message) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(0x0b);
        out.write(message);
        out.write(new byte[] {0x1c, 0x0d});
        out.flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream ack = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != 0x1c) {
            if (b != 0x0b) {
                ack.write(b);
            }
        }
        if (b == -1) {
            throw new IOException("the connection closed before an ACK came");
        }
        in.read(); // the CR after the end block
        return ack.toByteArray();
    }

    /** The ACK as text, one segment a line. */
    public static String readable(byte[] ack) {
        return new String(ack, StandardCharsets.UTF_8).replace('\r', '\n').strip();
    }

    /** MSA-1 of an ACK (AA, AE, AR, CA...), or "" when there is none. */
    public static String ackCode(byte[] ack) {
        for (String segment : new String(ack, StandardCharsets.ISO_8859_1).split("\r")) {
            if (segment.startsWith("MSA") && segment.length() > 6) {
                return segment.substring(4, 6);
            }
        }
        return "";
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

package org.cpisgateway.tools;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Sends an HL7 file over MLLP exactly as it is on disk (LF line ends become CR) and prints the ACK with one segment a
 * line. Bytes are sent unparsed, so broken test messages reach the gateway broken.
 * <p>
 * {@code mvn -q exec:java -Dexec.mainClass=org.cpisgateway.tools.SendHl7 -Dexec.args="samples/adt-a04-flagged.hl7"}
 * <br>optional second and third arguments: host (localhost), port (2575).
 */
public final class SendHl7 {

    private SendHl7() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: SendHl7 FILE [HOST] [PORT]");
            System.exit(2);
        }
        byte[] message = Files.readAllBytes(Path.of(args[0]));
        String text = new String(message, StandardCharsets.ISO_8859_1).replace("\r\n", "\r").replace('\n', '\r');
        String host = args.length > 1 ? args[1] : "localhost";
        int port = args.length > 2 ? Integer.parseInt(args[2]) : 2575;
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(0x0b);
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.write(new byte[] {0x1c, 0x0d});
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream ack = new ByteArrayOutputStream();
            for (int b; (b = in.read()) != -1 && b != 0x1c; ) {
                if (b != 0x0b) {
                    ack.write(b);
                }
            }
            System.out.println(ack.toString(StandardCharsets.UTF_8).replace('\r', '\n').strip());
        }
    }
}
